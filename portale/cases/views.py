"""The request wizard's last steps (P-09, P-10) and the histories (F-7.3.1, F-7.3.2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portale.core.capabilities import capability_required, login_only
from portale.core.files import file_response

from . import operations, services
from .models import Case, CaseAttachment, Order, RequestDraft
from .platform import pdf_response, render_pdf


def _draft(request, token: str) -> RequestDraft:
    """The user's own, not yet submitted... or submitted draft (for replays)."""
    draft = get_object_or_404(
        RequestDraft.objects.select_related("contract__administration", "line", "case"),
        token=token,
        user=request.user,
    )
    op = operations.get(draft.operation)
    if not op.allows(request.portal):
        raise PermissionDenied
    return draft


def _requester(user) -> dict:
    return {
        "name": f"{user.first_name} {user.last_name}".strip() or user.username,
        "fiscal_code": getattr(user, "fiscal_code", ""),
        "mobile": getattr(user, "mobile", ""),
        "email": user.email,
    }


@login_only
def confirm(request, token: str):
    """ "Conferma dei dati": the PDF link, ANNULLA and INVIA (refused before the download)."""
    draft = _draft(request, token)
    op = operations.get(draft.operation)
    if draft.case_id:
        return redirect("cases:outcome", number=draft.case.number)
    if request.method == "POST":
        try:
            case = services.draft_submit(draft=draft)
        except services.RequestError as exc:
            messages.error(request, str(exc))
            return redirect("cases:confirm", token=draft.token)
        from portale.accounts.audit import audit_request_filed

        audit_request_filed(request=request, case=case)  # G-49
        return redirect("cases:outcome", number=case.number)
    attachments = list(draft.attachments.filter(case__isnull=True))
    return render(
        request,
        "cases/confirm.html",
        {
            "draft": draft,
            "op": op,
            "attachments": attachments,
            "all_downloaded": draft.pdf_downloaded_at is not None
            and all(a.downloaded_at for a in attachments),
            "title": op.label,
            "breadcrumbs": [(op.label, draft.back_url), (_("Conferma dei dati"), "")],
        },
    )


@login_only
def summary_pdf(request, token: str):
    """ "Scarica il pdf con il riepilogo dei dati": rendered once, marked on the server."""
    draft = _draft(request, token)
    if draft.pdf:
        pdf = bytes(draft.pdf)
    else:
        op = operations.get(draft.operation)
        pdf = render_pdf(
            "cases/pdf/summary.html",
            {
                "draft": draft,
                "op": op,
                "contract": draft.contract,
                "requester": _requester(draft.user),
                "generated_at": timezone.localtime(),
                "rows": draft.summary,
                "attachments": draft.attachments.all(),
            },
            request=request,
        )
    if draft.pdf_downloaded_at is None:
        services.draft_mark_downloaded(draft=draft, pdf=pdf)
    return pdf_response(pdf, f"riepilogo-richiesta-{draft.pk}.pdf")


def attachment_response(attachment: CaseAttachment) -> FileResponse:
    """A kept document, always as a download with ``nosniff``, named after the document and
    its checked type, never after the user's file name."""
    from .uploads import download_name

    return file_response(
        attachment.file,
        filename=download_name(
            kind=attachment.kind, pk=attachment.pk, content_type=attachment.content_type
        ),
        content_type=attachment.content_type,
    )


@login_only
def draft_attachment(request, token: str, pk: int):
    """A document uploaded with the request: downloading it is the P-09 mark."""
    draft = _draft(request, token)
    attachment = get_object_or_404(CaseAttachment, pk=pk, draft=draft)
    if attachment.downloaded_at is None and draft.case_id is None:
        services.draft_mark_attachment_downloaded(attachment=attachment)
    return attachment_response(attachment)


@login_only
def cancel(request, token: str):
    """ANNULLA: the draft is dropped; back to the function's page."""
    draft = _draft(request, token)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = draft.back_url or reverse("home:index")
    if draft.case_id is None:
        services.draft_delete(draft=draft)
    return redirect(back)


@login_only
def outcome(request, number: str):
    case = get_object_or_404(Case, number=number, requester=request.user)
    op = operations.get(case.operation)
    return render(
        request,
        "cases/outcome.html",
        {
            "case": case,
            "op": op,
            "orders": list(case.orders.all()),
            "title": _("Esito della richiesta"),
            "breadcrumbs": [(op.label, ""), (_("Esito della richiesta"), "")],
        },
    )


# --- histories -------------------------------------------------------------------------


@capability_required("cases.history")
def history(request):
    from .tables import CaseTable, render_table

    # The contract's code and the line's number as values of the row, not select_related
    # of both (two more model instances a row; issue 17).
    qs = Case.objects.for_portal(request.portal).annotate(
        contract_code=F("contract__code"), line_msisdn=F("line__msisdn")
    )
    return render_table(
        request,
        CaseTable,
        qs,
        "cases/history.html",
        {
            "title": _("Storico pratiche"),
            "breadcrumbs": [(_("Pratiche e richieste"), ""), (_("Storico pratiche"), "")],
        },
    )


@capability_required("cases.orders")
def orders(request):
    from .tables import OrderTable, render_table

    qs = (
        Order.objects.for_portal(request.portal)
        .select_related("case")
        .prefetch_related("shipments")
    )
    return render_table(
        request,
        OrderTable,
        qs,
        "cases/orders.html",
        {
            "title": _("Storico ordini"),
            "breadcrumbs": [(_("Pratiche e richieste"), ""), (_("Storico ordini"), "")],
        },
    )


def _order(request, number: str) -> Order:
    return get_object_or_404(
        Order.objects.for_portal(request.portal).select_related("case", "contract"),
        number=number,
    )


@capability_required("cases.orders")
def order_detail(request, number: str):
    order = _order(request, number)
    return render(
        request,
        "cases/order_detail.html",
        {
            "order": order,
            "items": order.items.select_related("line"),
            "shipments": order.shipments.prefetch_related("events"),
            "title": _("Dettaglio ordine %(number)s") % {"number": order.number},
            "breadcrumbs": [
                (_("Pratiche e richieste"), ""),
                (_("Storico ordini"), reverse("cases:orders")),
                (order.number, ""),
            ],
        },
    )


@capability_required("cases.orders")
def shipment(request, number: str):
    order = _order(request, number)
    shipments = list(order.shipments.prefetch_related("events"))
    if not shipments:
        raise Http404
    return render(
        request,
        "cases/shipment.html",
        {
            "order": order,
            "shipments": shipments,
            "title": _("Stato della spedizione"),
            "breadcrumbs": [
                (_("Pratiche e richieste"), ""),
                (_("Storico ordini"), reverse("cases:orders")),
                (_("Spedizione ordine %(number)s") % {"number": order.number}, ""),
            ],
        },
    )
