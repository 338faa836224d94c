"""Scope cases of the company URLs (see portale/core/tests/test_access.py)."""

from __future__ import annotations

from portale.cases.tests.helpers import ebill_referent


def _referents(env):
    return ebill_referent(env.contract), ebill_referent(env.other_contract)


def referent(env):
    own, foreign = _referents(env)
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


def address_edit(env):
    return {"user": env.users["ROA"], "own": {"kind": "fatture"}, "foreign": {"kind": "altro"}}


SCOPE_CASES = {
    "company:referent_replace": referent,
    "company:referent_contacts": referent,
    "company:address_edit": address_edit,
}
