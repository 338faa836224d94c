"""Gestione SIM (F-7.3.7, F-7.3.8) and the employee's Cambio carta SIM (F-9.1.4).

The pages read the records; every change is a pratica filed through ``case_file`` and
applied by fulfilment. Per the guide these requests have no summary PDF: the block and
unblock are confirmed in a pop-up (P-12), the SIM change in a dialog after "SALVA" (G-53).
"""

from __future__ import annotations

from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.cases.wizard import file_now, operation_form, request_token, start_request
from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.records import selectors as records
from portale.records.models import LineState
from portale.records.services import BUNDLE_FLAGS, BUNDLE_FLAGS_BY_CATEGORY

from . import bulk, selectors
from .forms import (
    BUNDLE_HEADER,
    DEFERRED_HEADER,
    FLAG_LABELS,
    FREQUENCIES,
    MODE_HEADER,
    NO,
    ONE_SHOT,
    ONE_SHOT_AMOUNTS,
    QUANTITY_FIELDS,
    RECHARGE_KINDS,
    SERVICE_KIND,
    YES,
)
from .tables import (
    BlockTable,
    BundleFlagsTable,
    DeviceTable,
    HotStockTable,
    NetworkServicesTable,
    RechargeLineTable,
    RechargeModeTable,
    RifProfileTable,
    SimChangeTable,
)

REQUESTS_MENU = gettext_lazy("Pratiche e richieste")
GESTIONE_SIM = gettext_lazy("Gestione SIM")
SIM_KINDS = [
    gettext_lazy("SIM Fonia (triple cut)"),
    gettext_lazy("SIM M2M Standard (triple cut)"),
    gettext_lazy("SIM M2M Pin disable (triple cut)"),
]
BLOCK_TITLE = gettext_lazy("Blocco/sblocco carta SIM")
CHANGE_TITLE = gettext_lazy("Cambio carta SIM")


def _contract(request):
    contract = request.portal.contract
    if contract is None:
        raise Http404
    return contract


def _crumbs(title, url_name: str, *extra) -> list:
    return [(REQUESTS_MENU, ""), (GESTIONE_SIM, ""), (title, reverse(url_name)), *extra]


def file_request(request, form, *, line=None):
    """File the valid form's request (no summary PDF for these); ``None`` + a form error if
    the request is refused (an open pratica on the same object, G-10; changed records). The
    page's token makes a double click file one pratica."""
    return file_now(
        request,
        form,
        token=request_token(request),
        payload={name: form.data.get(name, "") for name in form.fields},
        line=line,
    )


# --- Blocco/sblocco carta SIM (F-7.3.7) ------------------------------------------------------


ACTIONS = {"blocca": "sim_block", "sblocca": "sim_unblock"}


def _block_page(request, *, confirm=None, form=None):
    contract = _contract(request)
    table = BlockTable.from_request(request, selectors.block_lines(contract=contract))
    if confirm is not None:
        table.path = reverse("sim:block")  # paging and search go back to the plain list
    return render_list(
        request,
        table,
        "sim/block.html",
        {
            "title": BLOCK_TITLE,
            "breadcrumbs": _crumbs(BLOCK_TITLE, "sim:block"),
            "contract": contract,
            "confirm": confirm,
            "form": form,
        },
    )


@capability_required("sim.block")
def block(request):
    return _block_page(request)


@capability_required("sim.block")
def block_confirm(request, pk: int):
    """The P-12 pop-up over the list: "Conferma" files the request, "Annulla" closes it."""
    contract = _contract(request)
    line = selectors.block_line(contract=contract, pk=pk)
    if line is None:
        raise Http404
    action = {LineState.ACTIVE: "blocca", LineState.SUSPENDED: "sblocca"}.get(line.state)
    if request.method == "POST":
        action = request.POST.get("azione", "")
        if action not in ACTIONS:
            raise Http404
        form = operation_form(request, ACTIONS[action], data={"line": str(line.pk)})
        if form.is_valid():
            case = file_request(request, form)
            if case is not None:
                return redirect("cases:outcome", number=case.number)
        for error in form.errors.values():
            for message in error:
                messages.error(request, message)
        return redirect("sim:block")
    if action is None or line.pending:
        messages.error(
            request,
            _("Nessuna azione disponibile sulla linea %(msisdn)s (stato %(state)s).")
            % {"msisdn": line.msisdn, "state": line.get_state_display()},
        )
        return redirect("sim:block")
    return _block_page(
        request, confirm={"line": line, "action": action, "token": request_token(request)}
    )


# --- Cambio carta SIM (F-7.3.8, F-9.1.4) -----------------------------------------------------


def _change_list(request, *, contract, line, template: str, ctx: dict, next_url_name: str):
    table = SimChangeTable.from_request(
        request, selectors.changeable_sims(contract=contract, line=line)
    )
    if request.method == "POST" and "prosegui" in request.POST:
        if table.page_pks_param in request.POST:
            table.update_selection(request.POST)
        chosen = table.selected_queryset().first()
        if chosen is not None and table.is_selectable(chosen):
            return redirect(next_url_name, pk=chosen.pk)
        messages.error(request, _("Seleziona la SIM da sostituire, poi clicca su PROSEGUI."))
        return redirect(table.url())
    return render_list(request, table, template, ctx)


def _change_form(request, *, sim, operation: str, back_url: str, template: str, ctx: dict):
    data = request.POST.copy()
    data["sim"] = str(sim.pk)  # the SIM of the page, whatever the browser sent
    form = operation_form(request, operation, data=data)
    confirm = False
    if request.method == "POST" and form.is_valid():
        if "conferma" in request.POST:
            case = file_request(request, form, line=form.line)
            if case is not None:
                return redirect("cases:outcome", number=case.number)
        else:
            confirm = True  # G-53: old and new ICCID in a dialog before the request goes
    return render(
        request,
        template,
        {
            **ctx,
            "form": form,
            "sim": sim,
            "prefix": selectors.NEW_ICCID_PREFIX,
            "confirm": confirm,
            "token": request_token(request),
            "back_url": back_url,
        },
    )


@capability_required("sim.change")
def change(request):
    contract = _contract(request)
    return _change_list(
        request,
        contract=contract,
        line=None,
        template="sim/change.html",
        ctx={
            "title": CHANGE_TITLE,
            "breadcrumbs": _crumbs(CHANGE_TITLE, "sim:change"),
            "contract": contract,
        },
        next_url_name="sim:change_sim",
    )


@capability_required("sim.change")
def change_sim(request, pk: int):
    contract = _contract(request)
    sim = selectors.sim_for_change(contract=contract, pk=pk)
    if sim is None:
        raise Http404
    return _change_form(
        request,
        sim=sim,
        operation="sim_change",
        back_url=reverse("sim:change"),
        template="sim/change_form.html",
        ctx={
            "title": CHANGE_TITLE,
            "breadcrumbs": _crumbs(CHANGE_TITLE, "sim:change", (_("Riepilogo dati"), "")),
        },
    )


MY_LINE = gettext_lazy("La mia linea")


def _own_line(request):
    line = request.portal.line
    if line is None or request.portal.line_contract is None:
        raise Http404
    return line


@capability_required("myline.sim_change")
def employee_change(request):
    line = _own_line(request)
    return _change_list(
        request,
        contract=request.portal.line_contract,
        line=line,
        template="sim/employee_change.html",
        ctx={
            "title": CHANGE_TITLE,
            "breadcrumbs": [(MY_LINE, ""), (CHANGE_TITLE, "")],
            "line": line,
        },
        next_url_name="myline:sim_change_sim",
    )


@capability_required("myline.sim_change")
def employee_change_sim(request, pk: int):
    line = _own_line(request)
    sim = selectors.sim_for_change(contract=request.portal.line_contract, pk=pk, line=line)
    if sim is None:
        raise Http404
    return _change_form(
        request,
        sim=sim,
        operation="employee_sim_change",
        back_url=reverse("myline:sim_change"),
        template="sim/change_form.html",
        ctx={
            "title": CHANGE_TITLE,
            "breadcrumbs": [
                (MY_LINE, ""),
                (CHANGE_TITLE, reverse("myline:sim_change")),
                (_("Riepilogo dati"), ""),
            ],
            "employee": True,
        },
    )


# --- Abilitazione over/extra bundle (F-7.3.5) ------------------------------------------------

BUNDLE_TITLE = gettext_lazy("Abilitazione over/extra bundle")
FLAG_CHOICES = [
    ("", gettext_lazy("Non modificare")),
    (YES, gettext_lazy("Abilita")),
    (NO, gettext_lazy("Disabilita")),
]


class FlagChoiceForm(forms.Form):
    """The flags to set on the selected lines (a flag a line's type does not allow is left)."""

    extra_bundle = forms.ChoiceField(
        label=FLAG_LABELS["extra_bundle"], choices=FLAG_CHOICES, required=False
    )
    over_bundle_national = forms.ChoiceField(
        label=FLAG_LABELS["over_bundle_national"], choices=FLAG_CHOICES, required=False
    )
    over_bundle_extra_eu = forms.ChoiceField(
        label=FLAG_LABELS["over_bundle_extra_eu"], choices=FLAG_CHOICES, required=False
    )


def bundle_rows(lines, wanted: dict[str, str]) -> tuple[list[list[str]], int]:
    """CSV rows for the selected lines (only the flags their type allows and that change);
    returns the rows and how many lines had nothing to change."""
    rows, unchanged = [], 0
    for line in lines:
        allowed = BUNDLE_FLAGS_BY_CATEGORY.get(line.tariff_plan.category, ())
        cells = []
        for flag in BUNDLE_FLAGS:
            value = wanted.get(flag, "")
            effective = value and flag in allowed and (value == YES) != getattr(line, flag)
            cells.append(value if effective else "")
        if any(cells):
            rows.append([line.msisdn, *cells])
        else:
            unchanged += 1
    return rows, unchanged


def _bundle_crumbs(*extra):
    return _crumbs(BUNDLE_TITLE, "sim:bundle_flags", *extra)


@capability_required("sim.bundle_flags")
def bundle_flags(request):
    contract = _contract(request)
    table = BundleFlagsTable.from_request(request, selectors.bundle_lines(contract=contract))
    flags = FlagChoiceForm(request.POST if "avanti" in request.POST else None)
    errors: list[str] = []
    if request.method == "POST" and "avanti" in request.POST:
        if table.page_pks_param in request.POST:
            table.update_selection(request.POST)
        flags.is_valid()
        selected = list(table.selected_queryset().select_related("tariff_plan").order_by("msisdn"))
        wanted = {k: v for k, v in flags.cleaned_data.items() if v}
        rows, unchanged = bundle_rows(selected, wanted)
        if not selected:
            errors.append(_('Seleziona almeno una linea in "Conferma modifica".'))
        elif not wanted:
            errors.append(_("Scegli almeno un'abilitazione da modificare."))
        elif not rows:
            errors.append(
                _("Le linee selezionate hanno già le abilitazioni scelte: nessuna modifica.")
            )
        else:
            if unchanged:
                messages.warning(
                    request,
                    _("%(n)s linee selezionate non cambiano e non sono nella richiesta.")
                    % {"n": unchanged},
                )
            form = operation_form(
                request, "bundle_flags", data={"righe": bulk.render(BUNDLE_HEADER, rows)}
            )
            if form.is_valid():
                response = start_request(request, form, back_url=reverse("sim:bundle_flags"))
                if response:
                    table.clear_selection()
                    return response
            errors += [str(e) for e in form.errors.get("righe", [])]
            errors += [str(e) for e in form.non_field_errors()]
    ctx = {
        "title": BUNDLE_TITLE,
        "breadcrumbs": _bundle_crumbs(),
        "contract": contract,
        "flags": flags,
        "errors": errors,
    }
    if errors:  # AVANTI refused: the page again, with the selection and the reasons
        return render(request, "sim/bundle_flags.html", {"table": table, **ctx})
    return render_list(request, table, "sim/bundle_flags.html", ctx)


# --- Bulk requests from a CSV file (issue 10 item 4): one mechanism for every multi-line
# operation of §7.3: a downloadable template, up to 10,000 lines, every bad row reported
# with its number and reason, nothing filed unless every row is valid.

BULK_MAX_BYTES = 2 * 1024 * 1024


def read_csv_upload(upload) -> tuple[str | None, list[str]]:
    """The text of an uploaded CSV file, or None and the reason it cannot be read."""
    if upload is None:
        return None, [_("Scegli il file CSV da caricare.")]
    if upload.size > BULK_MAX_BYTES:
        return None, [_("Il file è troppo grande: al massimo 2 MB (10.000 linee).")]
    try:
        return upload.read().decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, [_("Il file non è in UTF-8: salvalo come CSV UTF-8 e riprova.")]


class FiledRows(NamedTuple):
    """What ``file_rows_request`` made of CSV rows: the "Conferma dei dati" response, or the
    reasons it could not (``errors``, every problem as a line) and the same problems by row
    number and field (``problems``, when the operation's form keeps them), for a page that
    draws its rows itself and says each problem next to its field."""

    response: HttpResponse | None
    errors: list[str]
    problems: dict[int, dict[str, list[str]]]


def file_rows_request(
    request, operation: str, text: str, *, back_url: str, first_row: int = 2
) -> FiledRows:
    """The request made of CSV rows: "Conferma dei dati" if every row is valid."""
    form = operation_form(request, operation, data={"righe": text}, first_row=first_row)
    if form.is_valid():
        response = start_request(request, form, back_url=back_url)
        if response:
            return FiledRows(response, [], {})
    errors = [str(e) for e in form.errors.get("righe", [])]
    errors += [str(e) for e in form.non_field_errors()]
    return FiledRows(None, errors, getattr(form, "row_problems", {}))


def csv_response(header: tuple[str, ...], rows, filename: str) -> HttpResponse:
    response = HttpResponse(bulk.render(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def bulk_page(
    request,
    *,
    operation: str | None,
    header: tuple[str, ...],
    title,
    breadcrumbs: list,
    back_url: str,
    template_url: str,
    columns: list[tuple[str, str]],
    intro: str = "",
    choices: list[tuple[str, str, str]] | None = None,
):
    """The CSV page of a multi-line request. ``choices`` (value, label, operation) is a
    required radio when one page files one of several operations (Conferma / Rinuncia)."""
    errors: list[str] = []
    chosen = request.POST.get("richiesta", "")
    if request.method == "POST":
        if choices:
            operation = {value: op for value, _label, op in choices}.get(chosen)
            if operation is None:
                errors.append(_("Scegli il tipo di richiesta."))
        text, read_errors = read_csv_upload(request.FILES.get("file"))
        errors += read_errors
        if text is not None and not errors:
            response, errors, _problems = file_rows_request(
                request, operation, text, back_url=back_url
            )
            if response:
                return response
    return render(
        request,
        "sim/bulk.html",
        {
            "title": title,
            "breadcrumbs": breadcrumbs,
            "contract": _contract(request),
            "errors": errors,
            "header": ";".join(header),
            "columns": columns,
            "intro": intro,
            "choices": choices,
            "chosen": chosen,
            "template_url": template_url,
            "back_url": back_url,
            "max_rows": bulk.MAX_ROWS,
        },
    )


BUNDLE_COLUMN_HELP = [
    ("NUMERO", gettext_lazy("il numero della linea del contratto")),
    ("EXTRA_BUNDLE", gettext_lazy("S per abilitare, N per disabilitare, vuoto per non modificare")),
    ("OVER_BUNDLE_NAZIONALE_UE", gettext_lazy("S, N o vuoto, come sopra")),
    ("OVER_BUNDLE_EXTRA_UE", gettext_lazy("S, N o vuoto, come sopra")),
]


@capability_required("sim.bundle_flags")
def bundle_flags_bulk(request):
    """The same request from a CSV file of up to 10,000 lines; every bad row is reported."""
    return bulk_page(
        request,
        operation="bundle_flags",
        header=BUNDLE_HEADER,
        title=BUNDLE_TITLE,
        breadcrumbs=_bundle_crumbs((_("Caricamento da file CSV"), "")),
        back_url=reverse("sim:bundle_flags"),
        template_url=reverse("sim:bundle_flags_template"),
        columns=BUNDLE_COLUMN_HELP,
        intro=_(
            "Abbonamento a consumo: solo Over Bundle Extra UE. Abbonamento a pacchetto e "
            "ricaricabile: tutte e tre. Le linee M2M non hanno abilitazioni."
        ),
    )


@capability_required("sim.bundle_flags")
def bundle_flags_template(request):
    """The CSV template: the header and the contract's lines with their current flags."""
    contract = _contract(request)
    mark = {True: YES, False: NO}
    lines = selectors.bundle_lines(contract=contract).order_by("msisdn")
    rows = (
        [line.msisdn, *(mark[getattr(line, f)] for f in BUNDLE_FLAGS)]
        for line in lines.iterator(chunk_size=2000)
    )
    return csv_response(BUNDLE_HEADER, rows, "abilitazione-bundle.csv")


# --- Ricarica aziendale con addebito in fattura (F-7.3.4) -----------------------------------

RECHARGE_TITLE = gettext_lazy("Ricarica aziendale con addebito in fattura")
RICARICHE = gettext_lazy("Gestione ricariche")
KINDS = dict(RECHARGE_KINDS)


def _recharge_crumbs(*extra):
    return [
        (REQUESTS_MENU, ""),
        (RICARICHE, ""),
        (RECHARGE_TITLE, reverse("sim:company_recharge")),
        *extra,
    ]


@capability_required("sim.company_recharge")
def company_recharge(request):
    """Step 1: the three kinds of recharge, each with SCEGLI."""
    contract = _contract(request)
    return render(
        request,
        "sim/recharge_kinds.html",
        {
            "title": RECHARGE_TITLE,
            "breadcrumbs": _recharge_crumbs(),
            "contract": contract,
            "kinds": RECHARGE_KINDS,
        },
    )


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


@capability_required("sim.company_recharge")
def company_recharge_line(request, kind: str):
    """Step 2: the line (single selection; G-22 leaves out lines with that service active)."""
    contract = _contract(request)
    kind = _kind(kind)
    qs = selectors.recharge_lines(contract=contract, service_kind=SERVICE_KIND.get(kind, ""))
    # The plan's name as a value of the line's row, not its model instance (issue 17).
    qs = qs.select_related(None).annotate(tariff_plan_name=F("tariff_plan__name"))
    table = RechargeLineTable.from_request(request, qs)
    if request.method == "POST" and "avanti" in request.POST:
        if table.page_pks_param in request.POST:
            table.update_selection(request.POST)
        chosen = table.selected_queryset().first()
        if chosen is not None:
            return redirect("sim:company_recharge_params", kind=kind, pk=chosen.pk)
        messages.error(request, _("Seleziona la linea da ricaricare, poi clicca su AVANTI."))
        return redirect(table.url())
    return render_list(
        request,
        table,
        "sim/recharge_line.html",
        {
            "title": RECHARGE_TITLE,
            "breadcrumbs": _recharge_crumbs((KINDS[kind], "")),
            "contract": contract,
            "kind": kind,
            "kind_label": KINDS[kind],
        },
    )


@capability_required("sim.company_recharge")
def company_recharge_params(request, kind: str, pk: int):
    """Step 3: amount (and frequency or threshold), then "Conferma dei dati" (P-09)."""
    contract = _contract(request)
    kind = _kind(kind)
    line = selectors.recharge_lines(contract=contract).filter(pk=pk).first()
    if line is None:
        raise Http404
    data = request.POST.copy()
    data["line"], data["tipo"] = str(line.pk), kind
    form = operation_form(request, "company_recharge", data=data)
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=reverse("sim:company_recharge"))
        if response:
            return response
    return render(
        request,
        "sim/recharge_params.html",
        {
            "title": RECHARGE_TITLE,
            "breadcrumbs": _recharge_crumbs((KINDS[kind], ""), (line.msisdn, "")),
            "form": form,
            "line": line,
            "kind": kind,
            "kind_label": KINDS[kind],
            "amounts": ONE_SHOT_AMOUNTS,
            "frequencies": FREQUENCIES,
            "one_shot": kind == ONE_SHOT,
        },
    )


# --- Conferma / Rinuncia ricariche (F-7.3.3) -------------------------------------------------

MODE_TITLE = gettext_lazy("Conferma / Rinuncia ricariche")
MODE_OPERATIONS = {"CONFERMA": "recharge_confirm", "RINUNCIA": "recharge_waive"}


@capability_required("sim.recharge_mode")
def recharge_mode(request):
    contract = _contract(request)
    table = RechargeModeTable.from_request(
        request, selectors.recharge_mode_lines(contract=contract)
    )
    errors: list[str] = []
    if request.method == "POST" and "avanti" in request.POST:
        if table.page_pks_param in request.POST:
            table.update_selection(request.POST)
        selected = list(table.selected_queryset().order_by("msisdn"))
        modes = {line.auto_recharge for line in selected}
        if not selected:
            errors.append(_("Seleziona almeno una linea."))
        elif len(modes) > 1:
            # G-19: one pratica per kind; each request confirms or waives, not both.
            errors.append(
                _(
                    "Hai selezionato linee in modalità CONFERMA e RINUNCIA: invia una richiesta "
                    "per ciascuna modalità (una pratica per tipo)."
                )
            )
        else:
            text = bulk.render(("NUMERO",), ([line.msisdn] for line in selected))
            form = operation_form(request, MODE_OPERATIONS[modes.pop()], data={"righe": text})
            if form.is_valid():
                response = start_request(request, form, back_url=reverse("sim:recharge_mode"))
                if response:
                    table.clear_selection()
                    return response
            errors += [str(e) for e in form.errors.get("righe", [])]
            errors += [str(e) for e in form.non_field_errors()]
    ctx = {
        "title": MODE_TITLE,
        "breadcrumbs": [(REQUESTS_MENU, ""), (RICARICHE, ""), (MODE_TITLE, "")],
        "contract": contract,
        "errors": errors,
    }
    if errors:
        return render(request, "sim/recharge_mode.html", {"table": table, **ctx})
    return render_list(request, table, "sim/recharge_mode.html", ctx)


# --- Gestione servizi di Rete (F-7.3.9) and profilo RIF (F-7.3.10) ---------------------------

NETWORK_TITLE = gettext_lazy("Gestione servizi di Rete")
RIF_TITLE = gettext_lazy("Gestione profilo RIF")


@capability_required("sim.network_services")
def network_services(request):
    contract = _contract(request)
    table = NetworkServicesTable.from_request(request, selectors.network_lines(contract=contract))
    return render_list(
        request,
        table,
        "sim/network_services.html",
        {
            "title": NETWORK_TITLE,
            "breadcrumbs": _crumbs(NETWORK_TITLE, "sim:network_services"),
            "contract": contract,
        },
    )


def _line_request(request, *, pk: int, queryset, operation: str, title, url_name, template):
    line = queryset.filter(pk=pk).first()
    if line is None:
        raise Http404
    data = request.POST.copy()
    data["line"] = str(line.pk)
    initial = {}
    if operation == "network_services":
        initial["blocked"] = list(line.blocked_categories.values_list("code", flat=True))
    elif line.rif_profile_id:
        initial["profile"] = line.rif_profile.code
    form = operation_form(request, operation, data=data, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=reverse(url_name))
        if response:
            return response
    return render(
        request,
        template,
        {
            "title": title,
            "breadcrumbs": _crumbs(title, url_name, (line.msisdn, "")),
            "form": form,
            "line": line,
            "back_url": reverse(url_name),
        },
    )


@capability_required("sim.network_services")
def network_services_line(request, pk: int):
    return _line_request(
        request,
        pk=pk,
        queryset=selectors.network_lines(contract=_contract(request)),
        operation="network_services",
        title=NETWORK_TITLE,
        url_name="sim:network_services",
        template="sim/network_services_form.html",
    )


@capability_required("sim.rif_profile")
def rif_profile(request):
    contract = _contract(request)
    table = RifProfileTable.from_request(request, selectors.rif_lines(contract=contract))
    return render_list(
        request,
        table,
        "sim/rif_profile.html",
        {
            "title": RIF_TITLE,
            "breadcrumbs": _crumbs(RIF_TITLE, "sim:rif_profile"),
            "contract": contract,
            "profiles": records.rif_profiles(),
        },
    )


@capability_required("sim.rif_profile")
def rif_profile_line(request, pk: int):
    return _line_request(
        request,
        pk=pk,
        queryset=selectors.rif_lines(contract=_contract(request)),
        operation="rif_profile",
        title=RIF_TITLE,
        url_name="sim:rif_profile",
        template="sim/rif_profile_form.html",
    )


@capability_required("sim.cessation")
def cessation(request):
    """Cessazione SIM (F-7.3.12): an information page, no request from the Portale."""
    return render(
        request,
        "sim/cessation.html",
        {
            "title": gettext_lazy("Cessazione SIM"),
            "breadcrumbs": _crumbs(gettext_lazy("Cessazione SIM"), "sim:cessation"),
        },
    )


# --- Blocco apparato con e senza IMEI (F-7.3.13) --------------------------------------------

IMEI_TITLE = gettext_lazy("Blocco apparato con e senza IMEI")


def _imei_crumbs(*extra):
    return [(REQUESTS_MENU, ""), (IMEI_TITLE, reverse("sim:imei_block")), *extra]


@capability_required("sim.imei_block")
def imei_block(request):
    contract = _contract(request)
    table = DeviceTable.from_request(
        request, records.devices_of_contract(contract=contract).select_related("line")
    )
    return render_list(
        request,
        table,
        "sim/imei_block.html",
        {"title": IMEI_TITLE, "breadcrumbs": _imei_crumbs(), "contract": contract},
    )


def _imei_request(request, *, variant: str, device=None):
    from .forms import KNOWN

    data = request.POST.copy()
    data["variante"] = variant
    initial = {"variante": variant}
    if device is not None:
        data["imei"] = device.imei  # the device of the page, whatever the browser sent
        initial |= {"imei": device.imei, "numero": device.line.msisdn if device.line else ""}
    form = operation_form(request, "imei_block", data=data, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=reverse("sim:imei_block"))
        if response:
            return response
    subtitle = (
        _("Richiesta con IMEI conosciuto")
        if variant == KNOWN
        else _("Richiesta con IMEI non conosciuto")
    )
    return render(
        request,
        "sim/imei_block_form.html",
        {
            "title": IMEI_TITLE,
            "breadcrumbs": _imei_crumbs((subtitle, "")),
            "subtitle": subtitle,
            "form": form,
            "device": device,
            "known": variant == KNOWN,
        },
    )


@capability_required("sim.imei_block")
def imei_block_device(request, pk: int):
    from .forms import KNOWN

    device = (
        records.devices_of_contract(contract=_contract(request))
        .select_related("line")
        .filter(pk=pk, state="ATTIVO")
        .first()
    )
    if device is None:
        raise Http404
    return _imei_request(request, variant=KNOWN, device=device)


@capability_required("sim.imei_block")
def imei_block_unknown(request):
    from .forms import UNKNOWN

    _contract(request)
    return _imei_request(request, variant=UNKNOWN)


@capability_required("sim.recharge_mode")
def recharge_mode_bulk(request):
    """Conferma / Rinuncia from a CSV file: one request per kind (G-19), chosen on the page."""
    return bulk_page(
        request,
        operation=None,
        header=MODE_HEADER,
        title=MODE_TITLE,
        breadcrumbs=[
            (REQUESTS_MENU, ""),
            (RICARICHE, ""),
            (MODE_TITLE, reverse("sim:recharge_mode")),
            (_("Caricamento da file CSV"), ""),
        ],
        back_url=reverse("sim:recharge_mode"),
        template_url=reverse("sim:recharge_mode_template"),
        columns=[("NUMERO", gettext_lazy("il numero della linea ricaricabile"))],
        intro=_(
            "Conferma: linee in modalità CONFERMA, per cui vuoi la ricarica del mese prossimo. "
            "Rinuncia: linee in modalità RINUNCIA, per cui rinunci alla ricarica del mese "
            "prossimo."
        ),
        choices=[
            ("CONFERMA", _("Conferma la ricarica automatica"), "recharge_confirm"),
            ("RINUNCIA", _("Rinuncia alla ricarica automatica"), "recharge_waive"),
        ],
    )


@capability_required("sim.recharge_mode")
def recharge_mode_template(request):
    """The template: the contract's rechargeable lines, by mode (``?modalita=``)."""
    lines = selectors.recharge_mode_lines(contract=_contract(request)).order_by("msisdn")
    mode = request.GET.get("modalita", "")
    if mode in MODE_OPERATIONS:
        lines = lines.filter(auto_recharge=mode)
    rows = ([msisdn] for msisdn in lines.values_list("msisdn", flat=True).iterator(2000))
    return csv_response(MODE_HEADER, rows, f"ricariche-{mode.lower() or 'linee'}.csv")


# --- Attivazione differita SIM (F-7.3.6, G-24) ----------------------------------------------

DEFERRED_TITLE = gettext_lazy("Attivazione differita SIM")
MANUAL_ROWS, MANUAL_MAX_ROWS = 3, 50


def _deferred_crumbs(*extra):
    return _crumbs(DEFERRED_TITLE, "sim:deferred_activation", *extra)


@capability_required("sim.deferred_activation")
def deferred_activation(request):
    """Manual rows (number and ICCID, "AGGIUNGI RIGA") or a CSV file, then SALVA → "Conferma
    dei dati" with the list of lines (P-09). The contract's hot stock is listed below."""
    from itertools import zip_longest

    contract = _contract(request)
    table = HotStockTable.from_request(request, selectors.hot_stock(contract=contract))
    numbers, iccids = request.POST.getlist("numero"), request.POST.getlist("iccid")
    rows = [(n.strip(), i.strip()) for n, i in zip_longest(numbers, iccids, fillvalue="")] or [
        ("", "")
    ] * MANUAL_ROWS
    errors: list[str] = []
    by_row: dict[int, dict[str, list[str]]] = {}  # the page's rows: problems next to a field
    if request.method == "POST" and "aggiungi" in request.POST:
        if len(rows) < MANUAL_MAX_ROWS:
            rows.append(("", ""))
        else:
            errors.append(_("Per più di 50 SIM carica un file CSV."))
    elif request.method == "POST":
        upload = request.FILES.get("file")
        back = reverse("sim:deferred_activation")
        typed = False  # rows typed on the page: their problems go next to their fields
        if upload is not None:
            text, errors = read_csv_upload(upload)
            first_row = 2
        elif any(n or i for n, i in rows):
            text, first_row, typed = bulk.render(DEFERRED_HEADER, rows), 1, True
        else:
            text = None
            errors.append(_("Inserisci numero e ICCID di almeno una SIM, o carica un file CSV."))
        if text is not None:
            filed = file_rows_request(
                request, "deferred_activation", text, back_url=back, first_row=first_row
            )
            if filed.response:
                return filed.response
            errors = filed.errors
            if typed:
                by_row = filed.problems
    ctx = {
        "title": DEFERRED_TITLE,
        "breadcrumbs": _deferred_crumbs(),
        "contract": contract,
        "rows": [
            {
                "n": n,
                "numero": numero,
                "iccid": iccid,
                "numero_errors": by_row.get(n, {}).get("numero", []),
                "iccid_errors": by_row.get(n, {}).get("iccid", []),
            }
            for n, (numero, iccid) in enumerate(rows, start=1)
        ],
        "errors": errors,
        "prefix": selectors.NEW_ICCID_PREFIX,
    }
    if request.method == "POST":
        return render(request, "sim/deferred_activation.html", {"table": table, **ctx})
    return render_list(request, table, "sim/deferred_activation.html", ctx)


@capability_required("sim.deferred_activation")
def deferred_activation_bulk(request):
    """ "Cerchi aiuto sulla compilazione del file CSV da caricare? Clicca qui": the format,
    the template and the upload (G-24)."""
    return bulk_page(
        request,
        operation="deferred_activation",
        header=DEFERRED_HEADER,
        title=DEFERRED_TITLE,
        breadcrumbs=_deferred_crumbs((_("Compilazione del file CSV"), "")),
        back_url=reverse("sim:deferred_activation"),
        template_url=reverse("sim:deferred_activation_template"),
        columns=[
            ("NUMERO", gettext_lazy("il numero telefonico assegnato alla SIM")),
            (
                "ICCID",
                gettext_lazy(
                    "l'ICCID della SIM: le 19 cifre che iniziano con 8939, oppure le ultime 10"
                ),
            ),
        ],
        intro=_(
            "Una riga per SIM da attivare: la SIM deve essere in scorta sul contratto e il "
            "numero quello assegnato alla SIM. Il modello contiene le SIM in scorta del "
            "contratto: lascia solo quelle da attivare."
        ),
    )


@capability_required("sim.deferred_activation")
def deferred_activation_template(request):
    """The template: the contract's hot-stock SIMs with their numbers."""
    sims = selectors.hot_stock(contract=_contract(request)).order_by("iccid")
    rows = ([msisdn, iccid] for msisdn, iccid in sims.values_list("msisdn", "iccid"))
    return csv_response(DEFERRED_HEADER, rows, "attivazione-differita-sim.csv")


# --- Reintegro scorta calda di SIM (F-7.3.11, G-28, G-29) -----------------------------------

HOT_STOCK_TITLE = gettext_lazy("Reintegro scorta calda di SIM")


@capability_required("sim.hot_stock")
def hot_stock(request):
    contract = _contract(request)
    form = operation_form(request, "hot_stock")
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=reverse("sim:hot_stock"))
        if response:
            return response
    return render(
        request,
        "sim/hot_stock.html",
        {
            "title": HOT_STOCK_TITLE,
            "breadcrumbs": _crumbs(HOT_STOCK_TITLE, "sim:hot_stock"),
            "contract": contract,
            "form": form,
            "quantities": [
                (form[name], label) for name, label in zip(QUANTITY_FIELDS, SIM_KINDS, strict=True)
            ],
            "in_stock": selectors.hot_stock(contract=contract).count(),
        },
    )
