"""Account reads: which mobile numbers may register or log in, and for which Ente."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from portale.records import selectors as records
from portale.records.models import Administration, Line

from .models import UserSession


@dataclass
class MobileEligibility:
    """What the records say about a mobile number (F-3 step 1, F-4 rules).

    A number may register when it is an ACTIVE line of a Convenzione 8 contract, or when it
    is declared as a referent's number in the contract forms (a referent's mobile need not
    be a line of the contract: the guide's "attiva (o dichiarata nella modulistica
    contrattuale)").
    """

    msisdn: str
    line: Line | None = None
    administrations: list[Administration] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return bool(self.administrations)

    @property
    def entity_fiscal_codes(self) -> set[str]:
        return {a.fiscal_code for a in self.administrations}

    @property
    def default_administration(self) -> Administration | None:
        """The Ente to pre-fill: the one of the line, or the only one of the referent rows."""
        if self.line is not None:
            return self.line.contract.administration
        if len(self.administrations) == 1:
            return self.administrations[0]
        return None

    def administration_for(self, fiscal_code: str) -> Administration | None:
        return next((a for a in self.administrations if a.fiscal_code == fiscal_code), None)


def mobile_eligibility(*, msisdn: str) -> MobileEligibility:
    result = MobileEligibility(msisdn=msisdn)
    if not msisdn:
        return result
    line = records.active_line_for_mobile(mobile=msisdn)
    admins: dict[int, Administration] = {}
    if line is not None:
        result.line = line
        admins[line.contract.administration_id] = line.contract.administration
    for ref in records.referents_for_mobile(mobile=msisdn):
        admins.setdefault(ref.contract.administration_id, ref.contract.administration)
    result.administrations = list(admins.values())
    return result


def user_may_log_in(*, user) -> bool:
    """F-4: only users whose number is still active in Convenzione 8 (staff excepted)."""
    if not user.is_active or user.status != user.Status.ACTIVE:
        return False
    if user.is_staff:
        return True
    elig = mobile_eligibility(msisdn=user.mobile)
    if not elig.eligible:
        return False
    return not user.entity_fiscal_code or user.entity_fiscal_code in elig.entity_fiscal_codes


def active_users_for_mobile(*, msisdn: str):
    return get_user_model().objects.filter(mobile=msisdn, status="active", is_active=True)


def duplicate_registration(*, msisdn: str, fiscal_code: str, entity_fiscal_code: str):
    """F-3: the active registration with the same mobile number, personal CF and Ente CF (the
    one a new registration would replace), or None. A match on the number alone is not one:
    the line may have passed to another person or Ente."""
    return (
        active_users_for_mobile(msisdn=msisdn)
        .filter(fiscal_code__iexact=fiscal_code, entity_fiscal_code__iexact=entity_fiscal_code)
        .first()
    )


def find_user_for_recovery(
    *, mode: str, username: str = "", msisdn: str = "", fiscal_code: str = ""
):
    qs = active_users_for_mobile(msisdn=msisdn) if msisdn else None
    if qs is None:
        return None
    if mode == "password":
        return qs.filter(username__iexact=username).first() if username else None
    if fiscal_code:
        return qs.filter(fiscal_code__iexact=fiscal_code).first()
    return None


def login_flood_from(*, ip: str | None) -> bool:
    """Too many failed passwords from one address across accounts (an anonymous flood), with
    a limit a whole administration's NAT does not reach (``ACCOUNTS_LOGIN_FAILURES_PER_IP``)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from .models import SecurityEvent

    if not ip:
        return False
    limit = getattr(settings, "ACCOUNTS_LOGIN_FAILURES_PER_IP", 100)
    minutes = getattr(settings, "ACCOUNTS_LOGIN_FAILURES_IP_WINDOW_MINUTES", 15)
    since = timezone.now() - timedelta(minutes=minutes)
    failures = SecurityEvent.objects.filter(
        ip=ip, kind=SecurityEvent.Kind.LOGIN_FAILED, created_at__gte=since
    )
    return failures.count() >= limit


def lockout_ends_at(*, username: str):
    """When a locked account may try again: the later of the password lockout (the last
    counted failure + AXES_COOLOFF_TIME) and the OTP lockout (10 wrong codes in 30 minutes:
    until enough of them leave the window). None when neither is known."""
    from datetime import timedelta

    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings

    from .models import SecurityEvent

    ends = []
    cool_off = get_cool_off()
    last = (
        AccessAttempt.objects.filter(username=username)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if last is not None and cool_off:
        ends.append(last + cool_off)
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        from django.utils import timezone

        limit = getattr(settings, "ACCOUNTS_OTP_FAILURES_LOCK", 10)
        window = timedelta(minutes=getattr(settings, "ACCOUNTS_OTP_FAILURES_WINDOW_MINUTES", 30))
        times = list(
            SecurityEvent.objects.filter(
                user=user,
                kind=SecurityEvent.Kind.OTP_FAILED,
                created_at__gte=timezone.now() - window,
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)
        )
        if len(times) >= limit:
            ends.append(times[len(times) - limit] + window)
    return max(ends) if ends else None


def session_keys_of_user(*, user) -> list[str]:
    """The keys of the user's live sessions: an indexed read of the sessions' user column."""
    return list(
        UserSession.objects.filter(user_id=user.pk, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
