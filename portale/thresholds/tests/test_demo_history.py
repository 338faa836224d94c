"""The demo's notification history (F-7.5.6): past digests with their attachments."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portale.thresholds.demo import DAYS_AGO, load_thresholds_demo_history
from portale.thresholds.models import ThresholdDigest, ThresholdEvent

pytestmark = pytest.mark.django_db


def test_the_roa_finds_past_digests_in_the_history_and_a_second_run_adds_nothing(client):
    today = timezone.localdate()
    call_command(
        "demo_data",
        "--today",
        today.isoformat(),
        "--lines-per-contract",
        "20",
        stdout=io.StringIO(),
    )
    assert load_thresholds_demo_history(today=today) > 0
    roa = get_user_model().objects.get(username="roa@demo.it")
    digests = ThresholdDigest.objects.filter(recipient=roa.email).order_by("-day")
    assert digests.count() >= 2
    assert {d.day for d in digests} <= {today - datetime.timedelta(days=n) for n in DAYS_AGO}
    assert all(d.sent_at.date() == d.day + datetime.timedelta(days=1) for d in digests)
    assert all(d.subject == f"Avanzamento Soglie del {d.day:%d-%m-%Y}" for d in digests)
    events, digest_count = ThresholdEvent.objects.count(), ThresholdDigest.objects.count()
    assert load_thresholds_demo_history(today=today) == 0
    assert (ThresholdEvent.objects.count(), ThresholdDigest.objects.count()) == (
        events,
        digest_count,
    )
    client.force_login(roa)
    page = client.get(reverse("thresholds:notifications")).content.decode()
    assert digests[0].subject in page
    attachment = client.get(reverse("thresholds:notification_attachment", args=[digests[0].pk]))
    assert attachment.content == bytes(digests[0].attachment)
