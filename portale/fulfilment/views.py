"""The operator's console (DESIGN §5.4): queues of open pratiche and ordini, and actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portale.accounts.audit import audit_backoffice_action
from portale.cases import operations
from portale.cases import services as case_services
from portale.cases.models import Case, CaseAttachment, Order
from portale.cases.views import attachment_response
from portale.core.capabilities import capability_required
from portale.core.lists import render_list

from .forms import CloseForm, FileCaseForm, RejectForm
from .tables import ConsoleCaseTable, ConsoleOrderTable

CRUMBS = [(_("Back office"), ""), (_("Console pratiche"), "")]


@capability_required("backoffice.queue")
def queue(request):
    table = ConsoleCaseTable.from_request(
        request, Case.objects.select_related("contract", "line", "assignee"), prefix="p"
    )
    return render_list(
        request,
        table,
        "fulfilment/queue.html",
        {"title": _("Console pratiche"), "breadcrumbs": CRUMBS},
    )


@capability_required("backoffice.queue")
def order_queue(request):
    table = ConsoleOrderTable.from_request(
        request, Order.objects.select_related("contract", "case"), prefix="o"
    )
    return render_list(
        request,
        table,
        "fulfilment/order_queue.html",
        {"title": _("Console ordini"), "breadcrumbs": [(_("Back office"), ""), (_("Ordini"), "")]},
    )


@capability_required("backoffice.queue")
def case_detail(request, pk: int):
    case = get_object_or_404(
        Case.objects.select_related("contract__administration", "line", "requester", "assignee"),
        pk=pk,
    )
    return render(
        request,
        "fulfilment/case_detail.html",
        {
            "case": case,
            "op": operations.get(case.operation),
            "orders": case.orders.prefetch_related("items", "shipments__events"),
            "attachments": case.attachments.all(),
            "close_form": CloseForm(),
            "reject_form": RejectForm(),
            "title": _("Pratica %(number)s") % {"number": case.number},
            "breadcrumbs": [
                (_("Back office"), ""),
                (_("Console pratiche"), reverse("fulfilment:queue")),
                (case.number, ""),
            ],
        },
    )


@capability_required("backoffice.queue")
def attachment(request, pk: int, attachment_pk: int):
    """A document the customer uploaded with the request (e.g. the police report)."""
    return attachment_response(get_object_or_404(CaseAttachment, pk=attachment_pk, case_id=pk))


@capability_required("backoffice.queue")
def summary_pdf(request, pk: int):
    """The summary PDF the customer downloaded before INVIA, as kept with the pratica."""
    case = get_object_or_404(Case, pk=pk)
    if not case.summary_pdf:
        raise Http404
    return FileResponse(
        case.summary_pdf.open("rb"),
        as_attachment=True,
        filename=f"riepilogo-{case.number}.pdf",
        content_type="application/pdf",
    )


def _act(request, pk: int, action):
    case = get_object_or_404(Case, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    assignee_id = case.assignee_id
    try:
        action(case)
    except case_services.RequestError as exc:
        messages.error(request, str(exc))
    else:
        audit_backoffice_action(
            request=request,
            case=case,
            action=request.resolver_match.url_name,
            assignee_id=assignee_id,
        )
    return redirect("fulfilment:case_detail", pk=case.pk)


@capability_required("backoffice.queue")
def take(request, pk: int):
    def action(case):
        case_services.case_take(case=case, operator=request.user)
        messages.success(request, _("Pratica presa in carico."))

    return _act(request, pk, action)


@capability_required("backoffice.queue")
def close(request, pk: int):
    form = CloseForm(request.POST)

    def action(case):
        if not form.is_valid():
            raise case_services.RequestError(_("Indica l'esito della pratica."))
        case_services.case_close(
            case=case, outcome=form.cleaned_data["outcome"], operator=request.user
        )
        messages.success(request, _("Pratica chiusa."))

    return _act(request, pk, action)


@capability_required("backoffice.queue")
def reject(request, pk: int):
    form = RejectForm(request.POST)

    def action(case):
        if not form.is_valid():
            raise case_services.RequestError(_("Indica il motivo: sarà mostrato al cliente."))
        case_services.case_reject(
            case=case, reason=form.cleaned_data["reason"], operator=request.user
        )
        messages.success(request, _("Pratica annullata: il motivo è visibile al cliente."))

    return _act(request, pk, action)


@capability_required("backoffice.queue")
def file_case(request):
    form = FileCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = case_services.case_create(
                contract=d["contract"],
                operation=d["operation"],
                line=d["line"],
                channel=d["channel"],
                filed_by=request.user,
                notes=d["notes"],
            )
        except case_services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            audit_backoffice_action(
                request=request, case=case, action="file_case", assignee_id=None
            )
            messages.success(request, _("Aperta la pratica %(n)s.") % {"n": case.number})
            return redirect("fulfilment:case_detail", pk=case.pk)
    return render(
        request,
        "fulfilment/file_case.html",
        {
            "form": form,
            "title": _("Apri pratica per conto del cliente"),
            "breadcrumbs": [
                (_("Back office"), ""),
                (_("Console pratiche"), reverse("fulfilment:queue")),
                (_("Apri pratica per conto del cliente"), ""),
            ],
        },
    )
