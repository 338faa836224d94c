"""Scope cases of the TIM TUO URLs (see portale/core/tests/test_access.py)."""

from __future__ import annotations

from portale.records.models import DualBilling
from portale.records.tests import factories as f


def invoice(env):
    """Another employee's personal invoice answers 404 to the employee."""
    user = env.users["DIP"]
    line = _line_of(user)
    own_billing = DualBilling.objects.filter(line=line).first() or f.DualBillingFactory(line=line)
    own = f.PersonalInvoiceFactory(dual_billing=own_billing)
    other = f.PersonalInvoiceFactory(
        dual_billing=f.DualBillingFactory(line=f.LineFactory(contract=env.contract))
    )
    return {"user": user, "own": {"pk": own.pk}, "foreign": {"pk": other.pk}}


def _line_of(user):
    from portale.records.selectors import line_for_mobile

    return line_for_mobile(mobile=user.mobile)


SCOPE_CASES = {"dualbilling:invoice_pdf": invoice}
