"""The operator's console (staff only): queues of pratiche and ordini, lines and contracts.

The engine (``portale.fulfilment``) works pratiche on its own; here an operator works them by
hand through the same lifecycle transitions (``portale.cases.lifecycle``).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.accounts.audit import audit_backoffice_action
from portale.cases import lifecycle, operations
from portale.cases import services as case_services
from portale.cases.models import Case, CaseAttachment, Order
from portale.cases.views import attachment_response
from portale.cases.wizard import request_token
from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.core.pdf import pdf_response
from portale.records import selectors as records
from portale.support import selectors as support_selectors
from portale.support import services as support_services
from portale.support.models import CallbackState, ChatSession, Ticket
from portale.support.views import chat_fragment

from . import services
from .forms import (
    CloseForm,
    FileCaseForm,
    ReasonForm,
    line_errors,
    not_offered,
    operator_form,
)
from .tables import ConsoleCaseTable, ConsoleOrderTable, ContractTable, LineTable

CRUMBS = [(gettext_lazy("Back office"), ""), (gettext_lazy("Console pratiche"), "")]


def post_action(*, page: str, model):
    """A console button's URL: it acts on POST only. Any other method (a bookmarked or shared
    action link, the address the login brings back to after the session expired) does
    nothing and goes to the page the action belongs to (``page``, with the action's ``pk``
    when that page takes one), saying so; an object that does not exist is a 404 as on POST.

    Every back-office URL that only acts is declared with it (a test walks the URLs): no
    blank "405" page.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                return view(request, *args, **kwargs)
            get_object_or_404(model, pk=kwargs["pk"])
            messages.info(request, _("Nessuna azione eseguita: usa i pulsanti di questa pagina."))
            try:
                return redirect(reverse(page, kwargs=kwargs))
            except NoReverseMatch:  # a list page: the object's pk is not part of its URL
                return redirect(page)

        return wrapped

    return decorator


@capability_required("backoffice.queue")
def index(request):
    return render(request, "backoffice/index.html", {"title": _("Console operatore")})


@capability_required("backoffice.queue")
def lines(request):
    """Every line of every contract; search by number/ICCID and by contract code."""
    # The contract's code, the administration's and the plan's names as values of the row,
    # not three model instances a row through select_related (issue 17).
    qs = (
        records.all_lines()
        .select_related(None)
        .annotate(
            contract_code=F("contract__code"),
            administration_name=F("contract__administration__name"),
            tariff_plan_name=F("tariff_plan__name"),
        )
    )
    table = LineTable.from_request(request, qs)
    return render_list(request, table, "backoffice/list_page.html", {"title": _("Linee")})


@capability_required("backoffice.queue")
def contracts(request):
    """Every contract with its number of lines."""
    table = ContractTable.from_request(request, records.contracts_with_line_count())
    return render_list(request, table, "backoffice/list_page.html", {"title": _("Contratti")})


@capability_required("backoffice.queue")
def queue(request):
    qs = Case.objects.annotate(
        contract_code=F("contract__code"),
        line_msisdn=F("line__msisdn"),
        assignee_username=F("assignee__username"),
    )
    table = ConsoleCaseTable.from_request(request, qs, prefix="p")
    return render_list(
        request,
        table,
        "backoffice/queue.html",
        {"title": _("Console pratiche"), "breadcrumbs": CRUMBS},
    )


@capability_required("backoffice.queue")
def order_queue(request):
    qs = Order.objects.annotate(case_number=F("case__number"), contract_code=F("contract__code"))
    table = ConsoleOrderTable.from_request(request, qs, prefix="o")
    return render_list(
        request,
        table,
        "backoffice/order_queue.html",
        {"title": _("Console ordini"), "breadcrumbs": [(_("Back office"), ""), (_("Ordini"), "")]},
    )


def _case_page(request, pk: int, *, close_form=None, reason_form=None):
    """The pratica's page; with a bound form when its action was refused for that field."""
    case = get_object_or_404(
        Case.objects.select_related(
            "contract__administration", "line", "requester", "assignee", "filed_by"
        ),
        pk=pk,
    )
    op = operations.get(case.operation)
    return render(
        request,
        "backoffice/case_detail.html",
        {
            "case": case,
            "op": op,
            # Received outside the portal with no parameters: closing it changes no record
            # (lifecycle.case_close applies an effect only with a payload); the page says so.
            "no_payload": case.is_open and op.effect is not None and not case.payload,
            "orders": case.orders.prefetch_related("items", "shipments__events"),
            "attachments": case.attachments.all(),
            "close_form": close_form or CloseForm(),
            "reason_form": reason_form or ReasonForm(),
            "suspended": case.state == lifecycle.CaseState.SUSPENDED,
            # "Prendi in carico" is not offered to the operator who already holds it.
            "mine": case.state == lifecycle.CaseState.WORKING
            and not case.auto
            and case.assignee_id == request.user.pk,
            "title": _("Pratica %(number)s") % {"number": case.number},
            "breadcrumbs": [
                (_("Back office"), ""),
                (_("Console pratiche"), reverse("backoffice:queue")),
                (case.number, ""),
            ],
        },
    )


@capability_required("backoffice.queue")
def case_detail(request, pk: int):
    return _case_page(request, pk)


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
    with case.summary_pdf.open("rb") as file:
        return pdf_response(file.read(), f"riepilogo-{case.number}.pdf")


def _act(request, pk: int, action, form_class=None):
    """A console button: POST only; a refused transition becomes a message.

    An action that needs a text (the outcome, the reason) checks it first: when missing or
    too long the pratica's page comes back with the message under the field and the text
    as typed, and nothing is done.
    """
    case = get_object_or_404(Case, pk=pk)
    data = None
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            key = "close_form" if form_class is CloseForm else "reason_form"
            return _case_page(request, pk, **{key: form})
        data = form.cleaned_data
    assignee_id = case.assignee_id
    try:
        done = action(case) if data is None else action(case, data)
    except case_services.RequestError as exc:
        messages.error(request, str(exc))
    else:
        audit_backoffice_action(
            request=request,
            case=case,
            action=request.resolver_match.url_name,
            assignee_id=assignee_id,
        )
        messages.success(request, done)
    return redirect("backoffice:case_detail", pk=case.pk)


@capability_required("backoffice.queue")
@post_action(page="backoffice:case_detail", model=Case)
def take(request, pk: int):
    def action(case):
        colleague = case.assignee if not case.auto else None
        lifecycle.case_take(case=case, operator=request.user)
        if colleague is not None and colleague.pk != request.user.pk:
            return _("Pratica presa in carico: prima era in carico a %(name)s.") % {
                "name": colleague.get_full_name() or colleague.get_username()
            }
        return _("Pratica presa in carico.")

    return _act(request, pk, action)


@capability_required("backoffice.queue")
@post_action(page="backoffice:case_detail", model=Case)
def suspend(request, pk: int):
    def action(case, data):
        lifecycle.case_suspend(case=case, reason=data["reason"], operator=request.user)
        return _("Pratica sospesa: i suoi ordini sono congelati.")

    return _act(request, pk, action, ReasonForm)


@capability_required("backoffice.queue")
@post_action(page="backoffice:case_detail", model=Case)
def resume(request, pk: int):
    def action(case):
        lifecycle.case_resume(case=case, operator=request.user)
        return _("Pratica ripresa in lavorazione.")

    return _act(request, pk, action)


@capability_required("backoffice.queue")
@post_action(page="backoffice:case_detail", model=Case)
def close(request, pk: int):
    def action(case, data):
        lifecycle.case_close(case=case, outcome=data["outcome"], operator=request.user)
        return _("Pratica chiusa.")

    return _act(request, pk, action, CloseForm)


@capability_required("backoffice.queue")
@post_action(page="backoffice:case_detail", model=Case)
def reject(request, pk: int):
    def action(case, data):
        lifecycle.case_reject(case=case, reason=data["reason"], operator=request.user)
        return _("Pratica scartata: il motivo è visibile al cliente.")

    return _act(request, pk, action, ReasonForm)


@capability_required("backoffice.queue")
@post_action(page="backoffice:case_detail", model=Case)
def cancel(request, pk: int):
    def action(case, data):
        lifecycle.case_cancel(case=case, reason=data["reason"], operator=request.user)
        return _("Pratica annullata su richiesta del cliente.")

    return _act(request, pk, action, ReasonForm)


@capability_required("backoffice.queue")
def file_case(request):
    """A request received by phone, fax or e-mail, filed with its parameters.

    Two steps on one address: contract, operation, line, channel and notes (AVANTI), then
    the operation's own form (APRI PRATICA), the first step's answers carried along as
    hidden inputs. The pratica is filed like the customer's own (``case_file``) and carries
    out its effect the same way. The page's token makes a double submit file one pratica.
    """
    token = request_token(request)
    form = FileCaseForm(request.POST or None)
    op_form = op = None
    back = "indietro" in request.POST
    if request.method == "POST" and not back and form.is_valid():
        d = form.cleaned_data
        op = operations.get(d["operation"])
        filing = "apri" in request.POST
        op_form = operator_form(
            op,
            contract=d["contract"],
            line=d["line"],
            data=request.POST if filing else None,
            files=request.FILES if filing else None,
        )
        if filing:
            try:
                case = services.case_file_for_customer(
                    operator=request.user,
                    contract=d["contract"],
                    operation=op.code,
                    data=op_form.data,
                    files=request.FILES,
                    line=d["line"],
                    channel=d["channel"],
                    notes=d["notes"],
                    token=token,
                )
            except case_services.InvalidRequest as exc:
                if op_form.is_valid():  # refused by case_file only: its errors, as given
                    for field, errors in exc.errors.items():
                        for error in errors:
                            op_form.add_error(field if field in op_form.fields else None, error)
            except case_services.RequestError as exc:  # a conflicting open pratica (G-10)
                op_form.is_valid()
                op_form.add_error(None, str(exc))
            else:
                audit_backoffice_action(
                    request=request, case=case, action="file_case", assignee_id=None
                )
                messages.success(
                    request,
                    _("Aperta la pratica %(n)s per conto del cliente.") % {"n": case.number},
                )
                return redirect("backoffice:case_detail", pk=case.pk)
    return render(
        request,
        "backoffice/file_case.html",
        {
            "form": form,
            "op_form": op_form,
            "op": op,
            "line_errors": line_errors(op_form) if op_form is not None else [],
            "not_offered": not_offered(),
            "token": token,
            "title": _("Apri pratica per conto del cliente"),
            "breadcrumbs": [
                (_("Back office"), ""),
                (_("Console pratiche"), reverse("backoffice:queue")),
                (_("Apri pratica per conto del cliente"), ""),
            ],
        },
    )


# --- lines blocked by a DISPOSITIVA threshold (F-7.5) ---------------------------------------


@capability_required("backoffice.queue")
def thresholds(request):
    """Lines whose pay-per-use traffic a DISPOSITIVA threshold has blocked."""
    from portale.thresholds import selectors as threshold_selectors
    from portale.thresholds.tables import BlockedTable

    qs = (
        threshold_selectors.blocked_thresholds()
        .select_related(None)
        .annotate(  # line_msisdn: the threshold's own copy of its line's number
            contract_code=F("line__contract__code"),
            administration_name=F("line__contract__administration__name"),
        )
    )
    table = BlockedTable.from_request(request, qs)
    title = _("Linee bloccate da soglia")
    return render_list(
        request, table, "backoffice/list_page.html", {"title": title, "nav": "thresholds"}
    )


@capability_required("backoffice.queue")
def threshold_unblock(request, pk: int):
    """ "Sblocca": the line's pay-per-use traffic flows again; the customer is notified."""
    from portale.thresholds import selectors as threshold_selectors
    from portale.thresholds import services as threshold_services

    threshold = threshold_selectors.blocked_thresholds().filter(pk=pk).first()
    if threshold is None:
        # Unblocked meanwhile (a second click, a colleague, a new period): said, not a 404.
        other = records.threshold_by_pk(pk=pk)
        if other is None:
            raise Http404
        if request.method == "POST":
            messages.info(
                request,
                _("La linea %(msisdn)s non è più bloccata da questa soglia.")
                % {"msisdn": other.line.msisdn},
            )
            return redirect("backoffice:thresholds")
        return render(
            request,
            "backoffice/threshold_unblock.html",
            {"threshold": other, "unblocked": True, "title": _("Sblocca")},
        )
    if request.method == "POST":
        try:
            threshold_services.threshold_unblock(threshold_id=threshold.pk, actor=request.user)
        except threshold_services.ThresholdError as exc:
            messages.error(request, str(exc))
        else:
            from portale.accounts.audit import Kind, security_event_log

            security_event_log(
                kind=Kind.BACKOFFICE_ACTION,
                request=request,
                user=request.user,
                detail=f"threshold_unblock soglia {threshold.pk} linea {threshold.line.msisdn} "
                f"contratto {threshold.line.contract.code}",
            )
            messages.success(
                request, _("Linea %(msisdn)s sbloccata.") % {"msisdn": threshold.line.msisdn}
            )
        return redirect("backoffice:thresholds")
    return render(
        request,
        "backoffice/threshold_unblock.html",
        {"threshold": threshold, "title": _("Sblocca")},
    )


@capability_required("backoffice.queue")
def callbacks(request):
    """ "Prenota una chiamata" requests to work: call, then mark the outcome."""
    if request.method == "POST":
        try:
            support_services.callback_request_update(
                request_id=int(request.POST.get("request", "0") or 0),
                state=request.POST.get("state", ""),
                operator=request.user,
                notes=request.POST.get("notes", ""),
            )
        except ValueError:  # not a number: a tampered or truncated form
            messages.error(request, _("Richiesta non trovata."))
        except support_services.SupportError as exc:
            messages.error(request, str(exc))
        except support_services.CallbackRequest.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, _("Richiesta aggiornata."))
        return redirect("backoffice:callbacks")
    return render(
        request,
        "backoffice/callbacks.html",
        {
            "items": support_selectors.callback_queue(),
            "states": [
                (CallbackState.CALLED, _("Chiamato")),
                (CallbackState.UNREACHABLE, _("Non raggiungibile")),
                (CallbackState.DONE, _("Chiuso")),
            ],
            "title": _("Richieste di richiamata"),
            "breadcrumbs": [(_("Back office"), ""), (_("Richieste di richiamata"), "")],
        },
    )


@capability_required("backoffice.queue")
def chats(request):
    """Chats waiting for an operator, and those in progress, with who and which contract."""
    return render(
        request,
        "backoffice/chats.html",
        {
            "sessions": support_selectors.chat_queue(),
            "title": _("Chat"),
            "breadcrumbs": [(_("Back office"), ""), (_("Chat"), "")],
        },
    )


@capability_required("backoffice.queue")
def chat(request, pk: int):
    session = get_object_or_404(ChatSession.objects.select_related("user", "contract"), pk=pk)
    if request.method == "POST":
        action = request.POST.get("azione")
        try:
            if action == "prendi":
                support_services.chat_take(session=session, operator=request.user)
            elif action == "chiudi":
                support_services.chat_end(session=session, by_operator=True)
        except support_services.SupportError as exc:
            messages.error(request, str(exc))
        return redirect("backoffice:chat", pk=pk)
    items = list(support_selectors.chat_messages(session=session))
    return render(
        request,
        "backoffice/chat.html",
        {
            "session": session,
            "chat_messages": items,
            "last_id": items[-1].pk if items else 0,
            "operator_view": True,
            "title": _("Chat con %(name)s")
            % {"name": session.user.get_full_name() or session.user},
            "breadcrumbs": [
                (_("Back office"), ""),
                (_("Chat"), reverse("backoffice:chats")),
                (str(session.pk), ""),
            ],
        },
    )


@capability_required("backoffice.queue")
def chat_messages(request, pk: int):
    return chat_fragment(request, get_object_or_404(ChatSession, pk=pk), operator_view=True)


@capability_required("backoffice.queue")
@post_action(page="backoffice:chat", model=ChatSession)
def chat_send(request, pk: int):
    session = get_object_or_404(ChatSession, pk=pk)
    error = ""
    try:
        if session.operator_id is None and session.is_open:
            support_services.chat_take(session=session, operator=request.user)
        support_services.chat_post(
            session=session, author="OPERATORE", text=request.POST.get("testo", "")
        )
    except support_services.SupportError as exc:
        error = str(exc)
    if request.htmx:
        return render(request, "support/_chat_error.html", {"error": error})
    if error:
        messages.error(request, error)
    return redirect("backoffice:chat", pk=pk)


@capability_required("backoffice.queue")
def tickets(request):
    """All-risk tickets to work: repair or ship a replacement, deliver, close."""
    return render(
        request,
        "backoffice/tickets.html",
        {
            "tickets": support_selectors.ticket_queue(),
            "steps": [
                ("lavora", _("In lavorazione")),
                ("spedisci", _("Spedisci sostitutivo")),
                ("consegna", _("Consegnato")),
                ("chiudi", _("Chiudi")),
            ],
            "title": _("Ticket all risk"),
            "breadcrumbs": [(_("Back office"), ""), (_("Ticket all risk"), "")],
        },
    )


@capability_required("backoffice.queue")
@post_action(page="backoffice:tickets", model=Ticket)
def ticket_step(request, pk: int):
    ticket = get_object_or_404(Ticket, pk=pk)
    try:
        support_services.ticket_advance(
            ticket=ticket,
            step=request.POST.get("step", ""),
            operator=request.user,
            note=request.POST.get("note", ""),
        )
    except support_services.SupportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Ticket aggiornato."))
    return redirect("backoffice:tickets")
