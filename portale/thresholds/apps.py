from django.apps import AppConfig


class ThresholdsConfig(AppConfig):
    name = "portale.thresholds"
    verbose_name = "Gestione soglie"
    label = "thresholds"

    def ready(self) -> None:
        from portale.rating.hooks import after_rating

        from . import (
            engine,
            tasks,  # noqa: F401 - declares the erosions' durable job kind
        )

        after_rating(engine.after_rating_hook)
