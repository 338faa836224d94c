"""Registration wizard (F-3): 1 Numero · 2 Codice · 3 Dati · 4 Email · 5 Password.

Steps 1-4 live in the session (P-14) and each step checks the previous ones were done, so
no step can be skipped; from the e-mail step on, the data is in a ``Registration`` row
reached through the "CONFERMA EMAIL" link.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portale.core.capabilities import public_view

from . import otp as otp_service
from .forms import EmailForm, NumberForm, OtpForm, PersonalDataForm, RegistrationPasswordForm
from .models import Registration
from .selectors import duplicate_registration, mobile_eligibility
from .services import registration_complete, registration_confirm, registration_start
from .tokens import TokenState, token_lookup
from .views import MSG_RATE_LIMITED, otp_error_message, resend_code

REG_KEY = "accounts_registration"
CONFIRMED_KEY = "accounts_registration_confirmed"

STEPS = [
    (1, _("Numero")),
    (2, _("Codice")),
    (3, _("Dati")),
    (4, _("Email")),
    (5, _("Password")),
]


def _state(request) -> dict:
    return request.session.get(REG_KEY) or {}


def _save(request, state: dict) -> None:
    request.session[REG_KEY] = state


def _render(request, template, step, context, status=200):
    state = _state(request)
    context = {
        "steps": STEPS,
        "current": step,
        "reg_msisdn": state.get("msisdn", ""),
        **context,
    }
    return render(request, template, context, status=status)


@public_view
def register(request):
    """Step 1: the TIM number and the slider."""
    if request.user.is_authenticated:
        return redirect("home:index")
    state = _state(request)
    form = NumberForm(request.POST or None, initial={"msisdn": state.get("msisdn", "")})
    if request.method == "POST" and form.is_valid():
        msisdn = form.cleaned_data["msisdn"]
        try:
            challenge = otp_service.otp_issue(
                msisdn=msisdn, purpose="registration", request=request
            )
        except otp_service.RateLimited:
            form.add_error(None, MSG_RATE_LIMITED)
        else:
            elig = form.eligibility
            admin = elig.default_administration
            _save(
                request,
                {
                    "msisdn": msisdn,
                    "cid": challenge.pk,
                    "otp_ok": False,
                    "entity": admin.fiscal_code if admin else "",
                },
            )
            return redirect("accounts:register_code")
    return _render(request, "accounts/register/step_number.html", 1, {"form": form})


@public_view
def register_code(request):
    """Step 2: the 6-digit code sent by SMS."""
    state = _state(request)
    if not state.get("msisdn"):
        return redirect("accounts:register")
    if state.get("otp_ok"):
        return redirect("accounts:register_data")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = otp_service.otp_verify(
            challenge_id=state.get("cid"), code=form.cleaned_data["code"], request=request
        )
        if result is otp_service.Result.OK:
            state["otp_ok"] = True
            state.pop("typed", None)
            _save(request, state)
            return redirect("accounts:register_data")
        if result is otp_service.Result.EXPIRED:
            state["typed"] = form.cleaned_data["code"]
            _save(request, state)
            return _render(
                request,
                "accounts/otp_expired.html",
                2,
                {
                    "resend_url": reverse("accounts:register_resend"),
                    "retry_url": reverse("accounts:register_code") + "?riprova=1",
                    "registration": True,
                },
            )
        form.add_error("code", otp_error_message(result, state.get("cid")))
    elif request.method == "GET" and request.GET.get("riprova") and state.get("typed"):
        form = OtpForm(initial={"code": state["typed"]})
    return _render(request, "accounts/register/step_code.html", 2, {"form": form})


@public_view
@require_POST
def register_resend(request):
    state = _state(request)
    if not state.get("msisdn"):
        return redirect("accounts:register")
    resend_code(request, state, msisdn=state["msisdn"], purpose="registration")
    _save(request, state)
    return redirect("accounts:register_code")


@public_view
def register_data(request):
    """Step 3: personal data and the Ente's codice fiscale."""
    state = _state(request)
    if not state.get("otp_ok"):
        return redirect("accounts:register_code" if state.get("msisdn") else "accounts:register")
    elig = mobile_eligibility(msisdn=state["msisdn"])
    initial = state.get("data") or {"entity_fiscal_code": state.get("entity", "")}
    form = PersonalDataForm(request.POST or None, initial=initial, eligibility=elig)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.fields}
        state["data"] = data
        state["replaces"] = None
        state["replace_ok"] = False
        existing = duplicate_registration(
            msisdn=state["msisdn"],
            fiscal_code=data["fiscal_code"],
            entity_fiscal_code=data["entity_fiscal_code"],
        )
        state["existing"] = existing.pk if existing else None
        _save(request, state)
        if existing is not None:
            return redirect("accounts:register_existing")
        return redirect("accounts:register_email")
    return _render(
        request,
        "accounts/register/step_data.html",
        3,
        {"form": form, "prefilled": bool(state.get("entity"))},
    )


@public_view
def register_existing(request):
    """Another registration exists with this number: recover it or cease it (PROSEGUI)."""
    state = _state(request)
    if not state.get("data") or not state.get("existing"):
        return redirect("accounts:register_data" if state.get("otp_ok") else "accounts:register")
    if request.method == "POST" and request.POST.get("choice") == "prosegui":
        state["replaces"] = state["existing"]
        state["replace_ok"] = True
        _save(request, state)
        return redirect("accounts:register_email")
    if request.method == "POST" and request.POST.get("choice") == "recupera":
        request.session.pop(REG_KEY, None)
        return redirect("accounts:recover")
    return _render(request, "accounts/register/existing.html", 3, {})


@public_view
def register_email(request):
    """Step 4: e-mail (SALVA), username proposed from it (MODIFICA), then AVANTI."""
    state = _state(request)
    if not state.get("data"):
        return redirect("accounts:register_data" if state.get("otp_ok") else "accounts:register")
    if state.get("existing") and not state.get("replace_ok"):
        return redirect("accounts:register_existing")
    if request.method == "GET" and request.GET.get("cambia"):
        state.pop("email", None)
        _save(request, state)
    editing = bool(request.GET.get("modifica") or request.POST.get("editing"))
    saved_email = state.get("email", "")
    action = request.POST.get("action")
    if request.method == "POST" and action == "save":
        form = EmailForm(
            {"email": request.POST.get("email", ""), "username": ""},
            replaces_id=state.get("replaces"),
        )
        if form.is_valid():
            state["email"] = form.cleaned_data["email"]
            _save(request, state)
            return redirect("accounts:register_email")
        saved_email = ""
        username_taken = "username" in form.errors and "email" not in form.errors
        if username_taken:
            # The e-mail is fine but taken as a username: keep it and ask for another.
            state["email"] = form.cleaned_data["email"]
            _save(request, state)
            saved_email, editing = state["email"], True
            form = EmailForm(
                {"email": saved_email, "username": saved_email},
                replaces_id=state.get("replaces"),
            )
            form.is_valid()
    elif request.method == "POST" and action == "next" and saved_email:
        username = request.POST.get("username", "").strip() or saved_email
        form = EmailForm(
            {"email": saved_email, "username": username}, replaces_id=state.get("replaces")
        )
        if form.is_valid():
            data = {
                **state["data"],
                "msisdn": state["msisdn"],
                "email": saved_email,
                "username": form.cleaned_data["username"],
            }
            registration = registration_start(
                request=request, data=data, replaces_id=state.get("replaces")
            )
            request.session.pop(REG_KEY, None)
            request.session["accounts_registration_sent"] = registration.email
            return redirect("accounts:register_sent")
        editing = True
    else:
        form = EmailForm(initial={"email": saved_email, "username": saved_email})
    return _render(
        request,
        "accounts/register/step_email.html",
        4,
        {"form": form, "saved_email": saved_email, "editing": editing},
    )


@public_view
def register_sent(request):
    email = request.session.get("accounts_registration_sent")
    if not email:
        return redirect("accounts:register")
    return _render(request, "accounts/register/sent.html", 4, {"email": email})


@public_view
def register_confirm(request, token):
    """The "CONFERMA EMAIL" link: a page whose button confirms (POST), then "Email confermata"
    with "CREA PASSWORD".

    Opening the link changes nothing: mail filters that open every link of a message to
    check it (common in public administrations) would otherwise spend it for the user, who
    would then find it "già utilizzato" and could not finish the registration."""
    if request.method == "POST":
        state, registration = registration_confirm(raw_token=token)
        if state is TokenState.OK:
            request.session.cycle_key()
            request.session[CONFIRMED_KEY] = registration.pk
        if state is TokenState.OK or (
            # the same button clicked twice: the first click confirmed, in this browser
            state is TokenState.USED
            and registration is not None
            and registration.state == Registration.State.CONFIRMED
            and request.session.get(CONFIRMED_KEY) == registration.pk
        ):
            return render(request, "accounts/register/confirmed.html", {})
    else:
        state, tok = token_lookup(raw=token, purpose="registration")
        if state is TokenState.OK and tok.registration.state != Registration.State.PENDING:
            state = TokenState.USED
        if state is TokenState.OK:
            return render(request, "accounts/email_confirm_ask.html", {"email": tok.email})
    return render(
        request,
        "accounts/register/link_invalid.html",
        {"state": state.value},
        status=404 if state is TokenState.INVALID else 410,
    )


@public_view
def register_password(request):
    """Step 5: password (rules on the page) and acceptance of the two documents."""
    from .validators import PASSWORD_RULES

    pk = request.session.get(CONFIRMED_KEY)
    registration = (
        Registration.objects.filter(pk=pk, state=Registration.State.CONFIRMED).first()
        if pk
        else None
    )
    if registration is None:
        return redirect("accounts:register")
    form = RegistrationPasswordForm(
        request.POST or None, username=registration.username, email=registration.email
    )
    if request.method == "POST" and form.is_valid():
        from django.contrib.auth import get_user_model

        taken = get_user_model().objects.filter(username__iexact=registration.username)
        if registration.replaces_id:
            taken = taken.exclude(pk=registration.replaces_id)
        if taken.exists():
            form.add_error(
                None,
                _(
                    "La username scelta è stata nel frattempo utilizzata da un'altra "
                    "registrazione: ripeti la registrazione scegliendone un'altra."
                ),
            )
        else:
            registration_complete(
                request=request, registration=registration, password=form.cleaned_data["password1"]
            )
            request.session.pop(CONFIRMED_KEY, None)
            request.session["accounts_registration_done"] = True
            return redirect("accounts:register_done")
    return _render(
        request,
        "accounts/register/step_password.html",
        5,
        {"form": form, "rules": PASSWORD_RULES, "registration": registration},
    )


@public_view
def register_done(request):
    if not request.session.pop("accounts_registration_done", False):
        return redirect("accounts:login")
    return render(request, "accounts/register/done.html", {})


@public_view
def legal_document(request, kind):
    """The downloadable "Termini e condizioni generali" and "Informativa della privacy"."""
    from django.http import Http404

    from portale.core.pdf import pdf_response, render_pdf

    docs = {
        "termini": ("accounts/pdf/terms.html", "termini-e-condizioni-generali.pdf"),
        "privacy": ("accounts/pdf/privacy.html", "informativa-privacy.pdf"),
    }
    if kind not in docs:
        raise Http404
    template, filename = docs[kind]
    pdf = render_pdf(template, {}, request=request)
    return pdf_response(pdf, filename)
