"""Account writes: login, registration, credential recovery, personal data (F-3, F-4, F-6).

Services are keyword-only and atomic; notifications are stored in the outbox in the same
transaction and delivered on commit (``portale.core.notifications``).
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import selectors
from .audit import Kind, security_event_log
from .backends import SECOND_FACTOR_BACKEND
from .models import PasswordHistory, Registration, WidgetPreference
from .notify import SMS_USERNAME, email_send, sms_send
from .tokens import TokenState, token_consume, token_create

TERMS_VERSION = "2021.1"


def _absolute(request, path: str) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


# --- login -------------------------------------------------------------------------------


def user_login_complete(*, request, user) -> None:
    """Open the session once every login step passed (password, then the SMS code).

    ``login`` rotates the session key, so a session fixed before login is worthless; the
    session records ``SecondFactorBackend``, the only mark a session is accepted with. The
    previous successful login is kept for the home's "ultimo accesso" (G-57).
    """
    user.previous_login = user.last_login
    user.save(update_fields=["previous_login"])
    login(request, user, backend=SECOND_FACTOR_BACKEND)
    security_event_log(
        kind=Kind.LOGIN_OK, request=request, user=user, detail="staff" if user.is_staff else ""
    )


# --- passwords ---------------------------------------------------------------------------


def user_password_set(
    *, user, password: str = "", encoded: str = "", request=None, log: bool = True
) -> None:
    """Set a new password, given in clear or already hashed (``encoded``: the change of
    "Dati personali" keeps only the hash in the session while the SMS code is checked)."""
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    if encoded:
        user.password = encoded
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    for old in user.password_history.all()[5:]:
        old.delete()
    if log:
        security_event_log(kind=Kind.PASSWORD_CHANGED, request=request, user=user)


# --- registration (F-3) ------------------------------------------------------------------


def registration_confirmation_send(*, request, registration: Registration) -> None:
    raw = token_create(purpose="registration", email=registration.email, registration=registration)
    link = _absolute(request, reverse("accounts:register_confirm", args=[raw]))
    email_send(
        to=registration.email,
        subject="Conferma il tuo indirizzo email - Area Clienti Convenzione Mobile 8",
        template="registration_confirm",
        context={"registration": registration, "link": link},
        kind="registration_confirm",
        secret=True,
    )


@transaction.atomic
def registration_start(*, request, data: dict, replaces_id: int | None) -> Registration:
    """Steps 1-4 are done: keep the data and send the "CONFERMA EMAIL" link."""
    registration = Registration.objects.create(
        msisdn=data["msisdn"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        fiscal_code=data["fiscal_code"],
        entity_fiscal_code=data["entity_fiscal_code"],
        email=data["email"],
        username=data["username"],
        replaces_id=replaces_id,
    )
    registration_confirmation_send(request=request, registration=registration)
    return registration


def _sessions_end(*, user) -> None:
    """Invalidate every open session of a user (G-51), through the session engine so a
    cached copy (``cached_db`` with ``REDIS_URL``) goes too."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in selectors.session_keys_of_user(user=user):
        store(session_key=key).delete()


@transaction.atomic
def user_cease(*, user, request=None, reason: str = "") -> None:
    """End a registration: the account can no longer log in (PROSEGUI, G-51)."""
    user.status = user.Status.CEASED
    user.is_active = False
    user.ceased_at = timezone.now()
    user.set_unusable_password()
    user.save(update_fields=["status", "is_active", "ceased_at", "password"])
    _sessions_end(user=user)
    security_event_log(kind=Kind.REGISTRATION_CEASED, request=request, user=user, detail=reason)
    if user.email:
        email_send(
            to=user.email,
            subject="Registrazione cessata - Area Clienti Convenzione Mobile 8",
            template="registration_ceased",
            context={"user": user},
            kind="registration_ceased",
        )


@transaction.atomic
def registration_confirm(*, raw_token: str) -> tuple[TokenState, Registration | None]:
    """The "CONFERMA EMAIL" of a registration: the token is spent and the registration, still
    pending, becomes confirmed (its password comes next). A registration already past that
    step spends nothing and reads as a used link. The registration is returned whenever the
    token names one, so that a second click of the same button can be told apart."""
    state, token = token_consume(raw=raw_token, purpose="registration")
    registration = token.registration if token is not None else None
    if state is not TokenState.OK:
        return state, registration
    if registration.state != Registration.State.PENDING:
        return TokenState.USED, registration
    registration.state = Registration.State.CONFIRMED
    registration.save(update_fields=["state"])
    return TokenState.OK, registration


@transaction.atomic
def registration_complete(*, request, registration: Registration, password: str):
    """Step 5: create the account, cease the one it replaces, send the summary e-mail."""
    from .selectors import mobile_eligibility

    User = get_user_model()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.state == Registration.State.COMPLETED:
        return registration.user
    now = timezone.now()
    old = None
    if registration.replaces_id:
        old = User.objects.filter(pk=registration.replaces_id, status="active").first()
    if old is not None:
        # The username may be the old one's (e-mail): free it before creating the new one.
        if old.username.lower() == registration.username.lower():
            old.username = f"{old.username}~cessato{old.pk}"[:150]
            old.save(update_fields=["username"])
        user_cease(user=old, request=request, reason="sostituita da una nuova registrazione")
    user = User(
        username=registration.username,
        email=registration.email,
        first_name=registration.first_name,
        last_name=registration.last_name,
        fiscal_code=registration.fiscal_code,
        entity_fiscal_code=registration.entity_fiscal_code,
        mobile=registration.msisdn,
        origin=User.Origin.CONV8,
        terms_accepted_at=now,
        privacy_accepted_at=now,
        terms_version=TERMS_VERSION,
    )
    user.set_password(password)
    user.save()
    if old is not None:
        for pref in WidgetPreference.objects.filter(user=old):
            WidgetPreference.objects.create(user=user, code=pref.code, position=pref.position)
    registration.state = Registration.State.COMPLETED
    registration.user = user
    registration.save(update_fields=["state", "user"])
    admin = mobile_eligibility(msisdn=user.mobile).administration_for(user.entity_fiscal_code)
    email_send(
        to=user.email,
        subject="Registrazione completata - Area Clienti Convenzione Mobile 8",
        template="registration_summary",
        context={
            "user": user,
            "administration_name": admin.name if admin else "",
            "login_url": _absolute(request, reverse("accounts:login")),
        },
        kind="registration_summary",
    )
    security_event_log(kind=Kind.REGISTRATION, request=request, user=user)
    return user


# --- credential recovery (F-4, G-06) -----------------------------------------------------


def recovery_username_send(*, request, user) -> None:
    """Mode 1: the username by e-mail and by SMS."""
    sms_send(to=user.mobile, text=SMS_USERNAME.format(username=user.username), kind="recovery")
    email_send(
        to=user.email,
        subject="Recupero username - Area Clienti Convenzione Mobile 8",
        template="recovery_username",
        context={"user": user, "login_url": _absolute(request, reverse("accounts:login"))},
        kind="recovery",
        secret=True,
    )
    security_event_log(kind=Kind.RECOVERY, request=request, user=user, detail="username")


def recovery_reset_link_send(*, request, user, with_username: bool) -> None:
    """Modes 2 and 3, after the SMS code: a password-reset link (48 h) by e-mail."""
    raw = token_create(purpose="password_reset", email=user.email, user=user)
    link = _absolute(request, reverse("accounts:password_reset", args=[raw]))
    email_send(
        to=user.email,
        subject="Recupero password - Area Clienti Convenzione Mobile 8",
        template="recovery_password",
        context={"user": user, "link": link, "with_username": with_username},
        kind="recovery",
        secret=True,
    )
    security_event_log(kind=Kind.RECOVERY, request=request, user=user, detail="link password")


# --- personal data (F-6) -----------------------------------------------------------------


@transaction.atomic
def user_personal_data_update(*, request, user, first_name: str, last_name: str, fiscal_code: str):
    changed = [
        name
        for name, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("fiscal_code", fiscal_code),
        )
        if getattr(user, name) != value
    ]
    user.first_name, user.last_name, user.fiscal_code = first_name, last_name, fiscal_code
    user.save(update_fields=["first_name", "last_name", "fiscal_code"])
    if changed:
        security_event_log(
            kind=Kind.PERSONAL_DATA, request=request, user=user, detail=", ".join(changed)
        )


@transaction.atomic
def user_email_change_request(*, request, user, new_email: str) -> None:
    """Send the 48-hour "CONFERMA EMAIL" link to the new address (F-6)."""
    from .selectors import mobile_eligibility

    raw = token_create(purpose="email_change", email=new_email, user=user)
    admin = mobile_eligibility(msisdn=user.mobile).administration_for(user.entity_fiscal_code)
    email_send(
        to=new_email,
        subject="Conferma la modifica del tuo indirizzo email - Area Clienti Convenzione Mobile 8",
        template="email_change",
        context={
            "user": user,
            "administration_name": admin.name if admin else "",
            "link": _absolute(request, reverse("accounts:email_confirm", args=[raw])),
        },
        kind="email_change",
        secret=True,
    )
    security_event_log(
        kind=Kind.EMAIL_CHANGE_REQUESTED, request=request, user=user, detail=new_email
    )


def _email_masked(email: str) -> str:
    """ "nu•••@comune.example.it": enough to recognise the address, not to harvest it."""
    local, _, domain = email.partition("@")
    return f"{local[:2]}•••@{domain}" if domain else email


@transaction.atomic
def user_email_change_apply(*, request, token) -> None:
    """The "CONFERMA EMAIL" link was clicked: switch the address and tell the old one
    (G-08, G-51), so a change the user did not make does not go unnoticed."""
    user = token.user
    old = user.email
    user.email = token.email
    user.save(update_fields=["email"])
    security_event_log(
        kind=Kind.EMAIL_CHANGED, request=request, user=user, detail=f"da {old} a {token.email}"
    )
    if old and old.lower() != token.email.lower():
        email_send(
            to=old,
            subject="La tua email è stata modificata - Area Clienti Convenzione Mobile 8",
            template="email_changed_notice",
            context={"user": user, "new_email_masked": _email_masked(token.email)},
            kind="email_changed_notice",
        )
        security_event_log(
            kind=Kind.EMAIL_CHANGE_NOTICE,
            request=request,
            user=user,
            detail=f"avviso inviato al vecchio indirizzo {old}",
        )


# --- housekeeping ------------------------------------------------------------------------


def security_records_purge(*, now=None) -> dict[str, int]:
    """Delete what no longer serves: codes older than a day (the rate limits look back at
    most an hour), links expired more than 7 days ago, registrations never completed within
    7 days, password history beyond the last 5. The audit log (SecurityEvent) is kept
    for ``ACCOUNTS_AUDIT_RETENTION_DAYS`` (default 365)."""
    from datetime import timedelta

    from django.conf import settings

    from .models import EmailToken, OtpChallenge, SecurityEvent

    now = now or timezone.now()
    retention = getattr(settings, "ACCOUNTS_AUDIT_RETENTION_DAYS", 365)
    return {
        "otp": OtpChallenge.objects.filter(created_at__lt=now - timedelta(days=1)).delete()[0],
        "tokens": EmailToken.objects.filter(expires_at__lt=now - timedelta(days=7)).delete()[0],
        "registrations": Registration.objects.exclude(state=Registration.State.COMPLETED)
        .filter(created_at__lt=now - timedelta(days=7))
        .delete()[0],
        "audit": SecurityEvent.objects.filter(
            created_at__lt=now - timedelta(days=retention)
        ).delete()[0],
    }
