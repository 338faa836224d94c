"""Ricarica aziendale con addebito in fattura (F-7.3.4): steps, ranges, G-22, periodic job."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.cases import services as cases
from portale.cases.models import Case, RequestDraft
from portale.fulfilment import engine
from portale.records.models import LineService
from portale.records.tests import factories as f
from portale.sim.services import automatic_recharges_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepaid(contract):
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    return f.LineFactory(contract=contract, tariff_plan=plan, company_credit=Decimal("10"))


def _file(roa, contract, **payload):
    return cases.case_file(
        operation="company_recharge", actor=roa, contract=contract, payload=payload
    )


def _errors(roa, contract, **payload):
    with pytest.raises(cases.InvalidRequest) as exc:
        _file(roa, contract, **payload)
    return str(exc.value.errors)


def test_steps_from_the_cards_to_conferma_dei_dati(client, roa, contract, prepaid):
    subscription = f.LineFactory(contract=contract)
    client.force_login(roa)
    body = client.get(reverse("sim:company_recharge")).content.decode()
    assert "RICARICA A TEMPO" in body and "SCEGLI" in body
    url = reverse("sim:company_recharge_line", args=["a_tempo"])
    body = client.get(url).content.decode()
    assert prepaid.msisdn in body and subscription.msisdn not in body  # rechargeable only
    response = client.post(
        url, {"avanti": "1", "page_pks": [str(prepaid.pk)], "selected": [str(prepaid.pk)]}
    )
    params = reverse("sim:company_recharge_params", args=["a_tempo", prepaid.pk])
    assert response["Location"] == params
    body = client.post(params, {"frequenza": "10", "importo": "60"}).content.decode()
    assert "7, 15 o 30 giorni" in body and "da 5 a 50" in body
    response = client.post(params, {"frequenza": "15", "importo": "20"})
    draft = RequestDraft.objects.get()
    assert response["Location"] == reverse("cases:confirm", args=[draft.token])
    assert draft.payload["frequency_days"] == 15 and draft.payload["amount"] == "20"
    assert draft.attachments.get().label == "Elenco delle linee"


def test_amounts_frequencies_and_thresholds_out_of_range(roa, contract, prepaid):
    line = str(prepaid.pk)
    assert "7, 22, 44 o 88" in _errors(roa, contract, tipo="one_shot", line=line, importo="10")
    assert "da 5 a 50" in _errors(
        roa, contract, tipo="a_tempo", line=line, importo="4", frequenza="7"
    )
    assert "senza decimali" in _errors(
        roa, contract, tipo="a_tempo", line=line, importo="5,5", frequenza="7"
    )
    assert "ad esempio 20" in _errors(  # a dot is no decimal point: not read as 5,5 €
        roa, contract, tipo="a_tempo", line=line, importo="5.5", frequenza="7"
    )
    assert "7, 15 o 30" in _errors(
        roa, contract, tipo="a_tempo", line=line, importo="5", frequenza="14"
    )
    assert "da 0 a 5" in _errors(
        roa, contract, tipo="parametrica", line=line, importo="5", soglia="6"
    )
    assert "passi di 0,50" in _errors(
        roa, contract, tipo="parametrica", line=line, importo="5", soglia="1,2"
    )
    assert "ad esempio 2,50" in _errors(
        roa, contract, tipo="parametrica", line=line, importo="5", soglia="1.5"
    )
    assert not Case.objects.exists()


def test_a_subscription_line_or_another_contracts_line_is_refused(roa, contract, other_contract):
    sub = f.LineFactory(contract=contract)
    assert "ricaricabile di questo contratto" in _errors(
        roa, contract, tipo="one_shot", line=str(sub.pk), importo="7"
    )


def test_a_second_timed_recharge_on_the_same_line_is_refused(client, roa, contract, prepaid):
    payload = {"tipo": "a_tempo", "line": str(prepaid.pk), "importo": "10", "frequenza": "7"}
    _file(roa, contract, **payload)
    assert "già attiva una ricarica a tempo" in _errors(roa, contract, **payload)  # open pratica
    engine.run_until_idle()
    assert "Contattaci!" in _errors(roa, contract, **payload)  # the STS is active now
    _file(roa, contract, **{**payload, "tipo": "one_shot", "importo": "7"})  # one shot: always
    client.force_login(roa)
    body = client.get(reverse("sim:company_recharge_line", args=["a_tempo"])).content.decode()
    assert "disabled" in body  # the line cannot be chosen for a second timed recharge


def test_the_periodic_job_runs_timed_recharges_every_n_days(roa, contract, prepaid):
    _file(roa, contract, tipo="a_tempo", line=str(prepaid.pk), importo="10", frequenza="7")
    engine.run_until_idle()
    service = LineService.objects.get(line=prepaid)
    assert service.kind == "RIC_TEMPO" and service.description == "RICARICA A TEMPO 10 EURO"
    start = timezone.now()
    assert automatic_recharges_run(now=start) == 0  # not due on the day of activation
    assert automatic_recharges_run(now=start + datetime.timedelta(days=7)) == 1
    assert automatic_recharges_run(now=start + datetime.timedelta(days=8)) == 0
    assert automatic_recharges_run(now=start + datetime.timedelta(days=14)) == 1
    prepaid.refresh_from_db()
    assert prepaid.company_credit == Decimal("30")
    assert prepaid.service_sms.filter(text__contains="RICARICA A TEMPO 10 EURO").count() == 2


def test_parametric_recharges_under_the_threshold_at_most_three_a_month(roa, contract, prepaid):
    prepaid.company_credit = Decimal("0")
    prepaid.save()
    _file(
        roa,
        contract,
        tipo="parametrica",
        line=str(prepaid.pk),
        importo="5",
        soglia="5",
    )
    engine.run_until_idle()
    now = timezone.make_aware(datetime.datetime(2031, 3, 2, 10, 0))
    runs = [automatic_recharges_run(now=now + datetime.timedelta(hours=h)) for h in range(5)]
    prepaid.refresh_from_db()
    # 0 € is under the 5 € threshold: one recharge to 5 €, which is no longer under it
    assert runs == [1, 0, 0, 0, 0] and prepaid.company_credit == Decimal("5")
    for h in range(5):
        prepaid.company_credit = Decimal("0")
        prepaid.save(update_fields=["company_credit"])
        automatic_recharges_run(now=now + datetime.timedelta(days=1, hours=h))
    assert LineService.objects.get(line=prepaid).parameters["runs"].count("2031-03-02") == 1
    assert len(LineService.objects.get(line=prepaid).parameters["runs"]) == 3  # at most 3 a month
    prepaid.company_credit = Decimal("0")
    prepaid.save(update_fields=["company_credit"])
    assert automatic_recharges_run(now=timezone.make_aware(datetime.datetime(2031, 4, 1, 9))) == 1


def test_a_recharge_that_fails_does_not_hold_back_the_others(roa, contract, prepaid, monkeypatch):
    """One service in an unexpected state (or a lock timeout) fails alone: the run does every
    other due recharge, then fails so the task's retry does the one left."""
    from portale.sim import services as sim_services

    other = f.LineFactory(
        contract=contract, tariff_plan=prepaid.tariff_plan, company_credit=Decimal("10")
    )
    for line in (prepaid, other):
        _file(roa, contract, tipo="a_tempo", line=str(line.pk), importo="10", frequenza="7")
    engine.run_until_idle()
    real = sim_services.records.recharge_service_run
    seen = []

    def first_one_fails(*, service_id, now=None):
        seen.append(service_id)
        if len(seen) == 1:
            raise RuntimeError("lock timeout")
        return real(service_id=service_id, now=now)

    def credits():
        return {
            s.pk: s.line.company_credit
            for s in LineService.objects.filter(line__in=[prepaid, other]).select_related("line")
        }

    due = timezone.now() + datetime.timedelta(days=7)
    monkeypatch.setattr(sim_services.records, "recharge_service_run", first_one_fails)
    with pytest.raises(sim_services.RechargeRunIncomplete):
        automatic_recharges_run(now=due)
    failed, done = seen
    assert credits() == {failed: Decimal("10"), done: Decimal("20")}  # the one after it ran
    monkeypatch.setattr(sim_services.records, "recharge_service_run", real)
    assert automatic_recharges_run(now=due) == 1  # the retry: only the one that failed
    assert credits() == {failed: Decimal("20"), done: Decimal("20")}
