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


# --- business events of the audit log (issue 15.7, G-49) ----------------------------------


def payload_hash(payload) -> str:
    """SHA-256 of a request's parameters, in a canonical JSON form (sorted keys)."""
    import hashlib
    import json

    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _profiles(request) -> str:
    portal = getattr(request, "portal", None)
    profiles = getattr(portal, "profiles", None) or ()
    return "+".join(sorted(str(p) for p in profiles)) or "-"


def audit_request_filed(*, request, case) -> SecurityEvent:
    """G-49: every dispositive request filed from the portal: who (user, profile), on which
    contract, from where (IP), when, and the hash of what was asked."""
    line = f" linea {case.line.msisdn}" if getattr(case, "line_id", None) else ""
    return security_event_log(
        kind=Kind.REQUEST_FILED,
        request=request,
        user=request.user,
        detail=(
            f"pratica {case.number} {case.operation} contratto {case.contract.code}{line} "
            f"profilo {_profiles(request)} payload sha256 {payload_hash(case.payload)}"
        ),
    )


def audit_backoffice_action(*, request, case, action: str, assignee_id: int | None) -> None:
    """A back-office action on a pratica, with the operator and the assignee it had: an
    operator other than the assignee is marked (only the first assignee is kept on the case)."""
    operator = request.user
    if assignee_id and assignee_id != operator.pk:
        other = " da un operatore diverso dall'assegnatario"
        assignee = f" assegnatario #{assignee_id}"
    else:
        other, assignee = "", ""
    security_event_log(
        kind=Kind.BACKOFFICE_ACTION,
        request=request,
        user=operator,
        detail=f"{action} pratica {case.number} contratto {case.contract.code}{assignee}{other}",
    )


def audit_contract_switch(*, request, contract_id: int) -> None:
    from portale.records import selectors as records

    contract = records.contract_by_pk(pk=contract_id)
    code = contract.code if contract else None
    security_event_log(
        kind=Kind.CONTRACT_SWITCH,
        request=request,
        user=request.user,
        detail=f"contratto {code or contract_id}",
    )


def audit_document_download(*, request, filename: str) -> None:
    security_event_log(
        kind=Kind.DOCUMENT_DOWNLOAD,
        request=request,
        user=request.user,
        detail=f"{filename[:120]} da {request.path_info[:150]}",
    )


def core_audit_sink(event: str, **data) -> None:
    """The audit log behind ``portale.core.audit.record`` (registered in ``apps.py``)."""
    if event == "contract_switch":
        audit_contract_switch(request=data["request"], contract_id=data["contract_id"])
