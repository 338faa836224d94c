"""``{% load account_session %}``: the idle-timeout warning of private pages (G-49) and the
length of a login lockout as configured (G-05)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import ngettext

from portale.core.templatetags.portal import first_url

register = template.Library()


def duration_text(seconds: int) -> str:
    """ "15 minuti", "1 ora", "2 ore", "90 minuti": whole hours read as hours."""
    if seconds < 60:
        return ngettext("%(n)d secondo", "%(n)d secondi", seconds) % {"n": seconds}
    minutes = max(1, round(seconds / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d ora", "%(n)d ore", hours) % {"n": hours}
    return ngettext("%(n)d minuto", "%(n)d minuti", minutes) % {"n": minutes}


@register.simple_tag(takes_context=True)
def lockout_duration(context) -> dict:
    """How long this login stays locked: the real wait (from the account's failures) when the
    page knows the account, else the configured length (AXES_COOLOFF_TIME). ``text`` is
    "12 minuti", ``until`` the local time it ends ("" when unknown)."""
    from axes.helpers import get_cool_off
    from django.utils import timezone

    from ..selectors import lockout_ends_at

    username = context.get("lockout_username") or context.get("username") or ""
    ends = lockout_ends_at(username=username) if username else None
    if ends is not None and ends > timezone.now():
        seconds = int((ends - timezone.now()).total_seconds())
        return {"text": duration_text(seconds), "until": timezone.localtime(ends).strftime("%H:%M")}
    cool_off = get_cool_off()
    return {"text": duration_text(int(cool_off.total_seconds())) if cool_off else "", "until": ""}


@register.inclusion_tag("accounts/_session_warning.html", takes_context=True)
def session_warning(context):
    request = context.get("request")
    from portale.accounts.middleware import renew_seconds

    timeout = int(settings.SESSION_COOKIE_AGE)
    # The server may end an idle session up to SESSION_RENEW_SECONDS before the full age
    # (it renews at most that often): the page counts down to that earlier bound.
    counted = max(1, timeout - renew_seconds())
    warning = min(int(getattr(settings, "ACCOUNTS_SESSION_WARNING_SECONDS", 120)), counted)
    path = request.get_full_path() if request is not None else ""
    return {
        "csrf_token": context.get("csrf_token"),
        "timeout": counted,
        "warning": warning,
        "timeout_text": duration_text(timeout),
        # on every private page: reversed once per process (issue 17)
        "keepalive_url": first_url("accounts:keepalive"),
        "logout_url": first_url("accounts:logout"),
        "next": path,
    }
