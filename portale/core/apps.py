from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "portale.core"
    verbose_name = "Piattaforma"
    label = "core"

    def ready(self) -> None:
        # Lists register their background exports in their app's ``tables.py``
        # (``export_jobs.register_list``): load them in every process, the worker included.
        autodiscover_modules("tables")
        # The worker (run_huey) autodiscovers ``<app>.tasks`` modules only: register the
        # platform's own tasks (the durable-job sweep, background exports, notification
        # delivery) here. Not from ``core/tasks.py``: those modules import it, and importing
        # them from its end made ``import portale.core.jobs`` as the first import a cycle.
        import portale.core.export_jobs  # noqa: F401
        import portale.core.jobs  # noqa: F401
        import portale.core.notifications.services  # noqa: F401
