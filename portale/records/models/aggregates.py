"""Usage aggregates: rated traffic summed as it is rated, for TEM (G-56) and eBill analytics.

Why records models (and not an engine table like rating's counters): they are what the
pages read (through ``records.selectors`` and ``for_portal``), scoped by contract and line
like the events they sum, and the records own every change that moves them (a line's cost
centre). The rating engine writes them in the same transaction as the events it rates,
through ``records.services.usage_aggregates_add``; nothing else adds to them.

Two levels, both exact sums of the rated events (``records.services.usage_aggregates_rebuild``
recomputes them from the events; a test checks equality after interleaved batches):

* ``UsageLineMonth``: per line, month (local time), traffic category, roaming zone and
  charging (company/personal): events, seconds, KB, list price (gross) and amount due
  (net), with the first and last day the line had traffic in it. The month is the grain
  because traffic is sparse per line: a line-day row holds about one event, so a per-day
  table would be as big as the events themselves and summing it no faster. Anomalies, top
  lines, the cessation candidates (last day of traffic) and the invoice audit read it.
* ``UsageContractMonth``: the same sums rolled up per contract and cost centre (the line's
  current one, 0 = none), a few hundred rows per contract and month: the whole-contract
  reports read it. When a line changes cost centre its month rows move with it, in the
  same transaction (``lines_cost_centre_assign``, ``cost_centre_delete``), so the roll-up
  always equals the line rows grouped by the lines' current cost centre.

Late events (occurred in an earlier month, rated now) are added to their own month, like
any other: the sums follow ``occurred_at``. Rating is idempotent (an event is rated once,
under the line lock), so a retried or duplicated batch adds nothing twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Contract
from .lines import Line
from .scoping import PortalQuerySet, RowScope

KEY = ("month", "category", "roaming_zone", "charging")
SUMS = ("events", "duration_seconds", "volume_kb", "gross_amount", "net_amount")


class _Sums(models.Model):
    month = models.DateField(_("Mese"), help_text=_("Primo giorno del mese"))
    category = models.CharField(_("Categoria"), max_length=20)
    roaming_zone = models.CharField(_("Zona roaming"), max_length=10, blank=True, default="")
    charging = models.CharField(_("Tipologia chiamata"), max_length=10)
    events = models.BigIntegerField(_("Eventi"), default=0)
    duration_seconds = models.BigIntegerField(_("Durata (s)"), default=0)
    volume_kb = models.BigIntegerField(_("Volume (KB)"), default=0)
    gross_amount = models.DecimalField(_("Imp. Lordo"), max_digits=16, decimal_places=4, default=0)
    net_amount = models.DecimalField(_("Imp. Netto"), max_digits=16, decimal_places=4, default=0)

    class Meta:
        abstract = True


class UsageLineMonth(_Sums):
    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="usage_months")
    first_day = models.DateField(_("Primo giorno con traffico"))
    last_day = models.DateField(_("Ultimo giorno con traffico"))

    portal_scope = RowScope(contract="line__contract", line="line")
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("consumo mensile di linea")
        verbose_name_plural = _("consumi mensili di linea")
        constraints = [
            models.UniqueConstraint(fields=["line", *KEY], name="usage_line_month_key"),
        ]
        indexes = [models.Index(fields=["month", "line"], name="usage_line_month_idx")]

    def __str__(self) -> str:
        return f"{self.line_id} {self.month:%m/%Y} {self.category}: {self.net_amount}"


class UsageContractMonth(_Sums):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="usage_months")
    # The cost centre's id, 0 for lines with none (a key column: NULL would not match in
    # the upsert's unique key). Not a foreign key: a deleted centre's rows move to 0 first.
    cost_centre_key = models.BigIntegerField(_("Centro di costo"), default=0)

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("consumo mensile di contratto")
        verbose_name_plural = _("consumi mensili di contratto")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "cost_centre_key", *KEY], name="usage_contract_month_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}/{self.cost_centre_key} {self.month:%m/%Y}: {self.net_amount}"
