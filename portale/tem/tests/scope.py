"""Scope cases of the TEM URLs with parameters (see core/tests/test_access.py)."""

from portale.billing.tests.scope import make_invoice
from portale.core.tests.handoff_helpers import grant


def _audit_detail(env):
    own = make_invoice(env.contract, "7X91000001", "6/2020")
    foreign = make_invoice(env.other_contract, "7X91000002", "6/2020")
    user = env.users["ROA"]
    return {
        "user": user,
        "prepare": lambda client: grant(
            client, user, profile="ROA", contract=env.contract, system="tem"
        ),
        "own": {"pk": own.pk},
        "foreign": {"pk": foreign.pk},
    }


SCOPE_CASES = {"tem:audit_detail": _audit_detail}
