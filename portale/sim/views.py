"""Gestione SIM (F-7.3.7, F-7.3.8) and the employee's Cambio carta SIM (F-9.1.4).

The pages read the records; every change is a pratica filed through ``case_file`` and
applied by fulfilment. Per the guide these requests have no summary PDF: the block and
unblock are confirmed in a pop-up (P-12), the SIM change in a dialog after "SALVA" (G-53).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.cases import services as cases
from portale.cases.wizard import operation_form, start_request
from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.records import selectors as records
from portale.records.models import LineState
from portale.records.services import BUNDLE_FLAGS, BUNDLE_FLAGS_BY_CATEGORY

from . import bulk, selectors
from .forms import (
    BUNDLE_HEADER,
    FLAG_LABELS,
    FREQUENCIES,
    NO,
    ONE_SHOT,
    ONE_SHOT_AMOUNTS,
    RECHARGE_KINDS,
    SERVICE_KIND,
    YES,
)
from .tables import (
    BlockTable,
    BundleFlagsTable,
    DeviceTable,
    NetworkServicesTable,
    RechargeLineTable,
    RechargeModeTable,
    RifProfileTable,
    SimChangeTable,
)

REQUESTS_MENU = gettext_lazy("Pratiche e richieste")
GESTIONE_SIM = gettext_lazy("Gestione SIM")
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
    the request is refused (an open pratica on the same object, G-10; changed records)."""
    try:
        return cases.case_file(
            operation=form.operation,
            actor=request.user,
            contract=form.contract,
            payload={name: form.data.get(name, "") for name in form.fields},
            line=line,
        )
    except cases.InvalidRequest as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    except cases.RequestError as exc:
        form.add_error(None, str(exc))
    return None


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
    return _block_page(request, confirm={"line": line, "action": action})


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


@capability_required("sim.bundle_flags")
def bundle_flags_bulk(request):
    """The same request from a CSV file of up to 10,000 lines; every bad row is reported."""
    contract = _contract(request)
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Scegli il file CSV da caricare."))
        elif upload.size > BULK_MAX_BYTES:
            errors.append(_("Il file è troppo grande: al massimo 1 MB (10.000 linee)."))
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                errors.append(_("Il file non è in UTF-8: salvalo come CSV UTF-8 e riprova."))
            else:
                form = operation_form(request, "bundle_flags", data={"righe": text})
                if form.is_valid():
                    response = start_request(
                        request, form, back_url=reverse("sim:bundle_flags_bulk")
                    )
                    if response:
                        return response
                errors += [str(e) for e in form.errors.get("righe", [])]
                errors += [str(e) for e in form.non_field_errors()]
    return render(
        request,
        "sim/bundle_flags_bulk.html",
        {
            "title": BUNDLE_TITLE,
            "breadcrumbs": _bundle_crumbs((_("Caricamento da file CSV"), "")),
            "contract": contract,
            "errors": errors,
            "header": ";".join(BUNDLE_HEADER),
            "max_rows": bulk.MAX_ROWS,
        },
    )


BULK_MAX_BYTES = 1024 * 1024


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
    response = HttpResponse(
        bulk.render(BUNDLE_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="abilitazione-bundle.csv"'
    return response


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
