"""TIM TUO ricaricabile – Pacchetti/Plafond (F-9.2.1.3, G-43, G-52)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portale.cases import services as cases
from portale.cases.models import Case, CaseState
from portale.fulfilment import engine
from portale.rating.selectors import personal_counters
from portale.records.models import DualBillingOption
from portale.records.tests import factories as f

from .helpers import option_price_list, timtuo_prepaid_line

pytestmark = pytest.mark.django_db
F = DualBillingOption.Family


@pytest.fixture
def setup(contract, client):
    option_price_list()
    line = timtuo_prepaid_line(contract)
    user = f.UserFactory(mobile=line.msisdn)
    client.force_login(user)
    return line, user, client


def _file(line, user, op, **payload):
    return cases.case_file(
        operation=op, actor=user, contract=line.contract, line=line, payload=payload
    )


def test_page_lists_the_families_and_hides_roaming_without_the_company_option(setup):
    line, _user, client = setup
    page = client.get(reverse("myline:dual_packages")).content.decode()
    for text in (
        "Pacchetto mensile traffico nazionale + UE",
        "Plafond dati aggiuntivo",
        "Pacchetto giornaliero roaming extra UE Exclusive",
        "Nessuna opzione attiva al momento",
        "Pacchetto M20",
        "30,00 €",
    ):
        assert text in page
    roaming = page.split('data-family="PACC_EXTUE"', 1)[1].split("</details>")[0]
    assert "<fieldset disabled>" in roaming and "TIM TUO ROAMING ON EXTRA UE" in roaming


def test_activation_goes_to_the_wizard_and_its_effect_replaces_and_debits(setup):
    line, user, client = setup
    response = client.post(
        reverse("myline:dual_packages"), {"family": F.NATIONAL_PACK, "scelta": "S4"}
    )
    assert response.status_code == 302 and "/pratiche/" in response["Location"]
    f.DualBillingOptionFactory(line=line, code="S1", name="Pacchetto S1", price=Decimal("3"))
    case = _file(line, user, "timtuoric_pack_nat_on", family=F.NATIONAL_PACK, option="M20")
    assert case.description == "Timtuoric-attiv pacc traff naz" and case.orders.exists()
    engine.run_until_idle()
    case.refresh_from_db()
    line.refresh_from_db()
    assert case.state == CaseState.CLOSED, case.last_error
    live = DualBillingOption.objects.filter(line=line, family=F.NATIONAL_PACK, state="ATTIVO")
    assert [o.code for o in live] == ["M20"]
    assert line.personal_credit == Decimal("21.00")  # 30 − 9
    # rating's personal counters now include it (M20: 20 GB, 500 min, 500 SMS)
    counters = {c.unit: c for c in personal_counters(line=line, today=timezone.localdate())}
    assert counters["GB"].total == 20 and counters["MIN"].total == 500


def test_conferma_dei_dati_writes_the_price_as_the_portal_does(setup):
    """COPY §4: "5,00 €" on "Conferma dei dati" and in its PDF, not the payload's "5.00 €"."""
    from portale.cases.platform import pdf_text

    _line, _user, client = setup
    response = client.post(
        reverse("myline:dual_packages"), {"family": F.NATIONAL_PACK, "scelta": "S4"}
    )
    confirm = response["Location"]
    body = client.get(confirm).content.decode()
    assert "5,00 €" in body and "5.00 €" not in body
    text = pdf_text(b"".join(client.get(confirm.replace("/conferma/", "/riepilogo.pdf"))))
    assert "5,00 €" in text and "5.00 €" not in text


def test_second_request_while_one_is_pending_is_refused(setup):
    line, user, client = setup
    _file(line, user, "timtuoric_pack_nat_on", family=F.NATIONAL_PACK, option="S4")
    with pytest.raises(cases.InvalidRequest) as exc:
        _file(line, user, "timtuoric_plaf_nat_on", family=F.NATIONAL_DATA, option="DATI10")
    assert "più richieste nella stessa sessione" in str(exc.value.errors)
    page = client.post(
        reverse("myline:dual_packages"), {"family": F.NATIONAL_DATA, "scelta": "DATI10"}
    )
    assert page.status_code == 200
    assert "più richieste nella stessa sessione" in page.content.decode()
    assert Case.objects.count() == 1
    # a draft prepared before the first was filed is refused at INVIA too (G-52 group)
    with pytest.raises(cases.CaseConflict):
        cases.case_create(
            contract=line.contract,
            operation="timtuoric_plaf_nat_on",
            payload={
                "line_id": line.pk,
                "family": F.NATIONAL_DATA,
                "code": "DATI10",
                "name": "x",
                "price": "4.00",
            },
            line=line,
            requester=user,
        )
    # once the back-end has applied the first, a new request is accepted
    engine.run_until_idle()
    _file(line, user, "timtuoric_plaf_nat_on", family=F.NATIONAL_DATA, option="DATI10")


def test_the_lock_times_out_after_24_hours_and_the_old_pratica_stays_open(setup):
    """G-52: a request the back-end never reflects locks the line for 24 h, not for good."""
    line, user, client = setup
    first = _file(line, user, "timtuoric_pack_nat_on", family=F.NATIONAL_PACK, option="S4")
    Case.objects.filter(pk=first.pk).update(opened_at=timezone.now() - timedelta(hours=23))
    with pytest.raises(cases.InvalidRequest):
        _file(line, user, "timtuoric_plaf_nat_on", family=F.NATIONAL_DATA, option="DATI10")
    assert 'id="pending-request"' in client.get(reverse("myline:dual_packages")).content.decode()

    Case.objects.filter(pk=first.pk).update(opened_at=timezone.now() - timedelta(hours=25))
    page = client.get(reverse("myline:dual_packages")).content.decode()
    assert (
        'id="pending-request"' not in page
        and "<fieldset disabled>"
        not in page.split('data-family="PACC_NAZ"', 1)[1].split("</details>")[0]
    )
    second = _file(line, user, "timtuoric_plaf_nat_on", family=F.NATIONAL_DATA, option="DATI10")
    first.refresh_from_db()
    assert first.is_open and first.conflict_key is None and second.conflict_key
    # the new request holds the lock again
    with pytest.raises(cases.InvalidRequest) as exc:
        _file(line, user, "timtuoric_pack_nat_on", family=F.NATIONAL_PACK, option="M20")
    assert "più richieste nella stessa sessione" in str(exc.value.errors)


def test_roaming_package_needs_the_company_option(setup, contract):
    line, user, _client = setup
    with pytest.raises(cases.InvalidRequest) as exc:
        _file(line, user, "timtuoric_pack_extue_on", family=F.ROAMING_PACK, option="RXU")
    assert "TIM TUO ROAMING ON EXTRA UE" in str(exc.value.errors)
    roaming_line = timtuo_prepaid_line(contract, roaming=True)
    case = _file(
        roaming_line, user, "timtuoric_pack_extue_on", family=F.ROAMING_PACK_EXCL, option="RXU-X"
    )
    assert case.description == "Timtuoric-attiv pac traf extue"  # G-43: Exclusive → base pratica


def test_one_extra_data_plafond_per_calendar_month(setup):
    line, user, _client = setup
    _file(line, user, "timtuoric_plaf_nat_on", family=F.EXTRA_DATA, option="1GB Plus")
    engine.run_until_idle()
    with pytest.raises(cases.InvalidRequest) as exc:
        _file(line, user, "timtuoric_plaf_nat_on", family=F.EXTRA_DATA, option="4GB Plus")
    assert "solo Pacchetto dati aggiuntivo" in str(exc.value.errors)


def test_low_credit_is_a_warning_and_the_back_end_refuses_the_charge(setup):
    line, user, client = setup
    line.personal_credit = Decimal("1.00")
    line.save()
    page = client.get(reverse("myline:dual_packages")).content.decode()
    assert "data-credit-warning" in page
    case = _file(line, user, "timtuoric_pack_nat_on", family=F.NATIONAL_PACK, option="L20")
    engine.run_until_idle()
    case.refresh_from_db()
    assert case.state != CaseState.CLOSED and "Addebito non riuscito" in case.last_error
    assert not DualBillingOption.objects.filter(line=line, code="L20").exists()


def test_deactivation(setup):
    line, user, client = setup
    f.DualBillingOptionFactory(
        line=line, family=F.NATIONAL_DATA, code="DATI10", name="Plafond 10GB"
    )
    with pytest.raises(cases.InvalidRequest):
        _file(line, user, "timtuoric_pack_nat_off", family=F.NATIONAL_PACK)  # nothing active
    response = client.post(
        reverse("myline:dual_packages"), {"family": F.NATIONAL_DATA, "scelta": "disattiva"}
    )
    assert response.status_code == 302
    case = _file(line, user, "timtuoric_plaf_nat_off", family=F.NATIONAL_DATA)
    assert case.description == "Timtuoric-cess plaf dati naz"
    engine.run_until_idle()
    assert DualBillingOption.objects.get(line=line, code="DATI10").state == "CESSATO"


def test_line_without_timtuo_sees_the_empty_state(contract, client):
    option_price_list()
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    line = f.SimFactory(line__contract=contract, line__tariff_plan=plan).line
    client.force_login(f.UserFactory(mobile=line.msisdn))
    page = client.get(reverse("myline:dual_packages")).content.decode()
    assert "non è attivo" in page
