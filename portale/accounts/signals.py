"""Audit hooks: failed password checks (any login form, admin included) and lockouts."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .audit import Kind, security_event_log

AUTH_AT_KEY = "accounts_auth_at"  # when the session was opened: its absolute lifetime


@receiver(user_logged_in, dispatch_uid="accounts_session_auth_at")
def _session_opened(sender, request=None, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_AT_KEY] = int(time.time())


@receiver(user_login_failed, dispatch_uid="accounts_login_failed_audit")
def _login_failed(sender, credentials, request=None, **kwargs):
    security_event_log(
        kind=Kind.LOGIN_FAILED, request=request, username=credentials.get("username", "")
    )


@receiver(user_locked_out, dispatch_uid="accounts_lockout_audit")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    security_event_log(
        kind=Kind.LOCKOUT, request=request, username=username or "", detail=f"ip {ip_address}"
    )
