"""Scope cases of the account URLs with parameters (see core/tests/test_access.py).

The "own" object is a valid link (token) or page; the "foreign" one an unknown token or
page, which must be a 404.
"""

from portale.accounts.models import Registration
from portale.accounts.tokens import token_create


def _email_confirm(env):
    user = env.users["DIP"]
    raw = token_create(purpose="email_change", email="nuova@comune.example.it", user=user)
    return {"user": user, "own": {"token": raw}, "foreign": {"token": "sconosciuto"}}


def _register_confirm(env):
    registration = Registration.objects.create(
        msisdn="3391111111",
        first_name="Mario",
        last_name="Rossi",
        fiscal_code="RSSMRA66A02F839D",
        entity_fiscal_code=env.contract.administration.fiscal_code,
        email="mario.rossi@comune.example.it",
        username="mario.rossi@comune.example.it",
    )
    raw = token_create(purpose="registration", email=registration.email, registration=registration)
    return {"user": None, "own": {"token": raw}, "foreign": {"token": "sconosciuto"}}


def _password_reset(env):
    user = env.users["DIP"]
    raw = token_create(purpose="password_reset", email=user.email, user=user)
    return {"user": None, "own": {"token": raw}, "foreign": {"token": "sconosciuto"}}


SCOPE_CASES = {
    "accounts:email_confirm": _email_confirm,
    "accounts:register_confirm": _register_confirm,
    "accounts:password_reset": _password_reset,
    "accounts:legal_document": lambda env: {
        "user": None,
        "own": {"kind": "termini"},
        "foreign": {"kind": "altro"},
    },
    "accounts:recover_data": lambda env: {
        "user": None,
        "own": {"mode": "password"},
        "foreign": {"mode": "altro"},
    },
}
