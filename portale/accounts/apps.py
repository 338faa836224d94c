from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portale.accounts"
    verbose_name = "Utenti e accessi"
    label = "accounts"

    def ready(self):
        from portale.core import audit as core_audit

        from . import signals  # noqa: F401
        from .audit import core_audit_sink

        core_audit.register_sink(core_audit_sink)
