"""The portal's scope of a records row (P-02): the selected contract, or the user's own line.

Every contract- or line-bound records model declares where its contract and its line are
(``portal_scope``) and gets ``PortalQuerySet`` as its manager, so a page reads::

    records.referents_for_portal(ctx=request.portal)  # → Referent.objects.for_portal(ctx)

instead of checking ``request.portal.contract`` by hand and filtering. A referent context
reads the rows of the selected contract; an employee context (own line, no referent role on
the selected contract) reads the rows of that line only; anything else reads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db import models


class PortalScope(Protocol):
    """What ``for_portal`` needs of ``portale.core.context.PortalContext``."""

    contract: models.Model | None
    line_id: int | None  # the user's own line
    referent_profiles: frozenset


@dataclass(frozen=True)
class RowScope:
    """The lookups from a row to its contract and to its line (None: not bound to one)."""

    contract: str | None
    line: str | None


class PortalQuerySet(models.QuerySet):
    def _scope(self) -> RowScope:
        return self.model.portal_scope

    def for_contract(self, contract) -> PortalQuerySet:
        path = self._scope().contract
        if path is None:
            raise TypeError(f"{self.model.__name__} is not bound to a contract")
        return self.filter(**{path: contract})

    def for_line(self, line) -> PortalQuerySet:
        path = self._scope().line
        if path is None:
            raise TypeError(f"{self.model.__name__} is not bound to a line")
        if path == "pk" and isinstance(line, models.Model):
            line = line.pk  # the Line model itself
        return self.filter(**{path: line})

    def for_portal(self, ctx: PortalScope, *, own_line: bool = False) -> PortalQuerySet:
        """The rows the portal user may read: the selected contract's for a referent, the
        own line's for an employee (or with ``own_line``, the "La mia linea" pages), else none.
        """
        scope = self._scope()
        referent = ctx.contract is not None and bool(ctx.referent_profiles)
        if not own_line and referent and scope.contract is not None:
            return self.for_contract(ctx.contract)
        if ctx.line_id is not None and scope.line is not None and (own_line or not referent):
            return self.for_line(ctx.line_id)
        return self.none()


class ContractTally(models.Model):
    """A maintained total of rows hanging on a contract's lines, per group and state: the
    rows are kept by the triggers of ``records/tally_sql.py`` (never written by Django), and
    a page sums a handful of them instead of counting the contract. A derived index: no
    admin, not exported. Subclasses add their grouping column and their count column."""

    contract = models.ForeignKey(
        "records.Contract", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=15)

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        abstract = True
