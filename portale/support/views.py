"""Assistenza (F-7.7): contacts, the requests that open a pratica, call-back, manuals."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.cases.wizard import operation_form, request_page, start_request
from portale.core.capabilities import capability_required
from portale.core.files import file_response
from portale.core.lists import render_list
from portale.core.tabs import capability_tabs
from portale.public.contacts import contacts
from portale.records import selectors as records

from . import hours, selectors, services
from .forms import CallbackForm, ServicePointSearchForm
from .tables import TicketTable

TABS = [
    ("support.contacts", gettext_lazy("Contatti")),
    ("support.chat", gettext_lazy("Chat")),
    ("support.callback", gettext_lazy("Prenota una chiamata")),
    ("support.write", gettext_lazy("Scrivici")),
    ("support.terminals", gettext_lazy("Configurazione sui terminali")),
    ("support.web_services", gettext_lazy("Assistenza sui servizi web")),
    ("support.devices", gettext_lazy("Assistenza su Apparati")),
    ("support.tickets", gettext_lazy("Monitoraggio Ticket")),
    ("support.service_points", gettext_lazy("Punti di Assistenza")),
    ("support.manuals", gettext_lazy("Manuali")),
]


def _crumbs(*items):
    return [(_("Assistenza"), reverse("support:contacts")), *items]


def _tabs(request) -> dict:
    return {
        "tabs": capability_tabs(request.portal, TABS, path=request.path),
        "tabs_label": _("Sezioni di Assistenza"),
    }


def _render(request, template: str, context: dict):
    return render(request, template, {**context, **_tabs(request)})


@capability_required("support.contacts")
def contacts_page(request):
    return _render(
        request,
        "support/contacts.html",
        {
            "contacts": contacts(),
            "open_now": hours.is_open(),
            "hours_message": services.HOURS_MESSAGE,
            "title": _("Contatti"),
            "breadcrumbs": _crumbs((_("Contatti"), "")),
        },
    )


def _request_page(request, *, operation: str, template: str, title: str, intro: str):
    """A form that opens a pratica at "INVIA" (no summary step): the pratica number follows."""
    context = {
        "title": title,
        "intro": intro,
        "breadcrumbs": _crumbs((title, "")),
        **_tabs(request),
    }
    return request_page(request, operation, template=template, context=context)


@capability_required("support.write")
def write(request):
    return _request_page(
        request,
        operation="contact_request",
        template="support/request_form.html",
        title=_("Scrivici"),
        intro=_(
            "Chiedi di essere ricontattato per argomenti commerciali o tecnici non trattati "
            "nelle altre sezioni del Portale."
        ),
    )


@capability_required("support.terminals")
def terminals(request):
    return _request_page(
        request,
        operation="terminal_config",
        template="support/request_form.html",
        title=_("Configurazione sui terminali"),
        intro=_(
            "Chiedi assistenza su applicazioni, configurazione e uso del telefono o l'invio "
            "dei manuali. Più informazioni ci dai, più velocemente potremo aiutarti."
        ),
    )


@capability_required("support.web_services")
def web_services(request):
    return _request_page(
        request,
        operation="service_support",
        template="support/request_form.html",
        title=_("Segnalaci il servizio e l'anomalia"),
        intro=_(
            "Chiedi aiuto o segnala un malfunzionamento del Portale o dei servizi web TIM "
            "della Convenzione."
        ),
    )


@capability_required("support.callback")
def callback(request):
    """ "Prenota una chiamata" (F-7.7.3): within service hours only (G-38)."""
    open_now = hours.is_open()
    waiting = selectors.waiting_callback(user=request.user)
    form = CallbackForm(request.POST or None, initial={"phone": request.user.mobile})
    if request.method == "POST" and form.is_valid():
        try:
            services.callback_request_create(
                user=request.user,
                contract=request.portal.contract,
                phone=form.cleaned_data["phone"],
            )
        except services.SupportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Richiesta registrata: un operatore ti chiamerà al numero %(phone)s dal "
                    "numero 02.20228788."
                )
                % {"phone": form.cleaned_data["phone"]},
            )
            return redirect("support:callback")
    return _render(
        request,
        "support/callback.html",
        {
            "form": form,
            "open_now": open_now,
            "waiting": waiting,
            "hours_message": services.HOURS_MESSAGE,
            "title": _("Prenota una chiamata"),
            "breadcrumbs": _crumbs((_("Prenota una chiamata"), "")),
        },
    )


@capability_required("support.manuals")
def manuals(request):
    return _render(
        request,
        "support/manuals.html",
        {
            "manuals": selectors.manuals_for(ctx=request.portal),
            "title": _("Manuali"),
            "breadcrumbs": _crumbs((_("Manuali"), "")),
        },
    )


@capability_required("support.manuals")
def manual_pdf(request, pk: int):
    manual = get_object_or_404(selectors.manuals_for(ctx=request.portal), pk=pk)
    if not manual.file:
        raise Http404
    return file_response(
        manual.file, filename=f"{manual.title}.pdf", content_type="application/pdf"
    )


# --- chat (F-7.7.2) ----------------------------------------------------------------------


@capability_required("support.chat")
def chat(request):
    """The "Chat" page: "Inizia a chattare" opens the chat window (a new browser page)."""
    return _render(
        request,
        "support/chat.html",
        {
            "open_now": hours.is_open(),
            "current": selectors.open_chat(user=request.user),
            "hours_message": services.HOURS_MESSAGE,
            "title": _("Chat"),
            "breadcrumbs": _crumbs((_("Chat"), "")),
        },
    )


@capability_required("support.chat")
def chat_window(request):
    """The chat window: "Inizia Chat", then the conversation (survives a reload)."""
    session = selectors.open_chat(user=request.user)
    error = ""
    if request.method == "POST":
        try:
            session = services.chat_start(user=request.user, contract=request.portal.contract)
        except services.SupportError as exc:
            error = str(exc)
        else:
            return redirect("support:chat_window")
    items = list(selectors.chat_messages(session=session)) if session else []
    return render(
        request,
        "support/chat_window.html",
        {
            "session": session,
            "chat_messages": items,
            "last_id": items[-1].pk if items else 0,
            "open_now": hours.is_open(),
            "error": error,
            "hours_message": services.HOURS_MESSAGE,
            "title": _("Chat con il Servizio Clienti"),
        },
    )


def _own_chat(request, pk: int):
    session = selectors.chat_of_user(user=request.user, pk=pk)
    if session is None:
        raise Http404
    return session


def chat_fragment(request, session, *, operator_view: bool):
    """The messages after ``?dopo=<id>``, and the next poller (htmx, every second)."""
    try:
        after = int(request.GET.get("dopo", "0"))
    except ValueError:
        after = 0
    items = list(selectors.chat_messages(session=session, after=after))
    return render(
        request,
        "support/_chat_messages.html",
        {
            "session": session,
            "chat_messages": items,
            "operator_view": operator_view,
            "last_id": items[-1].pk if items else after,
        },
    )


@capability_required("support.chat")
def chat_messages(request, pk: int):
    return chat_fragment(request, _own_chat(request, pk), operator_view=False)


@capability_required("support.chat")
def chat_send(request, pk: int):
    session = _own_chat(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    error = ""
    try:
        services.chat_post(session=session, author="CLIENTE", text=request.POST.get("testo", ""))
    except services.SupportError as exc:
        error = str(exc)
    if request.htmx:  # the message shows at the next poll; only an error comes back
        return render(request, "support/_chat_error.html", {"error": error})
    if error:
        messages.error(request, error)
    return redirect("support:chat_window")


@capability_required("support.chat")
def chat_end(request, pk: int):
    session = _own_chat(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.chat_end(session=session, by_operator=False)
    messages.info(request, _("Chat interrotta. La conversazione resta registrata."))
    return redirect("support:chat")


# --- Assistenza su Apparati and Monitoraggio Ticket (F-7.7.6, F-7.7.7) --------------------


@capability_required("support.devices")
def devices(request):
    """Device, problem and delivery → "Conferma dei dati" with the summary PDF → the ticket."""
    form = operation_form(request, "device_support")
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=reverse("support:devices"))
        if response:
            return response
    return _render(
        request,
        "support/devices.html",
        {
            "form": form,
            "title": _("Assistenza su Apparati"),
            "breadcrumbs": _crumbs((_("Assistenza su Apparati"), "")),
        },
    )


@capability_required("support.tickets")
def tickets(request):
    contract = request.portal.contract
    if contract is None:
        raise Http404
    # The pratica's number and the device's IMEI and description as values of the ticket's
    # row, not two model instances a row through select_related (issue 17).
    qs = (
        selectors.latest_tickets(contract=contract)
        .select_related(None)
        .annotate(
            case_number=F("case__number"),
            device_imei=F("device__imei"),
            device_description=F("device__description"),
        )
    )
    table = TicketTable.from_request(request, qs)
    return render_list(
        request,
        table,
        "support/tickets.html",
        {
            **_tabs(request),
            "title": _("Monitoraggio Ticket"),
            "breadcrumbs": _crumbs((_("Monitoraggio Ticket"), "")),
        },
    )


@capability_required("support.tickets")
def ticket(request, number: str):
    contract = request.portal.contract
    found = selectors.ticket_of_contract(contract=contract, number=number) if contract else None
    if found is None:
        raise Http404
    return _render(
        request,
        "support/ticket.html",
        {
            "ticket": found,
            "title": _("Ticket %(number)s") % {"number": found.number},
            "breadcrumbs": _crumbs(
                (_("Monitoraggio Ticket"), reverse("support:tickets")), (found.number, "")
            ),
        },
    )


# --- Geolocalizzazione Punti di Assistenza (F-7.7.8) -------------------------------------


@capability_required("support.service_points")
def service_points(request):
    """The first 15 service points within 10 km of the comune searched, nearest first."""
    form = ServicePointSearchForm(request.GET or None)
    place, found = None, []
    if form.is_bound and form.is_valid():
        place = form.cleaned_data["place"]
        found = records.service_points_near(
            latitude=place.latitude, longitude=place.longitude, radius_km=10, limit=15
        )
    points = [
        {
            "name": p.name,
            "address": f"{p.street}, {p.cap} {p.city} ({p.province})",
            "lat": float(p.latitude),
            "lon": float(p.longitude),
            "km": round(km, 1),
        }
        for p, km in found
    ]
    return _render(
        request,
        "support/service_points.html",
        {
            "form": form,
            "place": place,
            "results": found,
            "points_json": json.dumps(points),
            "center_json": json.dumps([place.latitude, place.longitude] if place else None),
            "tile_url": settings.PDA_TILE_URL,
            "tile_attribution": settings.PDA_TILE_ATTRIBUTION,
            "title": _("Geolocalizzazione Punti di Assistenza (PDA)"),
            "breadcrumbs": _crumbs((_("Punti di Assistenza"), "")),
        },
    )
