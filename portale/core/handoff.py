"""Single sign-on hand-off to a system opened in a new window (P-11).

eBill (and later TEM and the advanced-service platforms) is a separate system: the portal
opens it in a new window and hands the user over with a short-lived, single-use, signed
token that says who the user is, with which profile, on which contract (or, for an
employee, which own line), and which page of the target system to open.

The flow (three requests, none of them a GET that writes)::

    portal page                       portal "start"                 target "entry"
    <a target=_blank href=START?to=>  GET: mints a token (stateless, POST: checks signature,
                                      nothing written) and answers   age, user and scope,
                                      a page whose form POSTs it to  consumes the token's jti
                                      the entry (auto-submitted by   (a unique row: a replay
                                      ``handoff.js``; a CONTINUA     fails atomically), puts
                                      button without JavaScript)     the grant in the session
                                                                     and 303s to the deep link
    then every target page: ``@handoff_required(system, capability)`` requires the grant and
    re-checks it against the records on every request.

API
---

``register(system, *, label, namespace)``
    Declare a target system once (its URL namespace, its Italian name for the pages).

``start_view(system, *, capability, target)`` → view
    The portal link. Guarded by ``capability`` (a registry code); ``target`` is the URL name
    of the default page, ``?to=<path>`` a deep link that must resolve to a page of the
    system's namespace guarded by ``handoff_required``. The grant's profile is the user's
    employee profile when ``capability`` is an employee function, else their referent
    profile on the selected contract (the strongest: ROA, MAN, EB, ...).

``entry_view(system)`` → view
    The target system's entry, POST only. Refuses (Italian page, 403) a token that is forged,
    expired (``HANDOFF_TOKEN_SECONDS``, default 60), already used, of another user or
    system, or whose scope the records no longer give.

``handoff_required(system, capability)`` → decorator
    For every page of the target system. Anonymous → login; without a grant → through the
    hand-off again (the start view for this page, so a bookmark works); a grant the records
    no longer justify (the referent role removed, the line no longer the user's) → dropped
    and refused. Sets ``request.handoff`` (a ``Grant``) and ``request.handoff_scope``: a
    ``PortalContext`` of the grant only (its contract for a referent, its line for an
    employee) to pass to ``for_portal`` selectors, so another contract's object is 404.

``mint(...)`` / ``consume(...)``
    The token itself, for tests and other channels.

A grant of an employee opens only the pages whose capability is an employee one, and a
referent grant only the referent ones: ``handoff_required`` checks the grant's profile
against the page's capability.

Links: ``<a href="{{ start_url }}" target="_blank" rel="noopener">`` (``start_url(start, to)``;
menu entries with ``Capability.new_window``, list icons with ``ActionColumn(new_window=True)``)
plus the guide's hint (``popup_hint(label)``). Single use is kept in ``core.HandoffUse`` (one row per
consumed token, pruned after twice the token's lifetime by the entry itself).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import capabilities
from .capabilities import Profile, capability_required, login_only
from .context import SESSION_CONTRACT_KEY, PortalContext, build_context

SESSION_KEY = "portale_handoff_grants"
# The strongest referent profile first: the one a grant carries when the user has several.
REFERENT_ORDER = (Profile.ROA, Profile.MAN, Profile.EB, Profile.TM, Profile.MSG)


def token_seconds() -> int:
    return int(getattr(settings, "HANDOFF_TOKEN_SECONDS", 60))


@dataclass(frozen=True)
class System:
    code: str
    label: str
    namespace: str


SYSTEMS: dict[str, System] = {}


def register(system: str, *, label: str, namespace: str | None = None) -> System:
    SYSTEMS[system] = System(system, label, namespace or system)
    return SYSTEMS[system]


class HandoffRefused(Exception):
    """A token the entry does not accept; ``message`` is the Italian reason shown."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Grant:
    """What a consumed token leaves in the session: the target system's own "login"."""

    system: str
    user_id: int
    profile: str
    contract_id: int | None
    line_id: int | None
    granted_at: str

    @property
    def is_employee(self) -> bool:
        return self.profile == Profile.DIP


# --- The token ------------------------------------------------------------------------------


def _salt(system: str) -> str:
    return f"portale.core.handoff.{system}"


def mint(
    *,
    system: str,
    user,
    profile: str,
    contract_id: int | None,
    line_id: int | None,
    target: str,
) -> str:
    """A signed, timestamped token; nothing is written (the jti is checked when consumed)."""
    payload = {
        "u": user.pk,
        "p": str(profile),
        "c": contract_id,
        "l": line_id,
        "t": target,
        "j": secrets.token_urlsafe(16),
    }
    return signing.dumps(payload, salt=_salt(system))


def consume(*, system: str, token: str, user) -> tuple[Grant, str]:
    """Check and use up a token: (the grant, the deep-link path). Raises ``HandoffRefused``."""
    from .models import HandoffUse

    try:
        data = signing.loads(token, salt=_salt(system), max_age=token_seconds())
    except signing.SignatureExpired:
        raise HandoffRefused(
            _("Il collegamento è scaduto: torna al Portale e apri di nuovo %(s)s.")
            % {"s": SYSTEMS[system].label}
        ) from None
    except signing.BadSignature:
        raise HandoffRefused(_("Il collegamento non è valido.")) from None
    if data.get("u") != user.pk:
        raise HandoffRefused(_("Il collegamento è stato creato per un altro utente."))
    now = timezone.now()
    try:
        with transaction.atomic():
            HandoffUse.objects.create(jti=data["j"], system=system, user_id=user.pk, used_at=now)
    except IntegrityError:
        raise HandoffRefused(
            _(
                "Il collegamento è già stato usato: per sicurezza vale una sola volta. Torna "
                "al Portale e apri di nuovo %(s)s."
            )
            % {"s": SYSTEMS[system].label}
        ) from None
    HandoffUse.objects.filter(
        used_at__lt=now - datetime.timedelta(seconds=2 * token_seconds())
    ).delete()
    grant = Grant(
        system=system,
        user_id=user.pk,
        profile=data["p"],
        contract_id=data["c"],
        line_id=data["l"],
        granted_at=now.isoformat(),
    )
    return grant, data["t"]


# --- Scope: what the grant still allows, read from the records at every request ---------------


def scope_of(grant: Grant, user) -> PortalContext | None:
    """The grant's scope as a ``PortalContext`` (for ``for_portal``), or None if the records
    no longer give the user that profile on that contract (or that line)."""
    if grant.user_id != user.pk or not user.is_active:
        return None
    ctx = build_context(user=user, session={SESSION_CONTRACT_KEY: grant.contract_id})
    if grant.is_employee:
        if ctx.line_id is None or ctx.line_id != grant.line_id:
            return None
        return PortalContext(
            user=user, own_line=ctx.own_line, profiles=frozenset({Profile.DIP, Profile.USER})
        )
    if ctx.contract is None or ctx.contract.pk != grant.contract_id:
        return None
    if grant.profile not in ctx.profiles:
        return None
    return PortalContext(
        user=user,
        contracts=[ctx.contract],
        contract=ctx.contract,
        profiles=frozenset({Profile(grant.profile), Profile.USER}),
    )


def _grant_profile(capability: str, ctx: PortalContext) -> str | None:
    cap = capabilities.get(capability)
    if cap.profiles <= capabilities.EMPLOYEE:
        return Profile.DIP if Profile.DIP in ctx.profiles else None
    for profile in REFERENT_ORDER:
        if profile in ctx.profiles and profile in cap.profiles:
            return profile
    return None


def _target_capability(system: str, path: str) -> str | None:
    """The capability of the system's page at ``path``, or None if it is not one."""
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    if match.namespace != SYSTEMS[system].namespace:
        return None
    if getattr(match.func, "handoff_system", None) != system:
        return None
    return match.func.capability


def _session_grants(session) -> dict:
    return session.get(SESSION_KEY) or {}


def current_grant(request, system: str) -> Grant | None:
    data = _session_grants(request.session).get(system)
    return Grant(**data) if data else None


def _store_grant(request, grant: Grant) -> None:
    grants = dict(_session_grants(request.session))
    grants[grant.system] = asdict(grant)
    request.session[SESSION_KEY] = grants


def drop_grant(request, system: str) -> None:
    grants = dict(_session_grants(request.session))
    if grants.pop(system, None) is not None:
        request.session[SESSION_KEY] = grants


def refused(request, system: str, message: str, status: int = 403):
    return render(
        request,
        "core/handoff_refused.html",
        {"system": SYSTEMS[system], "message": message, "title": SYSTEMS[system].label},
        status=status,
    )


def popup_hint(label: str) -> str:
    """The guide's hint beside a link that opens a new window (P-11)."""
    return _(
        'Se cliccando su "%(link)s" non succede nulla, verifica le impostazioni del tuo '
        "browser ed eventualmente rimuovi i blocchi di apertura dei pop-up."
    ) % {"link": label}


def start_url(start: str, to: str | None = None) -> str:
    """The portal link to a start view (URL name), with a deep link."""
    url = reverse(start)
    return f"{url}?{urlencode({'to': to})}" if to else url


# --- Views ------------------------------------------------------------------------------------


def start_view(system: str, *, capability: str, target: str) -> Callable:
    """The portal link (GET): mint a token and hand it to the system's entry by POST."""

    @capability_required(capability)
    def view(request):
        ctx = request.portal
        to = request.GET.get("to") or reverse(target)
        to_capability = _target_capability(system, to)
        if to_capability is None:
            raise Http404
        profile = _grant_profile(capability, ctx)
        if profile is None or not capabilities.get(to_capability).profiles & {profile}:
            raise PermissionDenied
        if profile == Profile.DIP:
            contract_id, line_id = None, ctx.line_id
        else:
            contract_id, line_id = ctx.contract.pk, None
        token = mint(
            system=system,
            user=request.user,
            profile=profile,
            contract_id=contract_id,
            line_id=line_id,
            target=to,
        )
        response = render(
            request,
            "core/handoff_start.html",
            {
                "system": SYSTEMS[system],
                "token": token,
                "entry": reverse(f"{SYSTEMS[system].namespace}:entry"),
                "title": SYSTEMS[system].label,
            },
        )
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "same-origin"  # "no-referrer" would send Origin: null
        return response

    view.handoff_start = system
    return view


def entry_view(system: str) -> Callable:
    """The system's entry (POST): consume the token, grant, redirect to the deep link."""

    @login_only
    @require_POST
    def view(request):
        try:
            grant, target = consume(
                system=system, token=request.POST.get("token", ""), user=request.user
            )
        except HandoffRefused as refusal:
            return refused(request, system, refusal.message)
        target_capability = _target_capability(system, target)
        if (
            target_capability is None
            or scope_of(grant, request.user) is None
            or Profile(grant.profile) not in capabilities.get(target_capability).profiles
        ):
            return refused(
                request, system, _("Il tuo profilo non permette di aprire questa pagina.")
            )
        _store_grant(request, grant)
        return HttpResponseRedirect(target, status=303)

    view.handoff_entry = system
    return view


def handoff_required(system: str, capability: str) -> Callable:
    """Guard a page of the target system: the grant, re-checked on every request."""
    cap = capabilities.get(capability)

    def decorator(func: Callable) -> Callable:
        @wraps(func)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            grant = current_grant(request, system)
            if grant is None or not (cap.profiles & {Profile(grant.profile)}):
                # Not (or not for this kind of page) handed over: through the portal again.
                if not cap.allows(request.portal):
                    raise PermissionDenied
                start = _start_for(system, capability)
                return HttpResponseRedirect(start_url(start, request.get_full_path()))
            scope = scope_of(grant, request.user)
            if scope is None:
                drop_grant(request, system)
                return refused(
                    request,
                    system,
                    _(
                        "Il tuo accesso a %(s)s non è più valido: il tuo profilo sul contratto "
                        "è cambiato. Torna al Portale."
                    )
                    % {"s": SYSTEMS[system].label},
                )
            request.handoff = grant
            request.handoff_scope = scope
            return func(request, *args, **kwargs)

        wrapped.capability = capability
        wrapped.handoff_system = system
        return wrapped

    return decorator


# Which portal start view opens a page guarded by a capability: system → {capability: URL name}.
_STARTS: dict[str, dict[str, str]] = {}


def register_start(system: str, *, capability: str, start: str) -> None:
    """Name the portal start view (URL name) that hands over to pages of ``capability``."""
    _STARTS.setdefault(system, {})[capability] = start


def _start_for(system: str, capability: str) -> str:
    starts = _STARTS.get(system, {})
    if capability in starts:
        return starts[capability]
    cap = capabilities.get(capability)
    for code, start in starts.items():
        if capabilities.get(code).profiles & cap.profiles:
            return start
    raise Http404
