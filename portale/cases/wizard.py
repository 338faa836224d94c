"""The wizard's entry point for every function that files a request (DESIGN §5.3).

A function's own view shows its selection and parameters steps (its page, its form); once
the form is valid it calls ``start_request`` and the generic steps take over: "Conferma dei
dati" (PDF + INVIA, ``cases:confirm``) and the outcome page with the pratica number::

    from portale.cases.wizard import start_request

    @capability_required("sim.change")
    def sim_change(request):
        form = SimChangeForm(request.POST or None, contract=request.portal.contract)
        if request.method == "POST" and form.is_valid():
            response = start_request(request, form, operation="sim_change",
                                     line=form.cleaned_data["line"],
                                     back_url=reverse("sim:change"))
            if response:
                return response          # → "Conferma dei dati"
        return render(request, "sim/change.html", {"form": form})

``form.payload()`` returns the JSON payload (plain values and primary keys only). A refusal
(the operation not fileable yet, an open pratica on the same object, G-10) becomes a
non-field error of the form, so the page shows it with what the user typed.

Documents (P-09, F-7.3.13): an operation registered with ``uploads=[Upload(...)]`` and a form
with ``portale.cases.uploads.DocumentsFormMixin`` (built with ``request.FILES``) need nothing
else: the files are validated (PDF/JPEG/PNG, 5 MB), kept with the draft, listed on "Conferma
dei dati" as documents to download before INVIA, and kept with the pratica.
"""

from __future__ import annotations

from django.shortcuts import redirect

from . import services


def start_request(
    request, form, *, operation: str, back_url: str = "", line=None, payload=None, uploads=None
):
    """Valid parameters → a draft → "Conferma dei dati" (``None`` + a form error if refused).

    ``uploads`` ({upload code: file}) defaults to ``form.documents()`` for forms with the
    ``uploads.DocumentsFormMixin``: the operation's declared documents.
    """
    if uploads is None and hasattr(form, "documents"):
        uploads = form.documents()
    try:
        draft = services.draft_create(
            user=request.user,
            contract=request.portal.contract,
            operation=operation,
            payload=payload if payload is not None else form.payload(),
            line=line,
            back_url=back_url,
            uploads=uploads,
        )
    except services.RequestError as exc:
        form.add_error(None, str(exc))
        return None
    return redirect("cases:confirm", token=draft.token)
