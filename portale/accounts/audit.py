"""The security audit log (SecurityEvent) and the client address used by it."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

from .models import SecurityEvent

Kind = SecurityEvent.Kind


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_ip(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or, when that is one of ``TRUSTED_PROXIES``
    (addresses or networks), the right-most address of ``X-Forwarded-For`` that is not a
    trusted proxy. Only trusted proxies' headers count, so a client cannot forge its address.
    django-axes reads the address from here too (``AXES_CLIENT_IP_CALLABLE``)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not remote or not networks or not _trusted(remote, networks):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return remote


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
