"""Test helpers for the hand-off (``core/handoff.py``)."""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone

from portale.core.handoff import SESSION_KEY, Grant


def grant(client, user, *, profile: str, contract=None, line=None, system: str = "ebill") -> Grant:
    """Put a hand-off grant in the client's session, as a consumed token would (the client
    must be logged in as ``user`` first)."""
    given = Grant(
        system=system,
        user_id=user.pk,
        profile=str(profile),
        contract_id=contract.pk if contract is not None else None,
        line_id=line.pk if line is not None else None,
        granted_at=timezone.now().isoformat(),
    )
    session = client.session
    grants = dict(session.get(SESSION_KEY) or {})
    grants[system] = asdict(given)
    session[SESSION_KEY] = grants
    session.save()
    return given
