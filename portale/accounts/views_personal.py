"""Personal data (F-6): name, surname, personal CF, e-mail and password.

Changing the e-mail or the password needs a fresh SMS code sent to the registered number
(G-49): the typed values wait in the session (the new password only as its hash) until the
code is checked, then the change is applied. The codes are the login ones (P-15, G-07):
hashed, 5 minutes, 5 attempts, the same rate limits.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.hashers import make_password
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portale.core.capabilities import capability_required, public_view

from . import otp as otp_service
from .audit import Kind, security_event_log
from .forms import EmailChangeForm, OtpForm, PasswordChangeForm, ProfileForm
from .selectors import mobile_eligibility
from .services import (
    user_email_change_apply,
    user_email_change_request,
    user_password_set,
    user_personal_data_update,
)
from .tokens import TokenState, token_consume, token_lookup
from .views import (
    MSG_RATE_LIMITED,
    _masked,
    _otp_locked,
    otp_error_message,
    resend_code,
)

REAUTH_KEY = "accounts_reauth"

MSG_REAUTH_LOCKED = _(
    "Sono stati inseriti troppi codici temporanei errati: per la tua sicurezza la modifica è "
    "stata annullata. Riprova più tardi."
)
MSG_EMAIL_SENT = _(
    "Ti abbiamo inviato un'email all'indirizzo %(email)s: clicca sul link CONFERMA EMAIL entro "
    "48 ore per rendere effettiva la modifica."
)


def _password_mark(user) -> str:
    """A keyed digest of the current hash: the change applies only if nobody changed it since."""
    return salted_hmac("portale.accounts.reauth", user.password or "").hexdigest()


def _reauth_start(request, *, form, state: dict):
    """Send the code and park the change; on a rate limit the form shows why (and keeps values)."""
    user = request.user
    if _otp_locked(user):
        form.add_error(None, MSG_REAUTH_LOCKED)
        return None
    try:
        challenge = otp_service.otp_issue(
            msisdn=user.mobile, purpose="reauth", request=request, user=user
        )
    except otp_service.RateLimited:
        form.add_error(None, MSG_RATE_LIMITED)
        return None
    request.session[REAUTH_KEY] = {**state, "cid": challenge.pk}
    return redirect("accounts:personal_data_verify")


def email_change_start(request, *, form, back: str):
    """Another page's "MODIFICA EMAIL" (TIM TUO "La mia fattura"): the same SMS code first
    (G-49), then the 48-hour link; ``back`` (a URL name) is where the user returns. None
    when the code cannot be sent (the form says why)."""
    state = {"action": "email", "email": form.cleaned_data["new_email"], "back": back}
    return _reauth_start(request, form=form, state=state)


@capability_required("personal_data")
def personal_data(request):
    user = request.user
    line = request.portal.line
    timtuo_active = bool(line and line.dual_billing_enabled)
    pending = request.session.get(REAUTH_KEY) or {}
    profile_initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "fiscal_code": user.fiscal_code,
    }
    which = request.POST.get("form") if request.method == "POST" else None
    profile_form = ProfileForm(
        request.POST if which == "profile" else None,
        initial=profile_initial,
        user=user,
        timtuo_active=timtuo_active,
        prefix="profile",
    )
    email_form = EmailChangeForm(
        request.POST if which == "email" else None,
        # Back from the code step ("ANNULLA"): the address typed is still there.
        initial={"new_email": pending.get("email", "")},
        user=user,
        prefix="email",
    )
    password_form = PasswordChangeForm(
        request.POST if which == "password" else None, user=user, prefix="password"
    )
    if which == "profile" and profile_form.is_valid():
        d = profile_form.cleaned_data
        user_personal_data_update(
            request=request,
            user=user,
            first_name=d["first_name"],
            last_name=d["last_name"],
            fiscal_code=d["fiscal_code"],
        )
        messages.success(request, _("I tuoi dati personali sono stati salvati."))
        return redirect("accounts:personal_data")
    if which == "email" and email_form.is_valid():
        state = {"action": "email", "email": email_form.cleaned_data["new_email"]}
        response = _reauth_start(request, form=email_form, state=state)
        if response:
            return response
    if which == "password" and password_form.is_valid():
        state = {
            "action": "password",
            "password": make_password(password_form.cleaned_data["password1"]),
            "mark": _password_mark(user),
        }
        response = _reauth_start(request, form=password_form, state=state)
        if response:
            return response
    admin = mobile_eligibility(msisdn=user.mobile).administration_for(user.entity_fiscal_code)
    return render(
        request,
        "accounts/personal_data.html",
        {
            "profile_form": profile_form,
            "email_form": email_form,
            "password_form": password_form,
            "timtuo_active": timtuo_active,
            "administration": admin,
            "open_section": which,
        },
    )


# Pages that may start an e-mail change and get the user back (never a URL from the client).
BACK_PAGES = {"accounts:personal_data", "dualbilling:invoices"}


def _back(state: dict) -> str:
    back = state.get("back", "")
    return back if back in BACK_PAGES else "accounts:personal_data"


def _reauth_apply(request, state: dict):
    user = request.user
    if state["action"] == "email":
        # Checked again: the address may have become the current one in the meantime.
        form = EmailChangeForm({"new_email": state["email"]}, user=user)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["new_email"]))
            return redirect("accounts:personal_data")
        email = form.cleaned_data["new_email"]
        user_email_change_request(request=request, user=user, new_email=email)
        messages.success(request, MSG_EMAIL_SENT % {"email": email})
        return redirect(_back(state))
    if not constant_time_compare(state.get("mark", ""), _password_mark(user)):
        messages.error(
            request, _("La password è stata modificata nel frattempo: ripeti la modifica.")
        )
        return redirect("accounts:personal_data")
    user_password_set(user=user, encoded=state["password"], request=request)
    # Keep this session open; every other session of the user ends with the new hash.
    update_session_auth_hash(request, user)
    messages.success(request, _("La password è stata modificata."))
    return redirect("accounts:personal_data")


@capability_required("personal_data")
def personal_data_verify(request):
    """The SMS code that confirms a change of e-mail or password (G-49)."""
    user = request.user
    state = request.session.get(REAUTH_KEY)
    if not state or not state.get("cid"):
        return redirect("accounts:personal_data")
    if _otp_locked(user):
        request.session.pop(REAUTH_KEY, None)
        security_event_log(
            kind=Kind.LOCKOUT, request=request, user=user, detail="conferma modifica dati"
        )
        messages.error(request, MSG_REAUTH_LOCKED)
        return redirect("accounts:personal_data")
    form = OtpForm(request.POST or None)
    expired = False
    if request.method == "POST" and form.is_valid():
        result = otp_service.otp_verify(
            challenge_id=state["cid"], code=form.cleaned_data["code"], request=request
        )
        if result is otp_service.Result.OK:
            request.session.pop(REAUTH_KEY, None)
            security_event_log(
                kind=Kind.REAUTH_OK, request=request, user=user, detail=state["action"]
            )
            return _reauth_apply(request, state)
        if result is otp_service.Result.EXPIRED:
            state["typed"] = form.cleaned_data["code"]
            request.session[REAUTH_KEY] = state
            expired = True
        else:
            form.add_error("code", otp_error_message(result, state["cid"]))
    elif request.method == "GET" and request.GET.get("riprova") and state.get("typed"):
        form = OtpForm(initial={"code": state["typed"]})
    return render(
        request,
        "accounts/personal_data_verify.html",
        {
            "form": form,
            "expired": expired,
            "action": state["action"],
            "new_email": state.get("email", ""),
            "masked": _masked(user.mobile),
            "by_email": not user.mobile,
            "retry_url": reverse("accounts:personal_data_verify") + "?riprova=1",
            "back_url": reverse(_back(state)),
        },
    )


@capability_required("personal_data")
@require_POST
def personal_data_resend(request):
    user = request.user
    state = request.session.get(REAUTH_KEY)
    if not state:
        return redirect("accounts:personal_data")
    resend_code(request, state, msisdn=user.mobile, purpose="reauth", user=user)
    request.session[REAUTH_KEY] = state
    return redirect("accounts:personal_data_verify")


@public_view
def email_confirm(request, token):
    """The "CONFERMA EMAIL" link of an e-mail change: valid 48 hours, once (F-6). Opening it
    shows a button that confirms (POST): a mail filter that opens the link to check it
    changes nothing (see ``register_confirm``)."""
    if request.method == "POST":
        state, tok = token_consume(raw=token, purpose="email_change")
        if state is TokenState.OK:
            user_email_change_apply(request=request, token=tok)
        elif state is TokenState.USED and tok.user.email.lower() == tok.email.lower():
            state = TokenState.OK  # the button clicked twice: the address is the new one
    else:
        state, tok = token_lookup(raw=token, purpose="email_change")
        if state is TokenState.OK:
            return render(request, "accounts/email_confirm_ask.html", {"email": tok.email})
    return render(
        request,
        "accounts/email_change_result.html",
        {"state": state.value},
        status=200 if state is TokenState.OK else 410 if state is not TokenState.INVALID else 404,
    )
