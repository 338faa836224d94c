"""Scope cases of the inventory URLs (walked by portale/core/tests/test_access.py)."""

from portale.records.tests import factories as f

from .data import done_job


def _kind(env):
    return {"user": env.users["ROA"], "own": {"kind": "linee"}, "foreign": {"kind": "nessuna"}}


def _sim(env):
    own = f.SimFactory(line__contract=env.contract)
    foreign = f.SimFactory(line__contract=env.other_contract)
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


def _job(env):
    """Own: the ROA's export. Foreign: an export of another referent of the same contract."""
    own = done_job(env.users["ROA"], env.contract)
    foreign = done_job(env.users["MAN"], env.contract)
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


SCOPE_CASES = {
    "inventory:aggregate_list": _kind,
    "inventory:detail_list": _kind,
    "inventory:export_request": _kind,
    "inventory:imei": _sim,
    "inventory:export_download": _job,
    "inventory:export_delete": _job,
}
