"""Who the user is for the portal: profiles and the selected contract (P-02).

Profiles come from the records (the referent rows and the line of the user's registered
number), never from a stored flag (FEATURES, Profiles). What they say is cached under the
user's ``portal_version``, which database triggers bump with any change of those records, so
a change in "Gestione referenti" still takes effect at the next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.http import Http404

from portale.records import selectors as records
from portale.records.models import Contract, Line, Referent

from .auth import session_has_second_factor
from .capabilities import Profile

SESSION_CONTRACT_KEY = "portale_contract_id"
# How long the active SAC codes of a contract stay in the cache: a change made by the
# operator shows in the menus within this time.
SERVICE_CODES_SECONDS = 60
# How long a user's cached profiles live: a safety net only, since the key changes with
# every change of the records they come from.
CONTEXT_SECONDS = 3600
# Part of the cache key: bumped when ``_Records`` or ``OwnLine`` change shape, so a process
# of the new code never unpickles an entry of the old one.
CONTEXT_SCHEMA = 2

ROLE_PROFILES = {
    Referent.Role.MASTER: Profile.ROA,
    Referent.Role.MANDATARIO: Profile.MAN,
    Referent.Role.EBILL: Profile.EB,
    Referent.Role.TRAFFIC_MANAGER: Profile.TM,
    Referent.Role.MESSAGING: Profile.MSG,
}


@dataclass(frozen=True)
class OwnLine:
    """What the page frame needs of the user's own line, kept in the cached context: the
    line's id, number, contract and whether it is prepaid (trigger columns of
    ``portal_version``, so never stale). The line itself (its credits change with every
    rated batch) is read only when a page asks for ``PortalContext.line``."""

    pk: int
    msisdn: str
    contract: Contract
    prepaid: bool

    @classmethod
    def of(cls, line: Line) -> OwnLine:
        return cls(pk=line.pk, msisdn=line.msisdn, contract=line.contract, prepaid=line.is_prepaid)

    @property
    def is_prepaid(self) -> bool:
        """As ``Line.is_prepaid``: a page that needs no more than this reads no line."""
        return self.prepaid


_UNREAD = object()


class PortalContext:
    """The user's profiles on the selected contract, the contracts where the user is a
    referent and the user's own line (employee profile)."""

    def __init__(
        self,
        *,
        user,
        contracts: list[Contract] | None = None,
        contract: Contract | None = None,
        line: Line | None = None,
        own_line: OwnLine | None = None,
        profiles: frozenset[Profile] = frozenset(),
    ):
        self.user = user
        self.contracts = contracts or []  # where the user is a referent
        self.contract = contract  # the selected one
        self.own_line = own_line or (OwnLine.of(line) if line is not None else None)
        self._line = line if line is not None else _UNREAD
        self.profiles = profiles

    @property
    def line(self) -> Line | None:
        """The user's own line, read from the records on first use in the request."""
        if self._line is _UNREAD:
            mobile = getattr(self.user, "mobile", "")
            self._line = records.line_for_mobile(mobile=mobile) if self.own_line else None
        return self._line

    @property
    def line_id(self) -> int | None:
        return self.own_line.pk if self.own_line else None

    @property
    def referent_profiles(self) -> frozenset[Profile]:
        return self.profiles - {Profile.DIP, Profile.STAFF, Profile.USER}

    def can(self, code: str) -> bool:
        from . import capabilities

        return capabilities.get(code).allows(self)

    @property
    def line_contract(self) -> Contract | None:
        return self.own_line.contract if self.own_line else None

    @property
    def referent_contract(self) -> Contract | None:
        """The selected contract when the user is one of its referents, else None. Rows are
        read with ``for_portal(ctx)``; this is for a page about the contract itself or work
        keyed by it (an export job)."""
        return self.contract if self.referent_profiles else None

    @cached_property
    def service_codes(self) -> frozenset[str]:
        """The active advanced services (SAC codes) of the selected contract. They gate menu
        entries of every referent page and change only when the operator edits them, so
        they come from the cache, read at most every ``SERVICE_CODES_SECONDS`` per contract
        (issue 17: one query less per page)."""
        if self.contract is None:
            return frozenset()
        contract = self.contract
        codes = cache.get_or_set(
            f"portale:service_codes:{contract.pk}",
            lambda: sorted(records.active_service_codes(contract=contract)),
            SERVICE_CODES_SECONDS,
        )
        return frozenset(codes)


@dataclass(frozen=True)
class _Records:
    """What the records say of a mobile number: its referent roles and its own line."""

    roles: dict[int, frozenset[Profile]]  # contract id → referent profiles
    contracts: list[Contract]  # ordered by code
    own_line: OwnLine | None


def _records_of(user) -> _Records:
    """The referent rows and the line of the user's number, kept in the cache under the
    user's ``portal_version``, which database triggers bump whenever one of those records
    (or a contract of theirs) changes (``accounts/portal_version.py``): a change in
    "Gestione referenti" still shows at the next request, and a page no longer spends two
    queries on it (issue 17)."""
    key = (
        f"portale:ctx{CONTEXT_SCHEMA}:{user.pk}:{user.portal_version}:{user.mobile}:"
        f"{user.date_joined.timestamp()}"
    )
    found = cache.get(key)
    if isinstance(found, _Records):
        return found
    roles: dict[int, set[Profile]] = {}
    contracts: dict[int, Contract] = {}
    for ref in records.referents_for_mobile(mobile=user.mobile):
        contracts[ref.contract_id] = ref.contract
        roles.setdefault(ref.contract_id, set()).add(ROLE_PROFILES[ref.role])
    line = records.line_for_mobile(mobile=user.mobile)
    found = _Records(
        roles={pk: frozenset(r) for pk, r in roles.items()},
        contracts=sorted(contracts.values(), key=lambda c: c.code),
        own_line=OwnLine.of(line) if line is not None else None,
    )
    cache.set(key, found, CONTEXT_SECONDS)
    return found


def build_context(*, user, session) -> PortalContext:
    if not user.is_authenticated:
        return PortalContext(user=user)
    mobile = getattr(user, "mobile", "")
    if mobile and getattr(user, "status", "active") == "active":
        found = _records_of(user)
    else:
        found = _Records(roles={}, contracts=[], own_line=None)
    ordered = found.contracts
    selected_id = session.get(SESSION_CONTRACT_KEY)
    by_pk = {c.pk: c for c in ordered}
    selected = by_pk.get(selected_id) or (ordered[0] if ordered else None)
    own_line = found.own_line
    if selected is None and own_line is not None:
        selected = own_line.contract
    profiles: set[Profile] = set(found.roles.get(selected.pk, ())) if selected else set()
    if own_line is not None:
        profiles.add(Profile.DIP)
    if user.is_staff and session_has_second_factor(session):
        # The back office needs a session opened with both factors, not is_staff alone.
        profiles.add(Profile.STAFF)
    profiles.add(Profile.USER)
    return PortalContext(
        user=user,
        contracts=ordered,
        contract=selected,
        own_line=own_line,
        profiles=frozenset(profiles),
    )


def referent_contract_or_404(ctx: PortalContext) -> Contract:
    """``ctx.referent_contract``, or 404 (P-02: out of scope is not found)."""
    if ctx.referent_contract is None:
        raise Http404
    return ctx.referent_contract


def select_contract(*, session, ctx: PortalContext, contract_id: int) -> bool:
    """Keep the chosen contract in the session; only the user's own contracts are accepted."""
    if any(c.pk == contract_id for c in ctx.contracts):
        session[SESSION_CONTRACT_KEY] = contract_id
        return True
    return False
