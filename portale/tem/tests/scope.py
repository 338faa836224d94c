"""Scope cases of the TEM URLs with parameters (see core/tests/test_access.py)."""

from portale.billing.tests.scope import make_invoice


def _audit_detail(env):
    own = make_invoice(env.contract, "7X91000001")
    foreign = make_invoice(env.other_contract, "7X91000002")
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


SCOPE_CASES = {"tem:audit_detail": _audit_detail}
