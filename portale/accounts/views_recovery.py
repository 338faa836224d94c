"""Credential recovery, "Recupera username e password" (F-4, G-06).

Every answer is the same whether or not the data match an account: nothing tells a
visitor that a registration exists (no enumeration).
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portale.core.capabilities import public_view

from . import otp as otp_service
from .forms import OtpForm, PasswordResetForm, RecoveryDataForm, RecoveryModeForm
from .selectors import find_user_for_recovery
from .services import (
    recovery_reset_link_send,
    recovery_username_send,
    user_password_set,
)
from .tokens import TokenState, token_consume, token_lookup
from .validators import PASSWORD_RULES
from .views import MSG_OTP_RESENT, otp_error_message

REC_KEY = "accounts_recovery"
MSG_TOO_MANY = _(
    "Hai effettuato troppe richieste di recupero in poco tempo. Attendi qualche minuto e riprova."
)


def _recovery_allowed(request, user) -> bool:
    """Throttle recovery requests per address (whatever the account) and per account.

    The per-address limit answers the same for known and unknown data; the per-account
    limit silently stops sending, so neither tells whether an account exists.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from .audit import client_ip
    from .models import SecurityEvent

    key = f"accounts:recovery:ip:{client_ip(request)}"
    limit = getattr(settings, "ACCOUNTS_RECOVERY_PER_IP", 10)
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > limit:
        return False
    if user is not None:
        since = timezone.now() - timedelta(minutes=15)
        recent = SecurityEvent.objects.filter(
            user=user, kind=SecurityEvent.Kind.RECOVERY, created_at__gte=since
        ).count()
        if recent >= getattr(settings, "ACCOUNTS_RECOVERY_PER_ACCOUNT", 3):
            request.accounts_recovery_silenced = True
    return True


MODES = dict(RecoveryModeForm.MODES)


@public_view
def recover(request):
    form = RecoveryModeForm(request.POST or None, initial={"mode": request.GET.get("mode")})
    if request.method == "POST" and form.is_valid():
        return redirect("accounts:recover_data", mode=form.cleaned_data["mode"])
    return render(request, "accounts/recover/mode.html", {"form": form})


@public_view
def recover_data(request, mode):
    if mode not in MODES:
        raise Http404
    form = RecoveryDataForm(request.POST or None, mode=mode)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = find_user_for_recovery(
            mode=mode,
            username=d.get("username", ""),
            msisdn=d["msisdn"],
            fiscal_code=d.get("fiscal_code", ""),
        )
        if not _recovery_allowed(request, user):
            form.add_error(None, MSG_TOO_MANY)
            return render(
                request,
                "accounts/recover/data.html",
                {"form": form, "mode": mode, "mode_label": MODES[mode]},
            )
        if getattr(request, "accounts_recovery_silenced", False):
            user = None
        if mode == "username":
            if user is not None:
                recovery_username_send(request=request, user=user)
            return render(request, "accounts/recover/done.html", {"mode": mode})
        challenge = None
        if user is not None:
            try:
                challenge = otp_service.otp_issue(
                    msisdn=user.mobile, purpose="recovery", request=request, user=user
                )
            except otp_service.RateLimited:
                challenge = None
        request.session[REC_KEY] = {
            "mode": mode,
            "uid": user.pk if user else None,
            "cid": challenge.pk if challenge else None,
            "msisdn": d["msisdn"],
            "tries": 0,
        }
        return redirect("accounts:recover_code")
    return render(
        request,
        "accounts/recover/data.html",
        {"form": form, "mode": mode, "mode_label": MODES[mode]},
    )


@public_view
def recover_code(request):
    state = request.session.get(REC_KEY)
    if not state:
        return redirect("accounts:recover")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        state["tries"] = state.get("tries", 0) + 1
        request.session[REC_KEY] = state
        result = otp_service.otp_verify(
            challenge_id=state.get("cid"), code=form.cleaned_data["code"], request=request
        )
        if not state.get("cid") and state["tries"] >= otp_service.MAX_ATTEMPTS:
            result = otp_service.Result.EXHAUSTED
        if result is otp_service.Result.OK:
            user = get_user_model().objects.get(pk=state["uid"])
            recovery_reset_link_send(
                request=request, user=user, with_username=state["mode"] == "both"
            )
            request.session.pop(REC_KEY, None)
            return render(
                request, "accounts/recover/done.html", {"mode": state["mode"], "link_sent": True}
            )
        if result is otp_service.Result.EXPIRED:
            form.add_error(
                "code",
                _(
                    'Il codice temporaneo è scaduto. Clicca su "Invia di nuovo" per riceverne uno nuovo.'
                ),
            )
        elif state.get("cid"):
            form.add_error("code", otp_error_message(result, state["cid"]))
        else:
            left = max(otp_service.MAX_ATTEMPTS - state["tries"], 0)
            result = otp_service.Result.EXHAUSTED if left == 0 else otp_service.Result.WRONG
            form.add_error("code", otp_error_message(result, left=left))
    return render(request, "accounts/recover/code.html", {"form": form, "msisdn": state["msisdn"]})


@public_view
@require_POST
def recover_resend(request):
    state = request.session.get(REC_KEY)
    if not state:
        return redirect("accounts:recover")
    user = (
        get_user_model().objects.filter(pk=state.get("uid")).first() if state.get("uid") else None
    )
    if user is not None:
        try:
            challenge = otp_service.otp_issue(
                msisdn=user.mobile, purpose="recovery", request=request, user=user
            )
            state["cid"] = challenge.pk
        except otp_service.RateLimited:
            pass
    state["tries"] = 0
    request.session[REC_KEY] = state
    messages.success(request, MSG_OTP_RESENT)
    return redirect("accounts:recover_code")


@public_view
def password_reset(request, token):
    """The reset link of the recovery e-mail (48 h, single use)."""
    state, tok = token_lookup(raw=token, purpose="password_reset")
    if state is not TokenState.OK:
        return render(
            request,
            "accounts/recover/link_invalid.html",
            {"state": state.value},
            status=404 if state is TokenState.INVALID else 410,
        )
    user = tok.user
    form = PasswordResetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        state, tok = token_consume(raw=token, purpose="password_reset")
        if state is TokenState.OK:
            user_password_set(user=user, password=form.cleaned_data["password1"], request=request)
            from axes.handlers.proxy import AxesProxyHandler

            AxesProxyHandler.reset_attempts(username=user.username)
            return render(request, "accounts/recover/reset_done.html", {})
        return redirect("accounts:password_reset", token=token)
    return render(request, "accounts/recover/reset.html", {"form": form, "rules": PASSWORD_RULES})
