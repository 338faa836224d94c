"""Builders shared by the requests-engine tests."""

from __future__ import annotations

from portale.cases import services
from portale.cases.models import Case, Channel
from portale.records.models import Referent
from portale.records.tests import factories as f


def ebill_referent(contract) -> Referent:
    return f.ReferentFactory(
        contract=contract,
        role=Referent.Role.EBILL,
        first_name="MARIO",
        last_name="BIANCHI",
        fiscal_code="BNCMRA80A01H501A",
    )


def referent_payload(ref: Referent, **changes) -> dict:
    payload = {
        "referent_id": ref.pk,
        "role": ref.role,
        "first_name": "LUCA",
        "last_name": "VERDI",
        "fiscal_code": "VRDLCU80A01H501G",
        "mobile": "3351112223",
        "email": "luca.verdi@comune.example.it",
        "old": {"mobile": ref.mobile, "email": ref.email},
    }
    payload.update(changes)
    return payload


def draft_for(user, contract, ref=None, *, downloaded=True):
    ref = ref or ebill_referent(contract)
    draft = services.draft_create(
        user=user,
        contract=contract,
        operation="referent_replace",
        payload=referent_payload(ref),
        back_url="/",
    )
    if downloaded:
        draft = services.draft_mark_downloaded(draft=draft, pdf=b"%PDF-1.4 test")
    return draft


def phone_case(contract, **kwargs) -> Case:
    return services.case_create(
        contract=contract,
        operation=kwargs.pop("operation", "sim_change"),
        channel=Channel.PHONE,
        notes="Richiesta telefonica",
        **kwargs,
    )
