"""Scope cases of the eBill URLs with parameters (see core/tests/test_access.py)."""

from portale.billing.tests.scope import make_invoice
from portale.core.tests.handoff_helpers import grant


def _invoice(env):
    own = make_invoice(env.contract, "7X91000001", "3/2021")
    foreign = make_invoice(env.other_contract, "7X91000002", "3/2021")
    user = env.users["EB"]
    return {
        "user": user,
        "prepare": lambda client: grant(client, user, profile="EB", contract=env.contract),
        "own": {"pk": own.pk},
        "foreign": {"pk": foreign.pk},
    }


SCOPE_CASES = {"ebill:invoice": _invoice}
