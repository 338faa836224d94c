"""Who the user is for the portal: profiles and the selected contract (P-02).

Profiles come from the records at every request (the referent rows and the line of the
user's registered number), so a change in "Gestione referenti" takes effect at once and
nothing is stored as a flag (FEATURES, Profiles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

ROLE_PROFILES = {
    Referent.Role.MASTER: Profile.ROA,
    Referent.Role.MANDATARIO: Profile.MAN,
    Referent.Role.EBILL: Profile.EB,
    Referent.Role.TRAFFIC_MANAGER: Profile.TM,
    Referent.Role.MESSAGING: Profile.MSG,
}


@dataclass
class PortalContext:
    user: object
    contracts: list[Contract] = field(default_factory=list)  # where the user is a referent
    contract: Contract | None = None  # the selected one
    line: Line | None = None  # the user's own line (employee profile)
    profiles: frozenset[Profile] = frozenset()

    @property
    def referent_profiles(self) -> frozenset[Profile]:
        return self.profiles - {Profile.DIP, Profile.STAFF, Profile.USER}

    def can(self, code: str) -> bool:
        from . import capabilities

        return capabilities.get(code).allows(self)

    @property
    def line_contract(self) -> Contract | None:
        return self.line.contract if self.line else None

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


def build_context(*, user, session) -> PortalContext:
    if not user.is_authenticated:
        return PortalContext(user=user)
    mobile = getattr(user, "mobile", "")
    roles_by_contract: dict[int, set[Profile]] = {}
    contracts: dict[int, Contract] = {}
    if mobile and getattr(user, "status", "active") == "active":
        for ref in records.referents_for_mobile(mobile=mobile):
            contracts[ref.contract_id] = ref.contract
            roles_by_contract.setdefault(ref.contract_id, set()).add(ROLE_PROFILES[ref.role])
    line = records.line_for_mobile(mobile=mobile) if mobile and user.status == "active" else None

    ordered = sorted(contracts.values(), key=lambda c: c.code)
    selected_id = session.get(SESSION_CONTRACT_KEY)
    selected = contracts.get(selected_id) or (ordered[0] if ordered else None)
    if selected is None and line is not None:
        selected = line.contract
    profiles: set[Profile] = set(roles_by_contract.get(selected.pk, set())) if selected else set()
    if line is not None:
        profiles.add(Profile.DIP)
    if user.is_staff and session_has_second_factor(session):
        # The back office needs a session opened with both factors, not is_staff alone.
        profiles.add(Profile.STAFF)
    profiles.add(Profile.USER)
    return PortalContext(
        user=user, contracts=ordered, contract=selected, line=line, profiles=frozenset(profiles)
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
