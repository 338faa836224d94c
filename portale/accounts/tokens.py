"""E-mail links ("CONFERMA EMAIL", password reset): random tokens, stored hashed (P-16)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import Enum

from django.db import transaction
from django.utils import timezone

from .models import EmailToken

LINK_VALIDITY = timedelta(hours=48)


class TokenState(Enum):
    OK = "ok"
    USED = "used"
    EXPIRED = "expired"
    INVALID = "invalid"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, purpose: str, email: str, user=None, registration=None) -> str:
    """Make a link token; earlier unused tokens of the same purpose and owner stop working."""
    owner = {"user": user} if user is not None else {"registration": registration}
    EmailToken.objects.filter(purpose=purpose, used_at__isnull=True, **owner).update(
        expires_at=timezone.now()
    )
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    EmailToken.objects.create(
        purpose=purpose,
        token_hash=_digest(raw),
        email=email,
        created_at=now,
        expires_at=now + LINK_VALIDITY,
        **owner,
    )
    return raw


def token_lookup(*, raw: str, purpose: str) -> tuple[TokenState, EmailToken | None]:
    token = EmailToken.objects.filter(token_hash=_digest(raw or ""), purpose=purpose).first()
    if token is None:
        return TokenState.INVALID, None
    if token.used_at:
        return TokenState.USED, token
    if timezone.now() >= token.expires_at:
        return TokenState.EXPIRED, token
    return TokenState.OK, token


@transaction.atomic
def token_consume(*, raw: str, purpose: str) -> tuple[TokenState, EmailToken | None]:
    state, token = token_lookup(raw=raw, purpose=purpose)
    if state is TokenState.OK:
        token = EmailToken.objects.select_for_update().get(pk=token.pk)
        if token.used_at:
            return TokenState.USED, token
        token.used_at = timezone.now()
        token.save(update_fields=["used_at"])
    return state, token
