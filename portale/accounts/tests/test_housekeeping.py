from datetime import timedelta

import pytest
from django.utils import timezone

from portale.accounts.models import EmailToken, OtpChallenge, Registration, SecurityEvent
from portale.accounts.services import security_records_purge
from portale.accounts.tasks import accounts_security_records_purge

pytestmark = pytest.mark.django_db


def test_purge_drops_only_stale_records(employee):
    now = timezone.now()
    old, fresh = now - timedelta(days=10), now - timedelta(minutes=1)
    for created in (old, fresh):
        OtpChallenge.objects.create(
            msisdn="3391234567",
            purpose="login",
            code_hash="x",
            created_at=created,
            expires_at=created + timedelta(minutes=5),
        )
    EmailToken.objects.create(
        purpose="email_change",
        token_hash="a" * 64,
        user=employee,
        email="a@b.it",
        expires_at=old,
    )
    EmailToken.objects.create(
        purpose="email_change",
        token_hash="b" * 64,
        user=employee,
        email="a@b.it",
        expires_at=now + timedelta(hours=1),
    )
    Registration.objects.create(
        msisdn="3391234567",
        first_name="M",
        last_name="R",
        fiscal_code="X",
        entity_fiscal_code="1",
        email="a@b.it",
        username="u",
        created_at=old,
    )
    SecurityEvent.objects.create(kind="login_ok", created_at=now - timedelta(days=400))
    SecurityEvent.objects.create(kind="login_ok")
    assert security_records_purge() == {"otp": 1, "tokens": 1, "registrations": 1, "audit": 1}
    assert OtpChallenge.objects.count() == 1 and EmailToken.objects.count() == 1
    assert SecurityEvent.objects.count() == 1


def test_periodic_task_runs(db):
    accounts_security_records_purge.call_local()
