"""The wizard's entry point for every function that files a request (DESIGN §5.3).

A function's own view shows its selection and parameters steps (its page, its form); once
the form is valid it calls ``start_request`` and the generic steps take over: "Conferma dei
dati" (PDF + INVIA, ``cases:confirm``) and the outcome page with the pratica number::

    from portale.cases.wizard import operation_form, start_request

    @capability_required("sim.change")
    def sim_change(request):
        form = operation_form(request, "sim_change")   # the operation's declared form
        if request.method == "POST" and form.is_valid():
            response = start_request(request, form, back_url=reverse("sim:change"))
            if response:
                return response          # → "Conferma dei dati"
        return render(request, "sim/change.html", {"form": form})

``form.payload()`` returns the JSON payload (plain values and primary keys only) and
``form.case_line()`` the line the pratica is about. A refusal (the operation not fileable
yet, an open pratica on the same object, G-10) becomes a non-field error of the form, so the
page shows it with what the user typed.

Documents (P-09, F-7.3.13): an operation registered with ``uploads=[Upload(...)]`` gets them
as file fields of its form: they are validated (PDF/JPEG/PNG, 5 MB), kept with the draft,
listed on "Conferma dei dati" as documents to download before INVIA, and kept with the
pratica.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect

from portale.core.capabilities import Profile

from . import operations, services
from .forms import OperationForm


def operation_form(request, operation: str, *, data=None, **kwargs) -> OperationForm:
    """The operation's form for this request: bound on POST, scoped to the portal context.

    ``data`` replaces ``request.POST`` (e.g. to add the object the page is about).
    """
    op = operations.get(operation)
    portal = request.portal
    own_line = _acts_on_own_line(portal, op)
    contract = portal.line_contract if own_line else portal.contract
    if contract is None:
        raise Http404
    bound = request.method == "POST"
    return op.bind(
        (data if data is not None else request.POST) if bound else None,
        request.FILES if bound else None,
        contract=contract,
        actor=request.user,
        line=portal.line if own_line else None,
        **kwargs,
    )


def _acts_on_own_line(portal, op: operations.Operation) -> bool:
    """Whether the request is the employee's, about their own line and its contract.

    The employee's own operations (§9) always are. Any other an employee may file (Scrivici,
    Assistenza sui servizi web) is when the user has no referent profile on the selected
    contract, as ``for_portal`` reads rows (P-02): the pratica then names the line, so the
    ROA's "Storico pratiche" shows who asked. A referent's request, even from a referent who
    also has a line, is about the selected contract, with no line.
    """
    return op.profiles <= {Profile.DIP} or not portal.referent_profiles


def start_request(request, form: OperationForm, *, back_url: str = ""):
    """Valid parameters → a draft → "Conferma dei dati" (``None`` + a form error if refused)."""
    try:
        draft = services.draft_create(
            user=request.user,
            contract=form.contract,
            operation=form.operation,
            payload=form.payload(),
            line=form.case_line(),
            back_url=back_url,
            uploads=form.documents(),
        )
    except services.RequestError as exc:
        form.add_error(None, str(exc))
        return None
    return redirect("cases:confirm", token=draft.token)


TOKEN_FIELD = "request_token"


def request_token(request) -> str:
    """The page's idempotency token: posted back with the form, new on every GET."""
    import secrets

    return request.POST.get(TOKEN_FIELD) or secrets.token_urlsafe(16)


def file_now(request, form: OperationForm, *, token: str, payload=None, line=None):
    """A request filed at "INVIA" (or the modal's "SALVA") with no "Conferma dei dati" step
    (Scrivici, SMAS support, referents and addresses).

    Returns the pratica, or None with the refusal as form errors. The page's token makes a
    double click file one pratica. ``payload`` replaces ``request.POST`` (e.g. with the
    object the page is about); ``line``, the scope the request is validated in, is by
    default the form's (``operation_form``: the employee's own line, else none).
    """
    if line is None:
        line = form.line
    try:
        return services.case_file(
            operation=form.operation,
            actor=request.user,
            contract=form.contract,
            payload=request.POST if payload is None else payload,
            files=request.FILES,
            line=line,
            idempotency_key=f"{request.user.pk}:{form.operation}:{token}"[:64],
        )
    except services.InvalidRequest as exc:
        for field, errors in exc.errors.items():
            for error in errors:
                form.add_error(
                    None if field == "__all__" or field not in form.fields else field, error
                )
    except services.RequestError as exc:
        form.add_error(None, str(exc))
    return None


def request_page(request, operation: str, *, template: str, context: dict):
    """A page whose form files its pratica at "INVIA" and shows the pratica number next.

    ``template`` includes ``cases/_request_form.html``; ``context`` adds the page's own
    (title, intro, breadcrumbs...).
    """
    from django.shortcuts import render

    form = operation_form(request, operation)
    token = request_token(request)
    if request.method == "POST" and form.is_valid():
        case = file_now(request, form, token=token)
        if case is not None:
            return redirect("cases:outcome", number=case.number)
    return render(request, template, {**context, "form": form, "token": token})
