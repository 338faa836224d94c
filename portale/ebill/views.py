"""eBill (F-7.4.2–F-7.4.4, F-9.2.1.2 "CONSULTA"): TIM's billing and traffic publishing
system, opened in a new window through the hand-off (``portale/core/handoff.py``).

Every page is guarded by ``ebill_page`` (the hand-off grant, re-checked on every request)
and reads through ``request.handoff_scope``: the grant's contract for a referent, the own
line for an employee; an object outside it is 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from portale.core.handoff import handoff_required
from portale.records import selectors as records


def ebill_page(capability: str):
    return handoff_required("ebill", capability)


def _render(request, template: str, context: dict, *, tab: str = ""):
    context = {"tab": tab, "scope": request.handoff_scope, **context}
    return render(request, template, context)


@ebill_page("billing.ebill")
def home(request):
    return _render(request, "ebill/home.html", {"title": _("Home Page"), "news": []}, tab="home")


@ebill_page("billing.ebill_subscriptions")
def traffic_subscriptions(request):
    return _render(
        request,
        "ebill/home.html",
        {"title": _("Traffico on line abbonamenti"), "news": []},
        tab="traffic",
    )


@ebill_page("billing.ebill_prepaid")
def traffic_prepaid(request):
    return _render(
        request,
        "ebill/home.html",
        {"title": _("Traffico on line ricaricabili"), "news": []},
        tab="traffic",
    )


@ebill_page("myline.dual_invoice")
def personal(request):
    return _render(
        request, "ebill/home.html", {"title": _("Le mie fatture"), "news": []}, tab="personal"
    )


@ebill_page("billing.ebill")
def invoice(request, pk: int):
    found = records.invoices_for_portal(ctx=request.handoff_scope).filter(pk=pk).first()
    if found is None:
        raise Http404
    return _render(
        request,
        "ebill/invoice.html",
        {"title": _("Fattura %(n)s") % {"n": found.number}, "invoice": found},
        tab="invoices",
    )
