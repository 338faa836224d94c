from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "portale.cases"
    verbose_name = "Pratiche e ordini"
    label = "cases"

    def ready(self):
        # Each app implements the operations it owns in its own ``operations.py``.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("operations")
