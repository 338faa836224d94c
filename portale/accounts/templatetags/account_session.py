"""``{% load account_session %}``: the idle-timeout warning of private pages (G-49) and the
length of a login lockout as configured (G-05)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
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


# Stand-ins for the two values of the warning that change with every request: the warning is
# rendered once per process (its text, timings and URLs are the same on every private page)
# and the request's CSRF token and path are put in their place.
_TOKEN, _NEXT = "portale0session0warning0token", "portale0session0warning0next"


@register.simple_tag(takes_context=True)
def session_warning(context) -> str:
    request = context.get("request")
    from portale.accounts.middleware import renew_seconds
    from portale.core import frame_cache

    timeout = int(settings.SESSION_COOKIE_AGE)
    # The server may end an idle session up to SESSION_RENEW_SECONDS before the full age
    # (it renews at most that often): the page counts down to that earlier bound.
    counted = max(1, timeout - renew_seconds())
    warning = min(int(getattr(settings, "ACCOUNTS_SESSION_WARNING_SECONDS", 120)), counted)
    html = frame_cache.get_or_render(
        "session_warning",
        (timeout, counted, warning),
        lambda: render_to_string(
            "accounts/_session_warning.html",
            {
                "csrf_token": _TOKEN,
                "timeout": counted,
                "warning": warning,
                "timeout_text": duration_text(timeout),
                # on every private page: reversed once per process (issue 17)
                "keepalive_url": first_url("accounts:keepalive"),
                "logout_url": first_url("accounts:logout"),
                "next": _NEXT,
            },
        ),
    )
    token = context.get("csrf_token")
    path = request.get_full_path() if request is not None else ""
    return mark_safe(  # noqa: S308 - both values escaped here
        html.replace(_TOKEN, escape(str(token) if token else "")).replace(_NEXT, escape(path))
    )
