"""SMS one-time codes (P-15, E-05, G-07): 6 digits, 5 minutes, 5 attempts, hashed at rest."""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .audit import Kind, client_ip, security_event_log
from .models import OtpChallenge
from .notify import SMS_TEXTS, sms_send

OTP_VALIDITY = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def _setting(name: str, default):
    return getattr(settings, name, default)


class RateLimited(Exception):
    """Too many SMS for this number or this address: the user must wait."""


class Result(Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # 5 wrong attempts: the code no longer works
    MISSING = "missing"


def _hash(*, msisdn: str, code: str, nonce: str) -> str:
    value = f"{msisdn}:{code}:{nonce}"
    return salted_hmac("portale.accounts.otp", value, algorithm="sha256").hexdigest()


# Codes asked without a password (anonymous): the only ones the per-address limit counts.
ANONYMOUS_PURPOSES = ("registration", "recovery")


def _check_rate(*, msisdn: str, purpose: str, ip: str | None) -> None:
    """Each purpose has its own budget per number (registration codes never spend the login
    ones); the per-address limit only counts anonymous purposes (floods), with a limit
    sized for a shared NAT (``ACCOUNTS_OTP_PER_IP``).

    The budget per number counts the codes asked since the last one that was verified: a
    right code proves the phone's owner asked for them (the codes and resends of a completed
    login), so logging in again is never refused; someone with the password but not the
    phone verifies nothing and is still stopped after ``ACCOUNTS_OTP_PER_NUMBER`` codes."""
    now = timezone.now()
    per_number = _setting("ACCOUNTS_OTP_PER_NUMBER", 4)  # first code + 3 resends (G-07)
    window = timedelta(minutes=_setting("ACCOUNTS_OTP_NUMBER_WINDOW_MINUTES", 15))
    recent = OtpChallenge.objects.filter(
        msisdn=msisdn, purpose=purpose, created_at__gte=now - window
    )
    last_verified = (
        recent.filter(consumed_at__isnull=False)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last_verified is not None:
        recent = recent.filter(created_at__gt=last_verified)
    if recent.count() >= per_number:
        raise RateLimited
    if ip and purpose in ANONYMOUS_PURPOSES:
        per_ip = _setting("ACCOUNTS_OTP_PER_IP", 200)
        ip_window = timedelta(minutes=_setting("ACCOUNTS_OTP_IP_WINDOW_MINUTES", 60))
        recent = OtpChallenge.objects.filter(
            ip=ip, purpose__in=ANONYMOUS_PURPOSES, created_at__gte=now - ip_window
        )
        if recent.count() >= per_ip:
            raise RateLimited


def otp_issue(*, msisdn: str, purpose: str, request=None, user=None) -> OtpChallenge:
    """Send a new code by SMS, superseding every earlier code of this number and purpose.

    A staff user with no mobile number (back office) gets the code by e-mail.

    Raises ``RateLimited`` when the number or the client address asked too many codes.
    """
    ip = client_ip(request)
    if not msisdn and user is not None:
        msisdn = f"u{user.pk}"
    try:
        _check_rate(msisdn=msisdn, purpose=purpose, ip=ip)
    except RateLimited:
        security_event_log(
            kind=Kind.OTP_RATE_LIMITED, request=request, user=user, detail=f"numero {msisdn}"
        )
        raise
    return _otp_create(msisdn=msisdn, purpose=purpose, request=request, user=user, ip=ip)


@transaction.atomic
def _otp_create(*, msisdn, purpose, request, user, ip) -> OtpChallenge:
    OtpChallenge.objects.filter(
        msisdn=msisdn, purpose=purpose, consumed_at__isnull=True, superseded=False
    ).update(superseded=True)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    challenge = OtpChallenge(
        msisdn=msisdn,
        purpose=purpose,
        user=user,
        created_at=now,
        expires_at=now + OTP_VALIDITY,
        ip=ip,
    )
    nonce = secrets.token_hex(8)
    challenge.code_hash = f"{nonce}${_hash(msisdn=msisdn, code=code, nonce=nonce)}"
    challenge.save()
    text = SMS_TEXTS[purpose].format(code=code)
    if purpose == OtpChallenge.Purpose.REGISTRATION and not _may_register(msisdn):
        # Same answer and same budgets as an eligible number, but no SMS: the code stays
        # unknown, so the registration cannot go on (issue 15.4, no enumeration).
        security_event_log(
            kind=Kind.OTP_SENT,
            request=request,
            detail=f"{purpose} numero {msisdn} non in convenzione: SMS non inviato",
        )
        return challenge
    if msisdn.startswith("u") and user is not None:
        # Staff accounts of the back office have no line: their code goes by e-mail.
        from .notify import email_send_text

        email_send_text(to=user.email, subject="Codice temporaneo di accesso", text=text)
    else:
        sms_send(to=msisdn, text=text, kind="otp")
    security_event_log(
        kind=Kind.OTP_SENT, request=request, user=user, detail=f"{purpose} numero {msisdn}"
    )
    return challenge


def _may_register(msisdn: str) -> bool:
    from .selectors import mobile_eligibility

    return mobile_eligibility(msisdn=msisdn).eligible


@transaction.atomic
def otp_verify(*, challenge_id: int | None, code: str, request=None, username: str = "") -> Result:
    """Check a code typed by the user. A correct code is consumed (single use)."""
    if not challenge_id:
        # Recovery of an unknown account: behave as a wrong code (no enumeration).
        return Result.WRONG
    challenge = OtpChallenge.objects.select_for_update().filter(pk=challenge_id).first()
    if challenge is None or challenge.consumed_at or challenge.superseded:
        return Result.MISSING
    if challenge.attempts >= MAX_ATTEMPTS:
        return Result.EXHAUSTED
    if timezone.now() >= challenge.expires_at:
        return Result.EXPIRED
    nonce, _, digest = challenge.code_hash.partition("$")
    expected = _hash(msisdn=challenge.msisdn, code=(code or "").strip(), nonce=nonce)
    if constant_time_compare(expected, digest):
        challenge.consumed_at = timezone.now()
        challenge.save(update_fields=["consumed_at"])
        return Result.OK
    challenge.attempts += 1
    challenge.save(update_fields=["attempts"])
    security_event_log(
        kind=Kind.OTP_FAILED,
        request=request,
        user=challenge.user,
        username=username,
        detail=f"{challenge.purpose} tentativo {challenge.attempts} di {MAX_ATTEMPTS}",
    )
    return Result.EXHAUSTED if challenge.attempts >= MAX_ATTEMPTS else Result.WRONG
