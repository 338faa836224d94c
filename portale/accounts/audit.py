"""The security audit log (SecurityEvent) and the client address used by it."""

from __future__ import annotations

from .models import SecurityEvent

Kind = SecurityEvent.Kind


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Same source as django-axes (AXES_IPWARE_META_PRECEDENCE_ORDER = REMOTE_ADDR).
    return request.META.get("REMOTE_ADDR") or None


def security_event_log(
    *, kind: str, request=None, user=None, username: str = "", detail: str = ""
) -> SecurityEvent:
    if user is not None and not getattr(user, "pk", None):
        user = None
    if not username and user is not None:
        username = user.username
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or "")[:150],
        ip=client_ip(request),
        detail=detail[:300],
    )
