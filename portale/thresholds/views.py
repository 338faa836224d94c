"""Gestione soglie (F-7.5): the four requests, Monitoring soglie, the e-mail history.

Each request is two pages of its own, then the wizard: the selection list (P-08, the ticks
kept in the session) with its action buttons, the parameters of the chosen action, then
``start_request`` → "Conferma dei dati" (summary PDF with the list of lines) → pratica +
ordine. Every list and form is scoped to the selected contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.request import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.cases.wizard import operation_form, start_request
from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.core.tabs import tabs
from portale.records import selectors as record_selectors

from . import selectors
from .forms import CHANGES, NotificationPeriodForm
from .models import ThresholdDigest
from .tables import (
    ActivationTable,
    AdvancedTable,
    DigestTable,
    ErosionTable,
    MonitoringTable,
    ThresholdSelectTable,
    with_erosion,
)

MENU = gettext_lazy("Gestione soglie")


def _contract(request):
    if request.portal.contract is None:
        raise Http404
    return request.portal.contract


def _page(request, template: str, title, ctx: dict, crumbs=()):
    ctx.update(
        {
            "title": title,
            "breadcrumbs": [(MENU, ""), *crumbs] if crumbs else [(MENU, ""), (title, "")],
        }
    )
    return render(request, template, ctx)


@dataclass(frozen=True)
class Flow:
    """One §7.5 request: its selection list, its actions and the operation of each action."""

    code: str
    capability: str
    title: str
    intro: str
    table: type
    field: str  # the form field the selection fills ("lines" or "thresholds")
    actions: dict = field(default_factory=dict)  # action → (button, operation)
    params_intro: str = ""

    def queryset(self, contract):
        if self.code == "activate":
            return selectors.activation_lines(contract=contract).prefetch_related("sims")
        if self.code == "roaming":
            return selectors.roaming_thresholds(contract=contract).prefetch_related("line__sims")
        return selectors.spending_thresholds(contract=contract).prefetch_related("line__sims")

    def url(self) -> str:
        return reverse(f"thresholds:{self.code}")

    def table_for(self, request, contract, params=None):
        """The selection list; the same session key on both pages (path of step 1)."""
        return self.table(
            self.queryset(contract),
            request.GET if params is None else params,
            path=self.url(),
            session=request.session,
        )


_CHANGE = {code: str(label) for code, label in CHANGES}
FLOWS = {
    "activate": Flow(
        "activate",
        "thresholds.activate",
        gettext_lazy("Attivazione soglie di spesa"),
        gettext_lazy(
            "Seleziona o ricerca la linea su cui attivare la soglia di spesa e clicca su PROSEGUI."
        ),
        ActivationTable,
        "lines",
        {"parametri": (gettext_lazy("PROSEGUI"), "threshold_activate")},
    ),
    "change": Flow(
        "change",
        "thresholds.change",
        gettext_lazy("Variazione soglie di spesa"),
        gettext_lazy(
            "Seleziona una o più linee e clicca su CAMBIA TIPOLOGIA, CAMBIA PERIODO o CAMBIA "
            "IMPORTO. Puoi modificare più linee insieme solo se hanno soglie della stessa "
            "tipologia."
        ),
        ThresholdSelectTable,
        "thresholds",
        {code: (label, "threshold_change") for code, label in CHANGES},
    ),
    "roaming": Flow(
        "roaming",
        "thresholds.roaming",
        gettext_lazy("Variazione soglie Dati Roaming Extra UE"),
        gettext_lazy(
            "Seleziona una o più linee e clicca su CAMBIA TIPOLOGIA o CAMBIA IMPORTO. Puoi "
            "modificare più linee insieme solo se hanno soglie della stessa tipologia."
        ),
        ThresholdSelectTable,
        "thresholds",
        {
            "tipologia": (gettext_lazy("CAMBIA TIPOLOGIA"), "roaming_threshold_type"),
            "importo": (gettext_lazy("CAMBIA IMPORTO"), "roaming_threshold_value"),
        },
    ),
    "cease": Flow(
        "cease",
        "thresholds.cease",
        gettext_lazy("Cessazione soglie di spesa"),
        gettext_lazy(
            "Seleziona le linee su cui cessare la soglia di spesa e clicca su PROSEGUI. Puoi "
            "cessare più soglie insieme solo se hanno la stessa tipologia."
        ),
        ThresholdSelectTable,
        "thresholds",
        {"parametri": (gettext_lazy("PROSEGUI"), "threshold_cease")},
    ),
}


def _select_page(request, flow: Flow):
    contract = _contract(request)
    table = flow.table_for(request, contract)
    actions = [
        (code, label, reverse(f"thresholds:{flow.code}_params") + f"?azione={code}")
        for code, (label, _op) in flow.actions.items()
    ]
    return render_list(
        request,
        table,
        "thresholds/select.html",
        {
            "flow": flow,
            "actions": actions,
            "params_url": reverse(f"thresholds:{flow.code}_params"),
            "title": flow.title,
            "breadcrumbs": [(MENU, ""), (flow.title, "")],
        },
    )


def _params_page(request, flow: Flow):
    """Step 2: the parameters of the chosen action for the ticked rows, then the wizard."""
    contract = _contract(request)
    action = request.GET.get("azione") or request.POST.get("azione") or ""
    if action not in flow.actions:
        return redirect(flow.url())
    if request.method == "POST" and "page_pks" in request.POST:
        # The action buttons of step 1 submit the page's ticks here, with the list's query
        # string (page, sort, search), so the ticks apply to the page the user saw.
        flow.table_for(request, contract).update_selection(request.POST)
        return redirect(f"{request.path}?azione={action}")
    table = flow.table_for(request, contract, params=QueryDict())
    selected = list(table.selected_queryset())
    if not selected:
        messages.error(request, _("Seleziona almeno una linea."))
        return redirect(flow.url())
    if flow.field == "thresholds" and len({t.type for t in selected}) > 1:
        messages.error(
            request,
            _(
                "Puoi modificare più linee insieme solo se hanno soglie della stessa tipologia "
                "(INFORMATIVA o DISPOSITIVA)."
            ),
        )
        return redirect(flow.url())
    label, operation = flow.actions[action]
    ids = [str(obj.pk) for obj in selected]
    data = request.POST.copy()
    data.setlist(flow.field, ids)
    if flow.code == "change":
        data["change"] = action
    initial = {}
    if flow.field == "thresholds":
        first = selected[0]
        initial = {"type": first.type, "period": first.period, "value": first.value}
    form = operation_form(request, operation, data=data, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=flow.url())
        if response:
            table.clear_selection()
            return response
    fields = {
        "parametri": ["type", "period", "value"],
        "tipologia": ["type"],
        "periodo": ["period"],
        "importo": ["value"],
    }[action]
    if flow.code == "cease":
        fields = ["type"]
    return render(
        request,
        "thresholds/params.html",
        {
            "flow": flow,
            "form": form,
            "action": action,
            "action_label": flow.title if action == "parametri" else label,
            "fields": [form[name] for name in fields if name in form.fields],
            "selected": selected,
            "selection_field_errors": form.errors.get(flow.field) if form.is_bound else None,
            "title": flow.title,
            "breadcrumbs": [(MENU, ""), (flow.title, flow.url()), (_("Parametri"), "")],
        },
    )


@capability_required("thresholds.activate")
def activate(request):
    return _select_page(request, FLOWS["activate"])


@capability_required("thresholds.activate")
def activate_params(request):
    return _params_page(request, FLOWS["activate"])


@capability_required("thresholds.change")
def change(request):
    return _select_page(request, FLOWS["change"])


@capability_required("thresholds.change")
def change_params(request):
    return _params_page(request, FLOWS["change"])


@capability_required("thresholds.roaming")
def roaming(request):
    return _select_page(request, FLOWS["roaming"])


@capability_required("thresholds.roaming")
def roaming_params(request):
    return _params_page(request, FLOWS["roaming"])


@capability_required("thresholds.cease")
def cease(request):
    return _select_page(request, FLOWS["cease"])


@capability_required("thresholds.cease")
def cease_params(request):
    return _params_page(request, FLOWS["cease"])


# --- Monitoring soglie (F-7.5.5) ----------------------------------------------------------

MONITORING = gettext_lazy("Monitoring soglie")


def _tabs(active: str) -> dict:
    items = [
        ("erosion", _("Monitoring erosione"), "thresholds:monitoring"),
        ("advanced", _("Ricerca avanzata"), "thresholds:advanced"),
    ]
    return {"tabs": tabs(items, active=active), "tabs_label": MONITORING}


@capability_required("thresholds.monitoring")
def monitoring(request):
    contract = _contract(request)
    qs = selectors.monitoring_thresholds(contract=contract, live_only=False)
    table = MonitoringTable.from_request(
        request,
        qs,
        total=lambda: selectors.contract_thresholds_count(contract=contract, live_only=False),
    )
    return render_list(
        request,
        table,
        "thresholds/monitoring.html",
        {
            **_tabs("erosion"),
            "title": MONITORING,
            "breadcrumbs": [(MENU, ""), (MONITORING, "")],
        },
    )


@capability_required("thresholds.monitoring")
def advanced(request):
    contract = _contract(request)
    qs = with_erosion(selectors.monitoring_thresholds(contract=contract))
    table = AdvancedTable.from_request(
        request, qs, total=lambda: selectors.contract_thresholds_count(contract=contract)
    )
    return render_list(
        request,
        table,
        "thresholds/advanced.html",
        {
            **_tabs("advanced"),
            "title": MONITORING,
            "breadcrumbs": [(MENU, ""), (MONITORING, "")],
        },
    )


@capability_required("thresholds.monitoring")
def erosion(request, line_id: int):
    """The pop-up "Monitoring Erosione Soglie - Linea <n>"."""
    contract = _contract(request)
    line = get_object_or_404(record_selectors.lines_of_contract(contract=contract), pk=line_id)
    qs = with_erosion(selectors.line_thresholds(contract=contract, line_id=line.pk))
    table = ErosionTable.from_request(request, qs)
    return render_list(
        request,
        table,
        "thresholds/erosion.html",
        {"line": line, "title": _("Monitoring Erosione Soglie - Linea %s") % line.msisdn},
    )


# --- Visualizzazione cronologia notifiche (F-7.5.6) ---------------------------------------

NOTIFICATIONS = gettext_lazy("Visualizzazione cronologia notifiche")


@capability_required("thresholds.notifications")
def notifications(request):
    import datetime

    today = timezone.localdate()
    default = today - datetime.timedelta(days=30), today  # the last month
    form = NotificationPeriodForm(request.GET if "resetta" not in request.GET else None)
    qs = selectors.digests_of_user(user=request.user, since=default[0], until=default[1])
    since, until = default
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["dal"], form.cleaned_data["al"]
        if since is None and until is None:
            since, until = default
        qs = selectors.digests_of_user(user=request.user, since=since, until=until)
    elif form.is_bound:
        qs = qs.none()  # a period not understood lists nothing; the fields say why
    table = DigestTable.from_request(request, qs)
    return render_list(
        request,
        table,
        "thresholds/notifications.html",
        {
            "email": request.user.email,
            "since": since,
            "until": until,
            "period_form": form,
            "title": NOTIFICATIONS,
            "breadcrumbs": [(MENU, ""), (NOTIFICATIONS, "")],
        },
    )


def _digest(request, pk: int) -> ThresholdDigest:
    return get_object_or_404(selectors.digests_of_user(user=request.user), pk=pk)


@capability_required("thresholds.notifications")
def notification_detail(request, pk: int):
    digest = _digest(request, pk)
    return _page(
        request,
        "thresholds/notification_detail.html",
        _("Dettaglio e-mail"),
        {"digest": digest},
        crumbs=[(NOTIFICATIONS, reverse("thresholds:notifications")), (_("Dettaglio e-mail"), "")],
    )


@capability_required("thresholds.notifications")
def notification_attachment(request, pk: int):
    """ "SCARICA ALLEGATO": the archived report, as it was sent."""
    digest = _digest(request, pk)
    response = HttpResponse(
        bytes(digest.attachment),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{digest.attachment_name}"'
    return response
