"""Scope cases of "La mia linea" URLs (see portale/core/tests/test_access.py): a SIM or a
saved payment method that is not the employee's own answers 404."""

from __future__ import annotations

from portale.payments.models import Method, SavedMethod
from portale.records.models import Line
from portale.records.tests import factories as f


def _own_and_colleague_sim(env):
    user = env.users["DIP"]
    line = Line.objects.get(msisdn=user.mobile)
    colleague = f.SimFactory(line__contract=env.contract)  # same contract, not the user's line
    return user, line.sims.first(), colleague


def own_sim(env):
    user, own, colleague = _own_and_colleague_sim(env)
    return {"user": user, "own": {"pk": own.pk}, "foreign": {"pk": colleague.pk}}


def saved_method(env):
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    line = f.SimFactory(line__contract=env.contract, line__tariff_plan=plan).line
    user = f.UserFactory(mobile=line.msisdn)
    other = f.UserFactory()

    def method(owner, suffix):
        return SavedMethod.objects.create(
            user=owner,
            method=Method.CARD,
            brand="VISA",
            masked="*****4242",
            psp_token=f"sbx_ok_visa_4242_{suffix}",
            variant="sandbox",
        )

    return {
        "user": user,
        "own": {"pk": method(user, "a").pk},
        "foreign": {"pk": method(other, "b").pk},
    }


SCOPE_CASES = {
    "myline:sim_imei": own_sim,
    "myline:pin_puk": own_sim,
    "myline:recharge_method_delete": saved_method,
}
