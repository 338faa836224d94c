"""Dati aziendali (F-7.1): Profilo aziendale, Gestione referenti, Dati contratto e indirizzi.

The pages read the records; every change is a request (pratica) filed through the wizard
(its "Conferma dei dati" step, PDF and INVIA), applied by fulfilment.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portale.cases.selectors import open_cases
from portale.cases.wizard import operation_form, start_request
from portale.core.capabilities import capability_required
from portale.core.context import referent_contract_or_404
from portale.core.lists import render_list
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
    ctx["breadcrumbs"] = crumbs
    ctx["tabs"] = [
        {"code": code, "label": _(lbl), "url": reverse(name), "active": code == ctx["tab"]}
        for code, (lbl, name) in TAB_LABELS.items()
    ]
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


@capability_required("company.referents")
def referents(request):
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
    return render_list(
        request,
        table,
        "company/referents.html",
        _page_context(request, {"tab": "referents", "contract": contract}),
    )


def _editable_referent(request, pk: int) -> Referent:
    ref = get_object_or_404(records.referents_for_portal(ctx=request.portal), pk=pk)
    if ref.role not in EDITABLE_ROLES:
        raise PermissionDenied
    return ref


def _referent_request(request, pk: int, *, operation: str, title, replace: bool):
    """Both referent requests (F-7.1.2): the form, then the wizard's "Conferma dei dati"."""
    ref = _editable_referent(request, pk)
    data = request.POST.copy()
    data["referent"] = str(ref.pk)  # the referent of the page, whatever the browser sent
    form = operation_form(request, operation, data=data, initial={"referent": ref.pk})
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=reverse("company:referents"))
        if response:
            return response
    context = {"tab": "referents", "form": form, "ref": ref, "title": title, "replace": replace}
    return render_page(request, "company/referent_form.html", context)


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


@capability_required("company.addresses")
def addresses(request):
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
        },
    )


@capability_required("company.addresses")
def address_edit(request, kind: str):
    if kind not in ADDRESS_KINDS:
        raise Http404
    form = operation_form(request, ADDRESS_KINDS[kind])
    if request.method == "POST" and form.is_valid():
        response = start_request(request, form, back_url=reverse("company:addresses"))
        if response:
            return response
    title = (
        _("Modifica dati di spedizione fatture")
        if kind == "fatture"
        else _("Modifica dati di spedizione documentazione")
    )
    return render_page(
        request,
        "company/address_form.html",
        {"tab": "addresses", "form": form, "title": title, "kind": kind},
    )


@capability_required("company.addresses")
def comuni_json(request):
    """The comuni of a province for the "Comune" drop-down (filtered by "Provincia")."""
    sigla = request.GET.get("provincia", "")[:2].upper()
    return JsonResponse({"comuni": comuni.comuni(sigla)})
