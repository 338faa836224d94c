"""The list component: declare a ``Table``, give it a scoped queryset, render it.

Example (the back office's "Linee")::

    class LineFilter(FilterForm):
        linea = LineSearchField()
        contratto = forms.CharField(label=_("Contratto"), max_length=12)
        lookups = {"linea": line_search(), "contratto": "contract__code__contains"}

    class LineTable(Table):
        msisdn = Column(_("Numero"), sort=True)
        contract = Column(_("Contratto"), "contract.code", sort=True)
        state = Column(_("Stato"), sort=True, choices=LineState)
        activation_date = Column(_("Data attivazione"), sort=True, format=DATE)

        class Meta:
            filter_form = LineFilter
            default_order = "msisdn"
            counter_label, noun, export_name = _("Tot. linee"), _("linee"), "linee"

    def lines(request):
        table = LineTable.from_request(request, Line.objects.filter(contract=...))
        return render_list(request, table, "app/lines.html")

and in ``app/lines.html``: ``{% include "core/list/list.html" %}``.

Exports (a POST of ``export=xlsx|csv``: the export icon is a small form) reuse the same
columns over the whole filtered, sorted list: a download, or a background job of "I miei
Export" for a long list whose table names a registered ``Meta.export_kind``
(``portale.core.export_jobs``). ``Meta.max_rows`` caps a list (count, pages, exports);
``Meta.select = "multi"`` adds the P-08 "Sel." column, whose ticks ``table.selection`` /
``table.selected_queryset()`` return on any page (kept in the session).
``ActionColumn(label, icon="it-download", link=…, action_label=…)`` is an icon cell (a sprite
icon as a link, its accessible name in visually hidden text; inert when ``link`` gives "").
``link=row_url("app:detail", "pk")`` links each row to its page without a ``reverse()`` a row.
"""

from .filters import FilterForm, LineSearchField, line_search, matched_ids
from .formats import (
    BOOLEAN,
    DATE,
    DATETIME,
    DATETIME_SECONDS,
    INTEGER,
    MONEY,
    TEXT,
    Format,
    decimal,
    money,
)
from .links import row_url
from .tables import ActionColumn, Column, Table
from .views import export_list, is_fragment_request, render_list

__all__ = [
    "BOOLEAN",
    "DATE",
    "DATETIME",
    "DATETIME_SECONDS",
    "INTEGER",
    "MONEY",
    "TEXT",
    "ActionColumn",
    "Column",
    "FilterForm",
    "Format",
    "LineSearchField",
    "Table",
    "decimal",
    "export_list",
    "is_fragment_request",
    "line_search",
    "matched_ids",
    "money",
    "render_list",
    "row_url",
]
