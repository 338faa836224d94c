"""Scope cases of the thresholds URLs (see portale/core/tests/test_access.py)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from portale.records.tests import factories as f
from portale.thresholds.models import ThresholdDigest


def erosion(env):
    own = f.ThresholdFactory(line__contract=env.contract)
    foreign = f.ThresholdFactory(line__contract=env.other_contract)
    return {
        "user": env.users["TM"],
        "own": {"line_id": own.line_id},
        "foreign": {"line_id": foreign.line_id},
    }


def _digest(contract, user, email):
    existing = ThresholdDigest.objects.filter(contract=contract, recipient=email).first()
    if existing:
        return existing
    return ThresholdDigest.objects.create(
        contract=contract,
        user=user,
        recipient=email,
        day=datetime.date(2021, 5, 16),
        sent_at=timezone.now(),
        subject="Avanzamento Soglie del 16-05-2021",
        text="Gentile utente",
        attachment_name="avanzamento_soglie_20210516.xlsx",
        attachment=b"PK",
    )


def digest(env):
    user = env.users["ROA"]
    own = _digest(env.contract, user, user.email)
    foreign = _digest(env.other_contract, None, "altro.referente@ente.it")
    return {"user": user, "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


SCOPE_CASES = {
    "thresholds:erosion": erosion,
    "thresholds:notification_detail": digest,
    "thresholds:notification_attachment": digest,
}


def blocked(env):
    own = f.ThresholdFactory(
        line__contract=env.contract,
        type="DISPOSITIVA",
        description="SOGLIA DISPO SPESA PA",
        blocked_line=True,
        last_alert_level=100,
    )
    # Staff see every contract: only a threshold that does not exist is a 404 (one that is
    # no longer blocking says so on the page, test_digest).
    return {"user": env.users["STAFF"], "own": {"pk": own.pk}, "foreign": {"pk": own.pk + 10_000}}


SCOPE_CASES["backoffice:threshold_unblock"] = blocked
