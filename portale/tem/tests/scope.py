"""Scope cases of the TEM URLs with parameters (see core/tests/test_access.py)."""

from portale.billing.tests.scope import make_invoice
from portale.core.tests.handoff_helpers import grant


def _audit_case(number: int, bimester: str):
    def build(env):
        own = make_invoice(env.contract, f"7X9100{number:04d}", bimester)
        foreign = make_invoice(env.other_contract, f"7X9100{number + 1:04d}", bimester)
        return _spec(env, own, foreign)

    return build


def _spec(env, own, foreign):
    user = env.users["ROA"]
    return {
        "user": user,
        "prepare": lambda client: grant(
            client, user, profile="ROA", contract=env.contract, system="tem"
        ),
        "own": {"pk": own.pk},
        "foreign": {"pk": foreign.pk},
    }


SCOPE_CASES = {
    "tem:audit_detail": _audit_case(1, "6/2020"),
    "tem:audit_start": _audit_case(3, "5/2020"),
}
