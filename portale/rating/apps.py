from django.apps import AppConfig


class RatingConfig(AppConfig):
    name = "portale.rating"
    label = "rating"
