"""Scope cases of the console URLs: staff sees every contract; a missing case is a 404."""

from __future__ import annotations

from portale.cases.tests.helpers import phone_case


def case(env):
    own = phone_case(env.contract)
    return {"user": env.users["STAFF"], "own": {"pk": own.pk}, "foreign": {"pk": own.pk + 10_000}}


SCOPE_CASES = {
    "fulfilment:case_detail": case,
    "fulfilment:take": case,
    "fulfilment:close": case,
    "fulfilment:reject": case,
}
