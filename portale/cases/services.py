"""Filing requests: drafts, pratiche and ordini (DESIGN §5.3).

``case_file`` is the one way in: it validates raw parameters with the operation's form and
files the pratica (and its ordine where Appendix 1 marks one), from any channel. The wizard
goes through a draft first ("Conferma dei dati", P-09) and files the draft's payload, which
the same form produced. The filed pratica is announced on commit (``hooks``); what happens
to it next is ``lifecycle``'s business, never this module's.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portale.records import selectors as records
from portale.records.models import Contract, Line

from . import hooks, lifecycle, operations, selectors
from .exceptions import (
    CaseConflict,
    InvalidRequest,
    InvalidTransition,
    OperationNotAvailable,
    PdfNotDownloaded,
    RequestError,
)
from .models import (
    Case,
    CaseAttachment,
    Channel,
    Order,
    OrderLine,
    RequestDraft,
    Shipment,
    ShipmentEvent,
)

__all__ = [
    "CaseConflict",
    "InvalidRequest",
    "InvalidTransition",
    "OperationNotAvailable",
    "PdfNotDownloaded",
    "RequestError",
    "case_file",
    "draft_create",
    "draft_submit",
]


# --- numbers -----------------------------------------------------------------------------


def _case_number() -> str:
    """ "7-64436898334": the CRM's prefix and 11 digits."""
    return f"7-{6 * 10**10 + secrets.randbelow(4 * 10**10)}"


def _order_number() -> str:
    """ "74458098909": 11 digits."""
    return f"{7 * 10**10 + secrets.randbelow(10**10)}"


def conflict_key_for(*, op: operations.Operation, contract: Contract, payload: dict) -> str | None:
    """G-10: one open pratica per "Tipo pratica" and object (line, referent, address...).

    A pratica opened by hand without parameters names no object: it conflicts with none.
    """
    if op.conflict_key is None or not payload:
        return None
    group = op.conflict_group or op.description
    return f"{group}|{contract.pk}|{op.object_key(payload)}"[:120]


def open_conflict(*, op: operations.Operation, contract: Contract, payload: dict) -> Case | None:
    key = conflict_key_for(op=op, contract=contract, payload=payload)
    if not key:
        return None
    qs = Case.objects.filter(conflict_key=key, state__in=lifecycle.OPEN_STATES)
    if cutoff := op.lock_cutoff():
        qs = qs.filter(opened_at__gte=cutoff)
    return qs.first()


def _locks_release_expired(*, op: operations.Operation, key: str | None) -> None:
    """G-52: an open pratica past its operation's lock timeout no longer holds the object;
    it stays open (the back office still works it), only its conflict key is cleared."""
    cutoff = op.lock_cutoff()
    if key and cutoff:
        Case.objects.filter(
            conflict_key=key, state__in=lifecycle.OPEN_STATES, opened_at__lt=cutoff
        ).update(conflict_key=None)


NOT_AVAILABLE = gettext_lazy(
    "Questa richiesta non si può ancora inviare dal Portale: per farla chiama il Numero verde "
    "800.680.068 o scrivi a telefoniamobile8@telecomitalia.it."
)


def conflict_message(case: Case) -> str:
    """G-10, naming what the open pratica is about: the object its operation names (a
    device…), else the line, else the contract."""
    values = {"number": case.number, "type": case.type_label, "contract": case.contract.code}
    op = operations.REGISTRY.get(case.operation)
    subject = op.conflict_subject(case.payload) if op and op.conflict_subject else ""
    if subject:
        values["subject"] = subject
        text = _(
            "Per %(subject)s c'è già una richiesta %(type)s in lavorazione (pratica "
            "%(number)s). Potrai inviarne una nuova quando sarà chiusa: segui lo stato nella "
            'funzione "Storico pratiche".'
        )
    elif case.line_id:
        values["msisdn"] = case.line.msisdn
        text = _(
            "Sulla linea %(msisdn)s c'è già una richiesta in lavorazione (pratica %(number)s, "
            "%(type)s). Potrai inviarne una nuova quando sarà chiusa: segui lo stato nella "
            'funzione "Storico pratiche".'
        )
    else:
        text = _(
            "Sul contratto %(contract)s c'è già una richiesta %(type)s in lavorazione (pratica "
            "%(number)s). Potrai inviarne una nuova quando sarà chiusa: segui lo stato nella "
            'funzione "Storico pratiche".'
        )
    return text % values


# --- drafts (the wizard's server-side state) ----------------------------------------------


@transaction.atomic
def draft_create(
    *,
    user,
    contract: Contract,
    operation: str,
    payload: dict,
    line: Line | None = None,
    back_url: str = "",
    uploads: dict | None = None,
) -> RequestDraft:
    """A request waiting for "Conferma dei dati"; ``uploads`` = {upload code: file}."""
    op = operations.get(operation)
    if not op.implemented:
        raise OperationNotAvailable(str(NOT_AVAILABLE))
    existing = open_conflict(op=op, contract=contract, payload=payload)
    if existing:
        raise CaseConflict(conflict_message(existing))
    uploads = uploads or {}
    missing = [u.label for u in op.uploads if u.required and not uploads.get(u.code)]
    if missing:
        raise RequestError(
            _("Carica i documenti obbligatori: %(docs)s.") % {"docs": ", ".join(missing)}
        )
    draft = RequestDraft.objects.create(
        user=user,
        contract=contract,
        line=line,
        operation=operation,
        payload=payload,
        summary=[list(r) for r in op.summary_rows(payload)],
        back_url=back_url,
    )
    for upload in op.uploads:
        file = uploads.get(upload.code)
        if file:
            _attach(draft=draft, upload=upload, file=file)
    return draft


def _attach(
    *, upload: operations.Upload, file, draft: RequestDraft | None = None, case: Case | None = None
) -> CaseAttachment:
    from .uploads import validate_document

    content_type = validate_document(file)  # the service never trusts its caller
    attachment = CaseAttachment(
        draft=draft,
        case=case,
        kind=upload.code,
        label=upload.label,
        name=(getattr(file, "name", "") or upload.code).rsplit("/", 1)[-1][:200],
        content_type=content_type,
        size=file.size,
    )
    attachment.file.save(attachment.name, file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def draft_mark_attachment_downloaded(*, attachment: CaseAttachment) -> None:
    CaseAttachment.objects.filter(pk=attachment.pk, downloaded_at__isnull=True).update(
        downloaded_at=timezone.now()
    )


def draft_missing_downloads(draft: RequestDraft) -> list[str]:
    """P-09: the documents of this draft not downloaded yet (summary PDF first)."""
    missing = []
    if draft.pdf_downloaded_at is None:
        missing.append(_("il pdf con il riepilogo dei dati"))
    missing += [
        a.label for a in draft.attachments.filter(case__isnull=True, downloaded_at__isnull=True)
    ]
    return missing


def _delete_files(attachments) -> None:
    for attachment in list(attachments):
        if attachment.file:
            path = attachment.file.name
            storage = attachment.file.storage
            transaction.on_commit(lambda s=storage, p=path: s.delete(p), robust=True)
        attachment.delete()


@transaction.atomic
def draft_delete(*, draft: RequestDraft) -> None:
    """ANNULLA or expiry: the draft, its PDF and the documents it still holds."""
    _delete_files(draft.attachments.filter(case__isnull=True))
    draft.delete()


DRAFT_MAX_AGE = timedelta(hours=24)


def drafts_purge(*, now=None, max_age: timedelta = DRAFT_MAX_AGE) -> int:
    """Abandoned drafts (older than ``max_age``, never confirmed) go, with their PDFs and
    uploaded documents; confirmed drafts stay (they are the idempotency record)."""
    cutoff = (now or timezone.now()) - max_age
    count = 0
    stale = RequestDraft.objects.filter(case__isnull=True, created_at__lt=cutoff)
    for draft in stale.iterator(chunk_size=500):
        draft_delete(draft=draft)
        count += 1
    return count


@transaction.atomic
def draft_mark_downloaded(*, draft: RequestDraft, pdf: bytes) -> RequestDraft:
    draft = RequestDraft.objects.select_for_update().get(pk=draft.pk)
    draft.pdf = pdf
    draft.pdf_downloaded_at = timezone.now()
    draft.save(update_fields=["pdf", "pdf_downloaded_at"])
    return draft


def draft_submit(*, draft: RequestDraft) -> Case:
    """INVIA: the draft becomes a pratica, once (the token is the idempotency key)."""
    if draft.case_id:
        return draft.case
    missing = draft_missing_downloads(draft)
    if missing:
        raise PdfNotDownloaded(
            _(
                "Il download dei documenti è obbligatorio per confermare la richiesta: "
                'scarica %(docs)s prima di cliccare su "INVIA".'
            )
            % {"docs": "; ".join(str(m) for m in missing)}
        )
    user = draft.user
    case = case_create(
        contract=draft.contract,
        operation=draft.operation,
        payload=draft.payload,
        summary=draft.summary,
        line=draft.line,
        requester=user,
        idempotency_key=draft.token,
        summary_pdf=bytes(draft.pdf) if draft.pdf else None,
    )
    RequestDraft.objects.filter(pk=draft.pk, case__isnull=True).update(case=case)
    draft.attachments.filter(case__isnull=True).update(case=case)
    return case


# --- cases ------------------------------------------------------------------------------


def case_file(
    *,
    operation: str,
    actor,
    contract: Contract,
    payload: dict | None,
    files: dict | None = None,
    line: Line | None = None,
    channel: str = Channel.PORTAL,
    notes: str = "",
    idempotency_key: str | None = None,
) -> Case:
    """File a pratica from raw parameters, the same way from every channel.

    ``payload`` is the input the operation's form validates (what a person would type);
    ``files`` the documents it declares. An invalid payload raises ``InvalidRequest`` with
    the form's errors; a conflicting open pratica ``CaseConflict`` (G-10). On the portal
    channel ``actor`` is the requester; on the others it is the operator filing on the
    customer's behalf, and ``payload=None`` opens a pratica to be worked by hand.
    """
    op = operations.get(operation)
    on_portal = channel == Channel.PORTAL
    if idempotency_key:
        # A replay (a double click, a reloaded page, a repeated payment notification) is
        # the pratica already filed, before its form could refuse it as a duplicate.
        existing = selectors.case_by_idempotency_key(key=idempotency_key)
        if existing is not None:
            return existing
    if payload is None:
        if on_portal:
            raise InvalidRequest({"__all__": [_("Mancano i dati della richiesta.")]})
        validated, documents = {}, {}
    else:
        if op.form is None:
            raise OperationNotAvailable(str(NOT_AVAILABLE))
        form = op.bind(data=payload, files=files, contract=contract, actor=actor, line=line)
        if not form.is_valid():
            existing = idempotency_key and selectors.case_by_idempotency_key(key=idempotency_key)
            if existing:  # the twin submit filed it meanwhile: its pratica, not a refusal
                return existing
            raise InvalidRequest({k: [str(e) for e in v] for k, v in form.errors.items()})
        validated, documents, line = form.payload(), form.documents(), form.case_line()
    with transaction.atomic():
        case = case_create(
            contract=contract,
            operation=operation,
            payload=validated,
            line=line,
            requester=actor if on_portal else None,
            filed_by=None if on_portal else actor,
            channel=channel,
            notes=notes,
            idempotency_key=idempotency_key,
        )
        for upload in op.uploads:
            if documents.get(upload.code):
                _attach(case=case, upload=upload, file=documents[upload.code])
    return case


def case_create(
    *,
    contract: Contract,
    operation: str,
    payload: dict | None = None,
    summary: list | None = None,
    line: Line | None = None,
    requester=None,
    channel: str = Channel.PORTAL,
    filed_by=None,
    notes: str = "",
    idempotency_key: str | None = None,
    summary_pdf: bytes | None = None,
) -> Case:
    """Insert a pratica whose payload is already validated (``case_file``, ``draft_submit``).

    A replayed call with the same idempotency key returns the pratica already filed; a
    conflicting open pratica on the same object raises ``CaseConflict`` (G-10).
    """
    op = operations.get(operation)
    payload = payload or {}
    if channel == Channel.PORTAL and not op.implemented:
        raise OperationNotAvailable(str(NOT_AVAILABLE))
    if idempotency_key:
        existing = selectors.case_by_idempotency_key(key=idempotency_key)
        if existing:
            return existing
    key = conflict_key_for(op=op, contract=contract, payload=payload)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                _locks_release_expired(op=op, key=key)
                case = _insert_case(
                    op=op,
                    contract=contract,
                    payload=payload,
                    summary=summary,
                    line=line,
                    requester=requester,
                    channel=channel,
                    filed_by=filed_by,
                    notes=notes,
                    idempotency_key=idempotency_key,
                    conflict_key=key,
                    summary_pdf=summary_pdf,
                )
        except IntegrityError:
            if idempotency_key:
                existing = selectors.case_by_idempotency_key(key=idempotency_key)
                if existing:
                    return existing
            if key:
                other = Case.objects.filter(
                    conflict_key=key, state__in=lifecycle.OPEN_STATES
                ).first()
                if other:
                    raise CaseConflict(conflict_message(other)) from None
            continue  # a number collision: draw again
        return case
    raise RuntimeError("could not allocate a unique case number")


def _insert_case(
    *,
    op,
    contract,
    payload,
    summary,
    line,
    requester,
    channel,
    filed_by,
    notes,
    idempotency_key,
    conflict_key,
    summary_pdf,
) -> Case:
    now = timezone.now()
    # Worked by the engine when filed with parameters it can apply; otherwise by hand.
    auto = op.automatic and bool(payload)
    name = ""
    email = ""
    if requester is not None:
        name = f"{requester.first_name} {requester.last_name}".strip() or requester.username
        email = requester.email
    case = Case.objects.create(
        number=_case_number(),
        operation=op.code,
        description=op.description,
        contract=contract,
        line=line,
        channel=channel,
        requester=requester,
        requester_name=name,
        requester_email=email,
        filed_by=filed_by,
        notes=notes,
        payload=payload,
        summary=summary if summary is not None else [list(r) for r in op.summary_rows(payload)],
        idempotency_key=idempotency_key,
        conflict_key=conflict_key,
        auto=auto,
        due_at=lifecycle.initial_due(auto=auto, now=now),
        opened_at=now,
    )
    if summary_pdf:
        case.summary_pdf.save(f"riepilogo-{case.number}.pdf", ContentFile(summary_pdf), save=True)
    if op.makes_order:
        _create_order(case=case, op=op, line=line, payload=payload, now=now)
    if op.on_file is not None and payload:
        op.on_file(case)
    hooks.announce(
        hooks.CaseFiled(
            case_id=case.pk,
            operation=op.code,
            auto=auto,
            delay_seconds=lifecycle.delay("take").total_seconds() if auto else 0.0,
        )
    )
    return case


# "Canale di acquisizione" of an ordine, from its pratica's "Provenienza": "Web" for the
# portal (the guide's word), else the channel the back office recorded. Stored words, the
# same whatever the language of the request that files it.
ORDER_CHANNELS = {
    Channel.PORTAL: "Web",
    Channel.PHONE: "Telefono",
    Channel.FAX: "Fax",
    Channel.EMAIL: "Email",
}


def order_channel(channel: str) -> str:
    """Every ordine carries its channel, whoever filed its pratica."""
    return ORDER_CHANNELS.get(channel, channel)


def _create_order(*, case: Case, op, line, payload: dict, now) -> Order:
    for _attempt in range(5):
        number = _order_number()
        if not Order.objects.filter(number=number).exists():
            break
    order = Order.objects.create(
        number=number,
        case=case,
        contract=case.contract,
        created_at=now,
        channel=order_channel(case.channel),
    )
    lines = payload.get("lines") or ([{"line_id": line.pk}] if line else [])
    by_id = {
        ln.pk: ln
        for ln in records.lines_of_contract(contract=case.contract).filter(
            pk__in=[i.get("line_id") for i in lines]
        )
    }
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            line=by_id.get(item.get("line_id")),
            iccid=item.get("iccid", ""),
            product=item.get("product") or op.description,
            quantity=item.get("quantity", 1),
        )
        for item in (lines or [{}])
    )
    if op.ships:
        address = payload.get("delivery_address") or str(case.contract.docs_address)
        shipment = Shipment.objects.create(order=order, address=address)
        ShipmentEvent.objects.create(
            shipment=shipment, at=now, description=_("Ordine ricevuto"), place=""
        )
    return order


def shipment_order_create(*, case: Case, items: list[dict], address: str) -> Order:
    """The back-end's logistics ordine for a pratica that ships goods though Appendix 1 gives
    it none (G-29: the hot-stock SIMs): ``items`` are ``{"product", "quantity"}``. Made by the
    effect in the closing transaction, it follows the pratica's ordini (Lavorato, then the
    engine ships and delivers it, with its tracking events) and shows in Storico ordini."""
    for _attempt in range(5):
        number = _order_number()
        if not Order.objects.filter(number=number).exists():
            break
    order = Order.objects.create(
        number=number,
        case=case,
        contract=case.contract,
        channel=order_channel(case.channel),
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=order, product=i["product"], quantity=i["quantity"]) for i in items
    )
    shipment = Shipment.objects.create(order=order, address=address[:250])
    ShipmentEvent.objects.create(
        shipment=shipment, at=timezone.now(), description=_("In preparazione"), place=""
    )
    return order
