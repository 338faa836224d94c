"""Scope cases of the cases URLs (see portale/core/tests/test_access.py)."""

from __future__ import annotations

from portale.cases import services
from portale.cases.models import Shipment

from .helpers import attach, draft_for, phone_case


def _order_case(env, contract):
    case = phone_case(contract, operation="sim_change")
    order = case.orders.get()
    Shipment.objects.create(order=order, address="VIA ROMA 1, 00184 ROMA (RM)")
    return order


def _orders(env):
    own = _order_case(env, env.contract)
    foreign = _order_case(env, env.other_contract)
    return own, foreign


def order_detail(env):
    own, foreign = _orders(env)
    return {
        "user": env.users["ROA"],
        "own": {"number": own.number},
        "foreign": {"number": foreign.number},
    }


def shipment(env):
    own, foreign = _orders(env)
    return {
        "user": env.users["ROA"],
        "own": {"number": own.number},
        "foreign": {"number": foreign.number},
    }


def _drafts(env):
    roa = env.users["ROA"]
    own = draft_for(roa, env.contract)
    other = draft_for(env.users["MAN"], env.contract)  # another user's draft: not ours
    return roa, own, other


def confirm(env):
    roa, own, other = _drafts(env)
    return {"user": roa, "own": {"token": own.token}, "foreign": {"token": other.token}}


def summary_pdf(env):
    roa, own, other = _drafts(env)
    return {"user": roa, "own": {"token": own.token}, "foreign": {"token": other.token}}


def cancel(env):
    roa, own, other = _drafts(env)
    return {"user": roa, "own": {"token": own.token}, "foreign": {"token": other.token}}


def outcome(env):
    roa, own, other = _drafts(env)
    mine = services.draft_submit(draft=own)
    theirs = services.draft_submit(draft=other)
    return {"user": roa, "own": {"number": mine.number}, "foreign": {"number": theirs.number}}


def draft_attachment(env):
    roa, own, other = _drafts(env)
    mine, theirs = attach(own), attach(other)
    return {
        "user": roa,
        "own": {"token": own.token, "pk": mine.pk},
        "foreign": {"token": other.token, "pk": theirs.pk},
    }


SCOPE_CASES = {
    "cases:draft_attachment": draft_attachment,
    "cases:order_detail": order_detail,
    "cases:shipment": shipment,
    "cases:confirm": confirm,
    "cases:summary_pdf": summary_pdf,
    "cases:cancel": cancel,
    "cases:outcome": outcome,
}
