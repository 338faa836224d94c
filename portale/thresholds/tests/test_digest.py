"""G-36 / F-7.5.6: the daily "Avanzamento Soglie" digest and its history."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from portale.core.models import OutboxMessage
from portale.thresholds import services
from portale.thresholds.models import ThresholdDigest, ThresholdEvent

from .helpers import at, call, push, spending, today

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def test_digest_to_roa_and_traffic_managers_only_on_days_with_events(
    client, roa, traffic_manager, ebill, contract, employee_line
):
    day = today()
    assert services.digests_send(day=day) == 0  # no events: no e-mail
    t = spending(employee_line, type="DISPOSITIVA", value="10")
    push([call("D1", employee_line.msisdn, at(day, 9), 660, "EXTRA_UE")])  # 11 €: 80 + 100
    assert services.digests_send(day=day) == 2
    assert services.digests_send(day=day) == 0  # once per day and recipient
    mails = OutboxMessage.objects.filter(kind="soglie")
    subject = f"Avanzamento Soglie del {day:%d-%m-%Y}"
    assert {m.recipient for m in mails} == {roa.email, traffic_manager.email}
    assert {m.subject for m in mails} == {subject}
    assert mails.first().attachments.count() == 1
    digest = ThresholdDigest.objects.get(recipient=traffic_manager.email)
    rows = _rows(bytes(digest.attachment))
    assert rows[0][0] == "Linea"
    events = ThresholdEvent.objects.filter(threshold=t).order_by("occurred_at", "pk")
    assert [(r[0], r[1], r[7].split(" ")[0]) for r in rows[1:]] == [
        (employee_line.msisdn, "SOGLIA DISPO SPESA PA", "SUPERAMENTO") for _ in events
    ]
    assert sorted(Decimal(str(r[5])) for r in rows[1:]) == sorted(e.consumed for e in events)
    assert "LINEA BLOCCATA" in rows[-1][7] or "LINEA BLOCCATA" in rows[1][7]
    # The history: the user's own e-mails only, detail and attachment.
    client.force_login(traffic_manager)
    page = client.get(reverse("thresholds:notifications"))
    assert page.context["table"].count == 1 and subject in page.content.decode()
    detail = client.get(reverse("thresholds:notification_detail", args=[digest.pk]))
    body = detail.content.decode()
    assert "TIM - Convenzione Mobile 8" in body and traffic_manager.email in body
    assert f"alla data {day:%d-%m-%Y} hanno superato" in body
    file = client.get(reverse("thresholds:notification_attachment", args=[digest.pk]))
    assert file.content == bytes(digest.attachment)
    other = ThresholdDigest.objects.get(recipient=roa.email)
    assert client.get(reverse("thresholds:notification_detail", args=[other.pk])).status_code == 404


def test_history_period_filter(client, traffic_manager, contract):
    old = timezone.now() - datetime.timedelta(days=60)
    for when in (old, timezone.now()):
        ThresholdDigest.objects.create(
            contract=contract,
            user=traffic_manager,
            recipient=traffic_manager.email,
            day=timezone.localdate(when),
            sent_at=when,
            subject=f"Avanzamento Soglie del {when:%d-%m-%Y}",
            text="x",
            attachment_name="a.xlsx",
            attachment=b"PK",
        )
    client.force_login(traffic_manager)
    url = reverse("thresholds:notifications")
    assert client.get(url).context["table"].count == 1  # default: the last month
    since = (old - datetime.timedelta(days=1)).date().isoformat()
    assert (
        client.get(url, {"dal": since, "al": timezone.localdate().isoformat()})
        .context["table"]
        .count
        == 2
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"dal": "2025-13-45"}, "dal", "Data non valida"),
        ({"dal": "ieri", "al": "2025-01-31"}, "dal", "Data non valida"),
        ({"dal": "2025-05-01", "al": "2025-01-31"}, "al", "non può precedere"),
    ],
)
def test_history_period_bad_dates_are_reported_next_to_the_field(
    client, traffic_manager, contract, query, field, message
):
    """A wrong date is not silently dropped for the default month: the message is next to the
    field, what was typed stays in it and no e-mail is listed for a period not understood."""
    ThresholdDigest.objects.create(
        contract=contract,
        user=traffic_manager,
        recipient=traffic_manager.email,
        day=timezone.localdate(),
        sent_at=timezone.now(),
        subject="Avanzamento Soglie",
        text="x",
        attachment_name="a.xlsx",
        attachment=b"PK",
    )
    client.force_login(traffic_manager)
    response = client.get(reverse("thresholds:notifications"), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="{field}_error"' in body and message in body
    assert f'aria-describedby="{field}_error"' in body
    for value in query.values():
        assert f'value="{value}"' in body
    assert response.context["table"].count == 0


def test_history_period_accepts_the_italian_date_format(client, traffic_manager):
    client.force_login(traffic_manager)
    today = timezone.localdate()
    since = today - datetime.timedelta(days=3)
    response = client.get(
        reverse("thresholds:notifications"), {"dal": f"{since:%d/%m/%Y}", "al": f"{today:%d/%m/%Y}"}
    )
    assert (response.context["since"], response.context["until"]) == (since, today)
    assert "_error" not in response.content.decode()


def test_back_office_unblock_is_an_event_notified(employee_line, staff, client):
    t = spending(employee_line, type="DISPOSITIVA", value="1")
    push([call("U1", employee_line.msisdn, at(today(), 9), 120, "EXTRA_UE")])
    t.refresh_from_db()
    assert t.blocked_line
    client.force_login(staff)
    page = client.get(reverse("backoffice:thresholds"))
    assert employee_line.msisdn in page.content.decode()
    # The row's cells (read as values of the threshold's row, issue 17).
    body = page.content.decode()
    contract = employee_line.contract
    assert f">{contract.code}</td>" in body and f">{contract.administration.name}</td>" in body
    assert f"Sblocca la linea {employee_line.msisdn}" in body
    assert f'href="{reverse("backoffice:threshold_unblock", args=[t.pk])}"' in body
    assert (
        f"{t.description} 1,00 €"
        in client.get(reverse("backoffice:threshold_unblock", args=[t.pk])).text
    )
    r = client.post(reverse("backoffice:threshold_unblock", args=[t.pk]))
    assert r.status_code == 302
    t.refresh_from_db()
    assert not t.blocked_line
    assert ThresholdEvent.objects.filter(threshold=t, kind="SBLOCCO").count() == 1
    # A second click (or a colleague's): said, not a 404, and nothing done twice.
    again = client.post(reverse("backoffice:threshold_unblock", args=[t.pk]), follow=True)
    assert f"La linea {employee_line.msisdn} non è più bloccata da questa soglia." in again.text
    page = client.get(reverse("backoffice:threshold_unblock", args=[t.pk]))
    assert page.status_code == 200 and "data-unblocked" in page.text
    assert ThresholdEvent.objects.filter(threshold=t, kind="SBLOCCO").count() == 1
    from portale.records.models import ServiceSms

    sms = ServiceSms.objects.filter(line=employee_line, text__contains="di nuovo disponibile")
    assert sms.count() == 1 and "Servizio Clienti" in sms.get().text
    # The next pay-per-use event is charged again.
    push([call("U2", employee_line.msisdn, at(today(), 10), 60, "EXTRA_UE")])
    from portale.records.models import TrafficEvent

    assert TrafficEvent.objects.get(external_id="U2").net_amount == Decimal("1.0000")
