from django.apps import AppConfig


class RatingConfig(AppConfig):
    name = "portale.rating"
    verbose_name = "Valorizzazione del traffico"
    label = "rating"
