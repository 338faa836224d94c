"""Login with SMS code, logout, personal data, e-mail confirmation (F-4, F-6)."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import logout as auth_logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portale.core.capabilities import capability_required, public_view

from . import otp as otp_service
from .audit import Kind, client_ip, security_event_log
from .forms import LoginForm, OtpForm
from .selectors import login_flood_from, user_may_log_in
from .services import (
    user_login_complete,
)

LOGIN_KEY = "accounts_login"

MSG_RATE_LIMITED = _(
    "Hai richiesto troppi codici temporanei in poco tempo. Attendi qualche minuto e riprova."
)
MSG_OTP_WRONG = _("Il codice temporaneo inserito non è corretto. Tentativi rimasti: {left}.")
MSG_OTP_EXHAUSTED = _(
    "Hai superato il numero massimo di tentativi per questo codice. Clicca su "
    '"Invia di nuovo" per ricevere un nuovo codice.'
)
MSG_OTP_MISSING = _('Il codice temporaneo non è più valido. Clicca su "Invia di nuovo".')
MSG_OTP_RESENT = _("Ti abbiamo inviato un nuovo codice: sostituisce quello ricevuto in precedenza.")


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def lockout_response(request, status=403, *, user=None):
    context = {"lockout_username": user.username if user is not None else ""}
    return render(request, "accounts/lockout.html", context, status=status)


def resend_code(request, state: dict, *, msisdn: str, purpose: str, user=None) -> None:
    """ "Invia di nuovo" (P-15): a new code replaces the previous one in the wizard's ``state``;
    the SMS throttle's refusal becomes a message. The caller saves ``state`` in its session."""
    try:
        challenge = otp_service.otp_issue(
            msisdn=msisdn, purpose=purpose, request=request, user=user
        )
    except otp_service.RateLimited:
        messages.error(request, MSG_RATE_LIMITED)
        return
    state["cid"] = challenge.pk
    state.pop("typed", None)
    messages.success(request, MSG_OTP_RESENT)


def otp_error_message(result, challenge_id=None, left=None) -> str:
    from .models import OtpChallenge

    if result is otp_service.Result.WRONG and left is not None:
        return MSG_OTP_WRONG.format(left=left)
    if result is otp_service.Result.WRONG:
        attempts = (
            OtpChallenge.objects.filter(pk=challenge_id).values_list("attempts", flat=True).first()
            if challenge_id
            else None
        )
        left = otp_service.MAX_ATTEMPTS - (attempts or 0)
        return MSG_OTP_WRONG.format(left=max(left, 0))
    if result is otp_service.Result.EXHAUSTED:
        return MSG_OTP_EXHAUSTED
    return MSG_OTP_MISSING


@public_view
def login(request):
    if request.user.is_authenticated:
        return redirect("home:index")
    throttled = request.method == "POST" and login_flood_from(ip=client_ip(request))
    if throttled:
        security_event_log(
            kind=Kind.LOGIN_THROTTLED,
            request=request,
            username=request.POST.get("username", ""),
            detail="troppi accessi non riusciti da questo indirizzo",
        )
    form = LoginForm(request.POST or None, request=request, throttled=throttled)
    nxt = _safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if request.method == "POST" and form.is_valid():
        user = form.user
        if not user_may_log_in(user=user):
            security_event_log(
                kind=Kind.LOGIN_FAILED,
                request=request,
                user=user,
                detail="numero non più attivo in Convenzione 8",
            )
            form.add_error(
                None,
                _(
                    "Il numero mobile della tua registrazione non risulta attivo in un "
                    "contratto in Convenzione Telefonia Mobile 8, quindi non puoi accedere. Se "
                    "la linea è ancora tua e attiva, chiama il Numero verde 800.680.068; se hai "
                    "un nuovo numero aziendale, fai una nuova registrazione con quel numero."
                ),
            )
        else:
            try:
                challenge = otp_service.otp_issue(
                    msisdn=user.mobile, purpose="login", request=request, user=user
                )
            except otp_service.RateLimited:
                form.add_error(None, MSG_RATE_LIMITED)
            else:
                request.session.cycle_key()
                request.session[LOGIN_KEY] = {"uid": user.pk, "cid": challenge.pk, "next": nxt}
                return redirect("accounts:login_otp")
    return render(
        request,
        "accounts/login.html",
        # "?scaduta=1": the idle-timeout script of the private pages ended the session (G-49).
        {"form": form, "next": nxt, "expired": bool(request.GET.get("scaduta"))},
    )


def _pending_login(request):
    state = request.session.get(LOGIN_KEY)
    if not state:
        return None, None
    user = get_user_model().objects.filter(pk=state["uid"]).first()
    return state, user


def _masked(msisdn: str) -> str:
    if not msisdn or msisdn.startswith("u"):
        return ""
    return f"{msisdn[:3]}•••{msisdn[-3:]}" if len(msisdn) > 6 else msisdn


def _otp_locked(user) -> bool:
    """Too many wrong codes for this account across codes (resends): treat as a lockout."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from .models import SecurityEvent

    limit = getattr(settings, "ACCOUNTS_OTP_FAILURES_LOCK", 10)
    minutes = getattr(settings, "ACCOUNTS_OTP_FAILURES_WINDOW_MINUTES", 30)
    since = timezone.now() - timedelta(minutes=minutes)
    return (
        SecurityEvent.objects.filter(
            user=user, kind=SecurityEvent.Kind.OTP_FAILED, created_at__gte=since
        ).count()
        >= limit
    )


@public_view
def login_otp(request):
    """Step 2 of the login: the code sent by SMS (F-4)."""
    state, user = _pending_login(request)
    if user is None:
        return redirect("accounts:login")
    if AxesProxyHandler.is_locked(request, credentials={"username": user.username}) or _otp_locked(
        user
    ):
        request.session.pop(LOGIN_KEY, None)
        security_event_log(kind=Kind.LOCKOUT, request=request, user=user, detail="passo OTP")
        return lockout_response(request, user=user)
    if not user_may_log_in(user=user):
        request.session.pop(LOGIN_KEY, None)
        return redirect("accounts:login")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = otp_service.otp_verify(
            challenge_id=state["cid"], code=form.cleaned_data["code"], request=request
        )
        if result is otp_service.Result.OK:
            request.session.pop(LOGIN_KEY, None)
            user_login_complete(request=request, user=user)
            return redirect(state.get("next") or "home:index")
        if result is otp_service.Result.EXPIRED:
            state["typed"] = form.cleaned_data["code"]
            request.session[LOGIN_KEY] = state
            return render(
                request,
                "accounts/otp_expired.html",
                {
                    "resend_url": reverse("accounts:login_otp_resend"),
                    "retry_url": reverse("accounts:login_otp") + "?riprova=1",
                },
            )
        form.add_error("code", otp_error_message(result, state["cid"]))
    elif request.method == "GET" and request.GET.get("riprova") and state.get("typed"):
        form = OtpForm(initial={"code": state["typed"]})
    return render(
        request,
        "accounts/login_otp.html",
        {"form": form, "masked": _masked(user.mobile), "by_email": not user.mobile},
    )


@public_view
@require_POST
def login_otp_resend(request):
    state, user = _pending_login(request)
    if user is None:
        return redirect("accounts:login")
    if AxesProxyHandler.is_locked(request, credentials={"username": user.username}):
        request.session.pop(LOGIN_KEY, None)
        return lockout_response(request, user=user)
    resend_code(request, state, msisdn=user.mobile, purpose="login", user=user)
    request.session[LOGIN_KEY] = state
    return redirect("accounts:login_otp")


@public_view
@require_POST
def logout(request):
    """ "Esci"; with ``reason=timeout`` the idle-timeout script ends the session (G-49) and the
    user lands on the login page with "Sessione scaduta per inattività"."""
    timeout = request.POST.get("reason") == "timeout"
    if request.user.is_authenticated:
        security_event_log(
            kind=Kind.SESSION_EXPIRED if timeout else Kind.LOGOUT,
            request=request,
            user=request.user,
        )
    auth_logout(request)
    if timeout:
        query = {"scaduta": 1}
        nxt = _safe_next(request, request.POST.get("next", ""))
        if nxt:
            query["next"] = nxt
        return redirect(f"{reverse('accounts:login')}?{urlencode(query)}")
    return redirect("public:index")


@capability_required("home")
@require_POST
def keepalive(request):
    """ "Resta collegato" in the session warning: the request itself renews the session."""
    request.session.modified = True
    return HttpResponse(status=204)


@public_view
def admin_login(request):
    """``/admin/login/``: the admin has no login of its own; staff log in like everyone else,
    with the password and the code, then come back to the admin (issue 15)."""
    nxt = _safe_next(request, request.GET.get("next") or "") or "/admin/"
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': nxt})}")
