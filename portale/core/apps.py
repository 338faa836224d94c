from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "portale.core"
    label = "core"

    def ready(self) -> None:
        # Lists register their background exports in their app's ``tables.py``
        # (``export_jobs.register_list``): load them in every process, the worker included.
        autodiscover_modules("tables")
