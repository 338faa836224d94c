"""Servizi avanzati (F-7.6): the platforms the contract has (G-37) and the SMAS requests.

A link of a service the contract does not have answers 404 (``absent_is_404``).
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.cases.wizard import file_now, operation_form, request_token
from portale.core.capabilities import capability_required
from portale.core.capabilities import get as capability

from . import catalogue

PAGES = {  # capability → (SAC code, intro)
    "services.emm": ("EMM", gettext_lazy("Gestisci gli smartphone e i tablet dell'Ente con le piattaforme di Enterprise Mobility Management.")),
    "services.fleet": ("FLEET", gettext_lazy("Accedi alla piattaforma di gestione della flotta.")),
    "services.messaging": ("MESSAGING", gettext_lazy("Accedi alla piattaforma dei servizi di messaggistica aziendale.")),
    "services.mobile_payment": ("MOBILE_PAYMENT", gettext_lazy("Accedi al servizio di Mobile Payment.")),
    "services.smart_working": ("SMART_WORKING", gettext_lazy("Accedi al servizio Smart working.")),
    "services.smas": ("SMAS", gettext_lazy("SMAS (Net Profiler) gestisce la Rete Privata Virtuale (RPV) o la Rete Intelligente Flessibile (RIF) dell'Ente: ha credenziali proprie, diverse da quelle del Portale.")),
}  # fmt: skip


def _links_page(request, code: str):
    sac, intro = PAGES[code]
    cap = capability(code)
    return render(
        request,
        "services/links.html",
        {
            "links": catalogue.links(sac),
            "intro": intro,
            "title": cap.label,
            "breadcrumbs": [(_("Servizi avanzati"), ""), (cap.label, "")],
        },
    )


def _page(code: str):
    @capability_required(code)
    def view(request):
        return _links_page(request, code)

    view.__name__ = code.replace(".", "_")
    return view


emm = _page("services.emm")
fleet = _page("services.fleet")
messaging = _page("services.messaging")
mobile_payment = _page("services.mobile_payment")
smart_working = _page("services.smart_working")
smas = _page("services.smas")


def _smas_request(request, *, operation: str, code: str, intro: str):
    form = operation_form(request, operation)
    token = request_token(request)
    if request.method == "POST" and form.is_valid():
        case = file_now(request, form, token=token)
        if case is not None:
            return redirect("cases:outcome", number=case.number)
    cap = capability(code)
    return render(
        request,
        "services/request_form.html",
        {
            "form": form,
            "token": token,
            "intro": intro,
            "title": cap.label,
            "breadcrumbs": [(_("Servizi avanzati"), ""), (cap.label, "")],
        },
    )


@capability_required("services.smas_support")
def smas_support(request):
    return _smas_request(
        request,
        operation="smas_support",
        code="services.smas_support",
        intro=_("Chiedi assistenza al Servizio Clienti su SMAS (Net Profiler)."),
    )


@capability_required("services.smas_reset")
def smas_reset(request):
    return _smas_request(
        request,
        operation="smas_credentials",
        code="services.smas_reset",
        intro=_(
            "Chiedi l'assegnazione delle credenziali SMAS o il reset della password se "
            "l'accesso è bloccato."
        ),
    )
