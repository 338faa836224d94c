"""Scheduled housekeeping of the account security records."""

from huey import crontab

from portale.core.tasks import periodic_task

from .services import security_records_purge


@periodic_task(crontab(minute="23", hour="3"))
def accounts_security_records_purge() -> None:
    """Every night: drop expired codes and links and abandoned registrations."""
    security_records_purge()
