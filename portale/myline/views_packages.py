"""TIM TUO ricaricabile – Pacchetti/Plafond (F-9.2.1.3, G-43, G-52, P-18).

One accordion per option family with the active option and the options of the price list.
CAMBIA/ATTIVA or CAMBIA/DISATTIVA starts the request wizard ("Conferma dei dati" with the
summary PDF, then INVIA). While a request of any family is open on the line, every family
is locked (G-52); roaming families need the company option; one "Plafond dati aggiuntivo"
per calendar month; a credit below the price is a warning, not a block.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.cases.selectors import locking_cases
from portale.cases.wizard import operation_form, start_request
from portale.core.capabilities import capability_required
from portale.records import selectors as records
from portale.records.models import DualBillingOption

from . import catalog
from .forms import ONE_REQUEST, TIMTUORIC_OPS
from .views import own_line

TITLE = _("Pacchetti/Plafond")
DISABLE = "disattiva"


@dataclass
class FamilyView:
    family: catalog.Family
    active: DualBillingOption | None
    offers: list[catalog.Offer]
    blocked: str  # why the family cannot be changed now ("" = it can)
    low_credit: bool = False  # some option costs more than the personal credit (a warning)


def _families(line, *, locked: bool) -> list[FamilyView]:
    live = {o.family: o for o in records.dual_billing_options_of_line(line=line, scope="PERSONALE")}
    roaming = records.line_has_company_roaming(line=line)
    month_start = timezone.localdate().replace(day=1)
    out = []
    for family in catalog.FAMILIES:
        blocked = ""
        if family.roaming and not roaming:
            blocked = str(
                _(
                    "Per richiedere la opzione di traffico Roaming è necessario avere l'opzione "
                    "TIM TUO ROAMING ON EXTRA UE. Se non l'hai, richiedila al tuo referente "
                    "amministrativo."
                )
            )
        elif (
            family.code == DualBillingOption.Family.EXTRA_DATA
            and records.personal_options_history_of_line(
                line=line, family=family.code, since=month_start
            ).exists()
        ):
            blocked = str(catalog.EXTRA_DATA_NOTE)
        elif locked:
            blocked = str(ONE_REQUEST)
        offers = catalog.offers(family)
        low = any(o.price > line.personal_credit for o in offers)
        out.append(FamilyView(family, live.get(family.code), offers, blocked, low))
    return out


@capability_required("myline.dual_packages")
def packages(request):
    line = own_line(request)
    dual = records.dual_billing_of_line(line=line)
    active = dual is not None and dual.kind == dual.Kind.PREPAID and dual.state == "ATTIVO"
    pending = (
        locking_cases(contract=line.contract, operations=TIMTUORIC_OPS).filter(line=line).first()
        if active
        else None
    )
    form = None
    if request.method == "POST" and active:
        family = catalog.BY_CODE.get(request.POST.get("family", ""))
        choice = request.POST.get("scelta", "")
        if family is not None:
            op = family.cease_op if choice == DISABLE else family.activate_op
            data = {"family": family.code, "option": choice}
            form = operation_form(request, op, data=data)
            if form.is_valid():
                response = start_request(request, form, back_url=reverse("myline:dual_packages"))
                if response:
                    return response
    return render(
        request,
        "myline/packages.html",
        {
            "title": TITLE,
            "breadcrumbs": [(_("Fatturazione e traffico"), ""), (_("TIM TUO"), ""), (TITLE, "")],
            "line": line,
            "active": active,
            "pending": pending,
            "families": _families(line, locked=pending is not None) if active else [],
            "form": form,
            "posted_family": request.POST.get("family", ""),
            "disable": DISABLE,
        },
    )
