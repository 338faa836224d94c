"""Scope cases of the payment URLs (see portale/core/tests/test_access.py).

They are the PSP's doors, public by design: a payment is found only by its unguessable
token, a hosted page only by its signed session, so an unknown token or a tampered session
answers 404.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from portale.payments import services
from portale.payments.hooks import is_registered, register_purpose


def _payment(env):
    if not is_registered("scope_test"):
        register_purpose("scope_test", on_success=lambda payment: None)
    return services.payment_start(
        user=env.users["DIP"],
        amount=Decimal("10"),
        purpose="scope_test",
        description="Prova",
        return_url="/area-privata/",
    )


def process(env):
    start = _payment(env)
    return {
        "user": None,
        "own": {"token": start.payment.token},
        "foreign": {"token": uuid.uuid4()},
    }


def callback(env):
    return {"user": None, "own": {"variant": "sandbox"}, "foreign": {"variant": "sconosciuto"}}


def pay(env):
    blob = _payment(env).redirect_url.rstrip("/").rsplit("/", 1)[1]
    return {"user": None, "own": {"blob": blob}, "foreign": {"blob": blob[:-4] + "abcd"}}


def challenge(env):
    from django.core import signing

    from portale.payments.sandbox import CHALLENGE_SALT, _secret

    start = _payment(env)
    provider_session = signing.loads(
        start.redirect_url.rstrip("/").rsplit("/", 1)[1],
        key=_secret(),
        salt="portale.payments.sandbox.session",
    )
    card = {"circuito": "VISA", "carta": "*****3220", "scadenza": "12/39", "token": ""}
    blob = signing.dumps(
        {"session": provider_session, "card": card}, key=_secret(), salt=CHALLENGE_SALT
    )
    return {"user": None, "own": {"blob": blob}, "foreign": {"blob": blob[:-4] + "abcd"}}


SCOPE_CASES = {
    "payments:process": process,
    "payments:callback": callback,
    "psp_sandbox:pay": pay,
    "psp_sandbox:challenge": challenge,
}
