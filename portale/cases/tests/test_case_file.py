"""Filing without an HTTP request: ``case_file`` validates with the operation's form."""

import pytest

from portale.cases import hooks, operations, services
from portale.cases.models import Case, Channel
from portale.cases.tests.helpers import ebill_referent
from portale.fulfilment import engine
from portale.records.models import Referent
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def _contacts(ref, **changes):
    return {"referent": str(ref.pk), "mobile": "3351112223", "email": "nuova@ente.it", **changes}


def test_it_files_and_fulfilment_applies_the_effect(roa, contract):
    ref = ebill_referent(contract)
    case = services.case_file(
        operation="referent_contacts", actor=roa, contract=contract, payload=_contacts(ref)
    )
    assert case.auto and case.requester == roa and case.payload["referent_id"] == ref.pk
    assert case.summary[0][0] == "Tipologia referente"
    engine.run_until_idle()
    ref.refresh_from_db()
    assert (ref.mobile, ref.email) == ("3351112223", "nuova@ente.it")


def test_invalid_parameters_are_refused_with_the_form_errors(roa, contract):
    ref = ebill_referent(contract)
    with pytest.raises(services.InvalidRequest) as exc:
        services.case_file(
            operation="referent_contacts",
            actor=roa,
            contract=contract,
            payload=_contacts(ref, mobile="12"),
        )
    assert "mobile" in exc.value.errors
    assert not Case.objects.exists()


def test_a_referent_of_another_contract_is_not_a_valid_choice(roa, contract, other_contract):
    foreign = f.ReferentFactory(contract=other_contract, role=Referent.Role.EBILL)
    with pytest.raises(services.InvalidRequest) as exc:
        services.case_file(
            operation="referent_contacts",
            actor=roa,
            contract=contract,
            payload=_contacts(foreign),
        )
    assert "referent" in exc.value.errors


def test_a_declared_operation_nobody_implements_is_not_fileable(roa, contract, monkeypatch):
    monkeypatch.setattr(operations.get("deferred_activation"), "form", None)
    with pytest.raises(services.OperationNotAvailable):
        services.case_file(
            operation="deferred_activation", actor=roa, contract=contract, payload={"line": "1"}
        )


def test_the_back_office_opens_a_pratica_to_be_worked_by_hand(contract):
    operator = f.UserFactory(is_staff=True)
    case = services.case_file(
        operation="sim_block",
        actor=operator,
        contract=contract,
        payload=None,
        channel=Channel.PHONE,
        notes="Telefonata del referente",
    )
    assert not case.auto and case.filed_by == operator and case.requester is None


def test_the_portal_needs_parameters(roa, contract):
    with pytest.raises(services.InvalidRequest):
        services.case_file(
            operation="referent_contacts", actor=roa, contract=contract, payload=None
        )


def test_filing_is_announced_once_it_commits(roa, contract, django_capture_on_commit_callbacks):
    seen = []
    hooks.on_case_filed(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case = services.case_file(
                operation="referent_contacts",
                actor=roa,
                contract=contract,
                payload=_contacts(ebill_referent(contract)),
            )
            assert seen == []  # not before the commit
    finally:
        hooks.remove_hook(seen.append)
    assert [e.case_id for e in seen] == [case.pk] and seen[0].auto


def test_the_same_idempotency_key_files_once(roa, contract):
    ref = ebill_referent(contract)
    kwargs = {
        "operation": "referent_contacts",
        "actor": roa,
        "contract": contract,
        "idempotency_key": "k1",
    }
    first = services.case_file(payload=_contacts(ref), **kwargs)
    again = services.case_file(payload=_contacts(ref), **kwargs)
    assert first == again and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (Channel.PORTAL, "Web"),
        (Channel.PHONE, "Telefono"),
        (Channel.FAX, "Fax"),
        (Channel.EMAIL, "Email"),
    ],
)
def test_every_ordine_carries_its_canale_di_acquisizione(contract, channel, expected):
    """The ordine's channel comes from its pratica's (it was blank unless from the portal),
    the logistics ordine made by an effect's too."""
    case = services.case_create(contract=contract, operation="sim_change", channel=channel)
    assert case.orders.get().channel == expected
    shipped = services.shipment_order_create(
        case=case, items=[{"product": "SIM", "quantity": 1}], address="Via Roma 1"
    )
    assert shipped.channel == expected


def test_the_migration_fills_the_blank_channels_of_earlier_ordini(contract):
    import importlib

    from django.apps import apps

    from portale.cases.models import Order

    backfill = importlib.import_module("portale.cases.migrations.0005_order_channel_backfill")
    fax = services.case_create(contract=contract, operation="sim_change", channel=Channel.FAX)
    web = services.case_create(contract=contract, operation="sim_change", channel=Channel.PORTAL)
    Order.objects.filter(case=fax).update(channel="")
    backfill.backfill(apps, None)
    assert fax.orders.get().channel == "Fax" and web.orders.get().channel == "Web"


def test_a_replay_of_the_same_page_is_the_pratica_already_filed(roa, contract):
    """The idempotency key is read before the operation's form: a second submit of the same
    page is its pratica, though the form refuses a line with a request still open."""
    plan = f.TariffPlanFactory(category="RICARICABILE")
    line = f.LineFactory(contract=contract, tariff_plan=plan, auto_recharge="CONFERMA")
    params = {
        "operation": "recharge_confirm",
        "actor": roa,
        "contract": contract,
        "payload": {"righe": f"NUMERO\n{line.msisdn}\n"},
    }
    first = services.case_file(**params, idempotency_key="page-1")
    assert services.case_file(**params, idempotency_key="page-1") == first
    with pytest.raises(services.InvalidRequest) as refused:  # another page: refused
        services.case_file(**params, idempotency_key="page-2")
    assert "già in lavorazione" in str(refused.value.errors)
    assert Case.objects.count() == 1
