from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portale.accounts"
    label = "accounts"
