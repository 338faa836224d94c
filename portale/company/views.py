"""Dati aziendali (F-7.1): Profilo aziendale, Gestione referenti, Dati contratto e indirizzi.

The pages read the records; every change is a request (pratica) applied by fulfilment. As
in the guide (P-09 leaves out §7.1.2 and §7.1.3), the referent and address changes open a
modal over their page whose "SALVA" files the pratica directly (``cases.wizard.file_now``,
idempotent on the page's token): no "Conferma dei dati" step. The modal is rendered by the
server at its own URL, so it works without JavaScript and keeps errors and typed values.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portale.cases.selectors import open_cases
from portale.cases.wizard import TOKEN_FIELD, file_now, operation_form, request_token
from portale.core.capabilities import capability_required
from portale.core.context import referent_contract_or_404
from portale.core.lists import render_list
from portale.core.tabs import tabs, window_title
from portale.records import selectors as records
from portale.records.models import Referent

from . import comuni
from .tables import EDITABLE_ROLES, ReferentTable, with_role_rank

TAB_LABELS = {
    "profile": ("Profilo aziendale", "company:profile"),
    "referents": ("Gestione referenti", "company:referents"),
    "addresses": ("Dati contratto e indirizzi", "company:addresses"),
}


def render_page(request, template: str, ctx: dict):
    return render(request, template, _page_context(request, ctx))


def _page_context(request, ctx: dict) -> dict:
    label, url_name = TAB_LABELS[ctx["tab"]]
    crumbs = [(_("Dati aziendali"), reverse("company:profile")), (_(label), reverse(url_name))]
    if ctx.get("title"):
        crumbs.append((ctx["title"], ""))
    ctx.setdefault("page_heading", _("Dati aziendali"))
    # The window's title names the tab (and the open modal): "Gestione referenti - Dati
    # aziendali", not the same "Dati aziendali" for every page of the section.
    modal = ctx.get("modal") or {}
    ctx["document_title"] = window_title(
        modal.get("title") or ctx.get("title"), _(label), ctx["page_heading"]
    )
    ctx["breadcrumbs"] = crumbs
    ctx["tabs"] = tabs(
        [(code, _(lbl), name) for code, (lbl, name) in TAB_LABELS.items()], active=ctx["tab"]
    )
    ctx["tabs_label"] = _("Dati aziendali")
    return ctx


@capability_required("company.profile")
def profile(request):
    contract = referent_contract_or_404(request.portal)
    admin = contract.administration
    legal = getattr(admin, "legal_representative", None)
    masked_cf = f"{legal.fiscal_code[:6]}*" if legal and legal.fiscal_code else ""
    return render_page(
        request,
        "company/profile.html",
        {
            "tab": "profile",
            "contract": contract,
            "administration": admin,
            "seat": admin.seat,
            "legal": legal,
            "masked_cf": masked_cf,
        },
    )


def _referents_page(request, *, modal: dict | None = None):
    contract = referent_contract_or_404(request.portal)
    # G-09/G-10: a row with an open "Referenti" pratica shows it and offers no second change.
    pending = {
        c.payload.get("referent_id"): c
        for c in open_cases(contract=contract, operations=("referent_replace", "referent_contacts"))
    }
    table = ReferentTable.from_request(
        request,
        with_role_rank(records.referents_for_portal(ctx=request.portal)),
        pending=pending,
    )
    if modal is not None:
        table.path = reverse("company:referents")  # paging and sorting close the modal
    return render_list(
        request,
        table,
        "company/referents.html",
        _page_context(request, {"tab": "referents", "contract": contract, "modal": modal}),
    )


@capability_required("company.referents")
def referents(request):
    return _referents_page(request)


def _editable_referent(request, pk: int) -> Referent:
    ref = get_object_or_404(records.referents_for_portal(ctx=request.portal), pk=pk)
    if ref.role not in EDITABLE_ROLES:
        raise PermissionDenied
    return ref


def _filed(request, case, *, back: str):
    """After "SALVA": back to the page with the pratica number (and the G-09 warnings)."""
    messages.success(
        request,
        _(
            "Richiesta inviata: è stata aperta la pratica %(number)s (%(type)s). Puoi seguirne "
            "lo stato in Storico pratiche."
        )
        % {"number": case.number, "type": case.type_label},
    )
    for warning in case.payload.get("warnings", []):
        messages.warning(request, warning)
    return redirect(back)


def _referent_request(request, pk: int, *, operation: str, title, replace: bool):
    """Both referent requests (F-7.1.2): the guide's modal over the list, "SALVA" files."""
    ref = _editable_referent(request, pk)
    data = request.POST.copy()
    data["referent"] = str(ref.pk)  # the referent of the page, whatever the browser sent
    form = operation_form(request, operation, data=data, initial={"referent": ref.pk})
    token = request_token(request)
    if request.method == "POST" and form.is_valid():
        case = file_now(request, form, token=token, payload=data)
        if case is not None:
            return _filed(request, case, back=reverse("company:referents"))
    modal = {
        "form": form,
        "ref": ref,
        "title": title,
        "replace": replace,
        "token": token,
        "token_field": TOKEN_FIELD,
    }
    return _referents_page(request, modal=modal)


@capability_required("company.referents")
def referent_replace(request, pk: int):
    return _referent_request(
        request,
        pk,
        operation="referent_replace",
        title=_("Sostituisci referente"),
        replace=True,
    )


@capability_required("company.referents")
def referent_contacts(request, pk: int):
    return _referent_request(
        request,
        pk,
        operation="referent_contacts",
        title=_("Modifica contatti"),
        replace=False,
    )


ADDRESS_KINDS = {"fatture": "invoice_address", "documentazione": "docs_address"}


def _addresses_page(request, *, modal: dict | None = None):
    contract = referent_contract_or_404(request.portal)
    roa = records.master_referent(contract=contract)
    pending = {
        c.operation: c
        for c in open_cases(contract=contract, operations=("invoice_address", "docs_address"))
    }
    return render_page(
        request,
        "company/addresses.html",
        {
            "tab": "addresses",
            "contract": contract,
            "roa": roa,
            "invoice": contract.invoice_address,
            "docs": contract.docs_address,
            "invoice_province": comuni.province_name(contract.invoice_address.province),
            "docs_province": comuni.province_name(contract.docs_address.province),
            "pending_invoice": pending.get("invoice_address"),
            "pending_docs": pending.get("docs_address"),
            "modal": modal,
        },
    )


@capability_required("company.addresses")
def addresses(request):
    return _addresses_page(request)


@capability_required("company.addresses")
def address_edit(request, kind: str):
    """ "Modifica dati di spedizione …" (F-7.1.3): the modal over the page, "SALVA" files."""
    if kind not in ADDRESS_KINDS:
        raise Http404
    form = operation_form(request, ADDRESS_KINDS[kind])
    token = request_token(request)
    if request.method == "POST" and form.is_valid():
        case = file_now(request, form, token=token)
        if case is not None:
            return _filed(request, case, back=reverse("company:addresses"))
    title = (
        _("Modifica dati di spedizione fatture")
        if kind == "fatture"
        else _("Modifica dati di spedizione documentazione")
    )
    modal = {"form": form, "title": title, "kind": kind, "token": token, "token_field": TOKEN_FIELD}
    return _addresses_page(request, modal=modal)


@capability_required("company.addresses")
def comuni_json(request):
    """The comuni of a province for the "Comune" drop-down (filtered by "Provincia")."""
    sigla = request.GET.get("provincia", "")[:2].upper()
    return JsonResponse({"comuni": comuni.comuni(sigla)})
