"""Scope cases of the Gestione SIM URLs (see portale/core/tests/test_access.py)."""

from __future__ import annotations

from portale.records.models import Line
from portale.records.tests import factories as f


def _lines(env):
    return f.SimFactory(line__contract=env.contract), f.SimFactory(
        line__contract=env.other_contract
    )


def block_confirm(env):
    own, foreign = _lines(env)
    return {
        "user": env.users["ROA"],
        "own": {"pk": own.line_id},
        "foreign": {"pk": foreign.line_id},
    }


def change_sim(env):
    own, foreign = _lines(env)
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


def employee_change_sim(env):
    user = env.users["DIP"]
    line = Line.objects.get(msisdn=user.mobile)
    colleague = f.SimFactory(line__contract=env.contract)  # same contract, not the user's line
    return {
        "user": user,
        "own": {"pk": line.sims.first().pk},
        "foreign": {"pk": colleague.pk},
    }


def recharge_params(env):
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    own = f.LineFactory(contract=env.contract, tariff_plan=plan)
    foreign = f.LineFactory(contract=env.other_contract, tariff_plan=plan)
    return {
        "user": env.users["ROA"],
        "own": {"kind": "a_tempo", "pk": own.pk},
        "foreign": {"kind": "a_tempo", "pk": foreign.pk},
    }


def recharge_line(env):
    return {"user": env.users["ROA"], "own": {"kind": "one_shot"}, "foreign": {"kind": "altro"}}


def line_pk(env):
    own = f.LineFactory(contract=env.contract)
    foreign = f.LineFactory(contract=env.other_contract)
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


def imei_device(env):
    from portale.records.models import Device

    def device(contract, imei):
        return Device.objects.create(
            imei=imei,
            description="SMARTPHONE",
            nmu_code="NMU1",
            service_type="NOLEGGIO",
            contract=contract,
        )

    own = device(env.contract, "490154203237518")
    foreign = device(env.other_contract, "356938035643809")
    return {"user": env.users["ROA"], "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


SCOPE_CASES = {
    "sim:imei_block_device": imei_device,
    "sim:network_services_line": line_pk,
    "sim:rif_profile_line": line_pk,
    "sim:company_recharge_line": recharge_line,
    "sim:company_recharge_params": recharge_params,
    "sim:block_confirm": block_confirm,
    "sim:change_sim": change_sim,
    "myline:sim_change_sim": employee_change_sim,
}
