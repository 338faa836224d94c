"""Scope cases of the eBill URLs with parameters (see core/tests/test_access.py): each user
has the hand-off grant of their own contract (or line) in the session."""

from portale.core.tests.handoff_helpers import grant
from portale.records.models import DualBilling
from portale.records.tests import factories as f

from .helpers import invoice_with_charges, personal_invoice


def _company(env, number: str):
    line = f.LineFactory(contract=env.contract)
    other_line = f.LineFactory(contract=env.other_contract)
    bimester = f"{number}/2022"  # one invoice per contract and bimester
    own = invoice_with_charges(env.contract, f"7X93{number}1", bimester, [line])
    foreign = invoice_with_charges(env.other_contract, f"7X93{number}2", bimester, [other_line])
    user = env.users["EB"]
    return user, own, foreign, line, other_line


def _prepare(user, **kw):
    return lambda client: grant(client, user, **kw)


def _invoice_case(number: str):
    def case(env):
        user, own, foreign, _line, _other = _company(env, number)
        return {
            "user": user,
            "prepare": _prepare(user, profile="EB", contract=env.contract),
            "own": {"pk": own.pk},
            "foreign": {"pk": foreign.pk},
        }

    return case


def _invoice_line(env):
    user, own, foreign, line, other_line = _company(env, "4")
    return {
        "user": user,
        "prepare": _prepare(user, profile="EB", contract=env.contract),
        "own": {"pk": own.pk, "line_pk": line.pk},
        "foreign": {"pk": foreign.pk, "line_pk": other_line.pk},
    }


def _personal_case(number: str):
    def case(env):
        user = env.users["DIP"]
        from portale.records.selectors import line_for_mobile

        line = line_for_mobile(mobile=user.mobile)
        billing = DualBilling.objects.filter(line=line).first() or f.DualBillingFactory(line=line)
        own = personal_invoice(billing, f"8T9{number}00001", f"{number}/2022")
        other = f.DualBillingFactory(line=f.LineFactory(contract=env.contract))
        foreign = personal_invoice(other, f"8T9{number}00002", f"{number}/2022")
        return {
            "user": user,
            "prepare": _prepare(user, profile="DIP", line=line),
            "own": {"pk": own.pk},
            "foreign": {"pk": foreign.pk},
        }

    return case


SCOPE_CASES = {
    "ebill:invoice": _invoice_case("1"),
    "ebill:invoice_pdf": _invoice_case("2"),
    "ebill:invoice_flow": _invoice_case("3"),
    "ebill:invoice_line": _invoice_line,
    "ebill:personal_invoice": _personal_case("1"),
    "ebill:personal_pdf": _personal_case("2"),
    "ebill:personal_flow": _personal_case("3"),
}
