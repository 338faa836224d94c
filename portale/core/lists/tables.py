"""The list component (DESIGN §5.2; P-03, P-04, P-05, P-06, G-46, G-47).

Every list of the portal is *declared* as a ``Table``: its columns, its search form, its
default order and its labels. The view hands it a queryset that is **already scoped** to
what the user may see (selected contract, own line…); the table only narrows it (search),
orders it (whitelisted columns only) and cuts it into pages. It never widens it, so the
scope rule of DESIGN §5.1 is the caller's single line of code and cannot be bypassed from
the query string.

Query parameters (all optional, prefixed with ``<prefix>-`` when a page has two lists):
``sort`` (a column name, ``-name`` for descending; unknown names are ignored),
``per_page`` (10/25/50/100, anything else → 10), ``page`` (out of range → last page) and the
search fields. An export (the whole filtered, sorted list as .xlsx/.csv) is a POST of
``export=xlsx|csv`` to the list's URL: a direct download when the list is short, a
background job ("I miei Export", ``portale.core.export_jobs``) when it is long or the
table says ``Meta.export_in_background = "always"``. A GET never exports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property
from operator import itemgetter
from urllib.parse import quote_plus

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet, Subquery
from django.db.models.query import ModelIterable
from django.http import QueryDict
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .. import exports
from . import keyset
from .filters import FilterForm
from .formats import TEXT, Format

SORT_ASC_MARK = "↑"
SORT_DESC_MARK = "↓"
SORTABLE_MARK = "⇅"


class Column:
    """One column: Italian header, how to read the value, how to sort and show it.

    - ``accessor``: a dotted path from the row (``"contract.administration.name"``; a
      callable attribute such as ``get_state_display`` is called) or a callable ``row → value``.
      Defaults to the column's attribute name.
    - ``sort``: ``False`` (not sortable), ``True`` (sort on the accessor path), an ORM
      field/annotation name, or a tuple of them. Only these are ever passed to ``order_by``.
    - ``format``: a ``formats.Format`` (DATE, MONEY…): screen, CSV and xlsx renderings.
    - ``link``: optional callable ``row → url`` to make the cell a link.
    - ``export``: include in .xlsx/.csv exports (``False`` for action columns).
    - ``choices``: a ``TextChoices`` class (or ``[(value, label)]``) to show the label of a
      coded field; far cheaper than ``get_FOO_display`` on a 50 000-row export.
    - ``wrap``: let long text wrap; by default cells stay on one line and a narrow screen
      scrolls the table sideways (P-24) instead of stacking words.
    """

    _counter = 0

    def __init__(
        self,
        label,
        accessor: str | Callable | None = None,
        *,
        sort: bool | str | tuple[str, ...] = False,
        format: Format = TEXT,  # noqa: A002 - the natural name in a declaration
        link: Callable | None = None,
        export: bool = True,
        css_class: str = "",
        wrap: bool = False,
        choices=None,
    ):
        self.label = label
        self.accessor = accessor
        self._sort = sort
        self.format = format
        self.link = link
        self.export = export
        classes = [css_class] if css_class else []
        if format.numeric:
            classes.append("text-end")
        if not wrap:
            classes.append("text-nowrap")
        if format.numeric or format.kind.startswith("date"):
            classes.append("portale-keep")  # never wrapped, even where text cells may wrap
        self.css_class = " ".join(classes)
        self.choices = getattr(choices, "choices", choices)
        self._labels: dict[str, dict] = {}
        self.name = ""
        Column._counter += 1
        self._order = Column._counter

    def bind(self, name: str) -> None:
        self.name = name
        if self.accessor is None:
            self.accessor = name

    @property
    def sort_fields(self) -> tuple[str, ...]:
        if self._sort is True:
            if callable(self.accessor):
                raise TypeError(f"Column {self.name!r}: give sort= an ORM field name")
            return (self.accessor.replace(".", "__"),)
        if not self._sort:
            return ()
        return (self._sort,) if isinstance(self._sort, str) else tuple(self._sort)

    @property
    def sortable(self) -> bool:
        return bool(self.sort_fields)

    def value(self, row):
        """The raw value (a date, a Decimal, a string…), used by screen and exports."""
        if callable(self.accessor):
            value = self.accessor(row)
        else:
            value = row
            for part in self.accessor.split("."):
                if value is None:
                    return None
                value = getattr(value, part)
                if callable(value) and not hasattr(value, "all"):
                    value = value()
        if self.choices is not None:
            return self._choice_labels().get(value, value)
        return value

    def _choice_labels(self) -> dict:
        """Translated labels, computed once per language instead of once per row."""
        lang = get_language() or ""
        labels = self._labels.get(lang)
        if labels is None:
            labels = self._labels[lang] = {k: str(v) for k, v in self.choices}
        return labels

    def html(self, row) -> str:
        return self.format.html(self.value(row))

    # Screen side of a column: a header and a cell the ``_table.html`` partial draws.
    header_hidden = False  # the header text is for screen readers only (icon columns)

    def cell(self, row) -> dict:
        return {
            "text": self.html(row),
            "url": self.link(row) if self.link else "",
            "css_class": self.css_class,
        }


class ActionColumn(Column):
    """An icon cell: a Bootstrap Italia sprite icon (``it-download``, ``it-delete``…) as a link.

    - ``icon``: the sprite's symbol name.
    - ``link``: callable ``row → url``; a falsy url shows the icon greyed out and inert
      (e.g. the download of an export still "In elaborazione").
    - ``action_label``: the link's accessible name, read by screen readers (visually hidden
      text) and shown as a tooltip: a string or a callable ``row → str``; defaults to the
      column's label. The header keeps the label for screen readers only.
    - ``disabled_label``: the same for an inert icon (default "<label> non disponibile").
    - ``prepares_file``: the link makes a file on request (a PDF): a click shows
      "Preparazione in corso…" next to the icon (``data-preparing``, portale.js).
    - ``new_window``: the link opens another system in a new window (P-11 hand-off):
      ``target=_blank`` and "(si apre in una nuova finestra)" in its accessible name.

    Action columns are never exported and never sortable.
    """

    header_hidden = True

    def __init__(
        self,
        label,
        *,
        icon: str,
        link: Callable,
        action_label: str | Callable | None = None,
        disabled_label: str | Callable | None = None,
        css_class: str = "text-center",
        prepares_file: bool = False,
        new_window: bool = False,
    ):
        super().__init__(label, self._label, link=link, export=False, css_class=css_class)
        self.new_window = new_window
        self.icon = icon
        self.action_label = action_label
        self.disabled_label = disabled_label
        self.prepares_file = prepares_file

    def _label(self, row) -> str:
        label = self.action_label if self.action_label is not None else self.label
        return str(label(row) if callable(label) else label)

    def _disabled_label(self, row) -> str:
        if self.disabled_label is None:
            return _("%(action)s non disponibile") % {"action": self._label(row)}
        label = self.disabled_label
        return str(label(row) if callable(label) else label)

    def cell(self, row) -> dict:
        url = self.link(row)
        return {
            "action": True,
            "icon": self.icon,
            "url": url or "",
            "label": self._label(row) if url else self._disabled_label(row),
            "css_class": self.css_class,
            "preparing": _("Preparazione in corso…") if self.prepares_file else "",
            "new_window": self.new_window,
        }


class MissingField(AttributeError):
    """A column asked a ``ValuesRow`` for something that is not a field of the row."""


class ValuesRow:
    """A ``values()`` row read like the model instance the columns were declared on:
    ``row.line.msisdn`` reads ``data["line__msisdn"]``; an unknown name raises
    ``AttributeError`` (the export then reads model instances)."""

    __slots__ = ("_data", "_prefix", "_prefixes")

    def __init__(self, data: dict, prefix: str, prefixes: frozenset[str]):
        self._data, self._prefix, self._prefixes = data, prefix, prefixes

    def __getattr__(self, name: str):
        key = self._prefix + name
        try:
            return self._data[key]
        except KeyError:
            pass
        if key in self._prefixes:
            return ValuesRow(self._data, key + "__", self._prefixes)
        if name == "pk" and f"{self._prefix}id" in self._data:
            return self._data[f"{self._prefix}id"]
        raise MissingField(name)


def _prefixes(data: dict) -> frozenset[str]:
    """The relation paths of a ``values()`` row's keys: {"line", "line__contract"}."""
    out = set()
    for key in data:
        parts = key.split("__")[:-1]
        out.update("__".join(parts[: i + 1]) for i in range(len(parts)))
    return frozenset(out)


def _values_reader(column: Column, sample: dict, prefixes: frozenset[str]) -> Callable:
    """How ``column`` reads a ``values()`` row: a dotted field path is a key of the row
    (looked up directly, its choice label mapped once per export), anything else goes
    through ``ValuesRow``."""
    accessor = column.accessor
    if isinstance(accessor, str) and accessor.replace(".", "__") in sample:
        key = accessor.replace(".", "__")
        if column.choices is None:
            return itemgetter(key)
        labels = column._choice_labels()
        return lambda data: labels.get(data[key], data[key])
    return lambda data: column.value(ValuesRow(data, "", prefixes))


def _columns_read_fields(columns, values: QuerySet) -> bool:
    """True when every column reads only fields: tried, before any query, on a row of
    ``values``'s keys, all empty. A column calling a method or a property (``MissingField``)
    makes the export read model instances; one failing on an empty value is tried again
    on the first real row."""
    keys = [*values.query.values_select, *values.query.annotation_select]
    row = ValuesRow(dict.fromkeys(keys), "", _prefixes(dict.fromkeys(keys)))
    for column in columns:
        try:
            column.value(row)
        except MissingField:
            return False
        except Exception:  # noqa: BLE001, S112 - an empty value it cannot take: the real rows tell
            continue
    return True


def export_values(queryset: QuerySet) -> QuerySet | None:
    """``queryset`` as ``values()`` of the model's fields, its ``select_related`` relations'
    fields and its annotations, in the same order; None when it is already ``values()``-
    shaped (then its own rows are dicts) or uses a feature this cannot mirror."""
    query = queryset.query
    if queryset._iterable_class is not ModelIterable or query.deferred_loading[0]:
        return None
    if getattr(queryset, "_prefetch_related_lookups", ()):
        return None  # a prefetched relation is read by a column: keep the instances

    model = queryset.model
    names = ["pk", *(f.attname for f in model._meta.concrete_fields)]
    related = query.select_related
    if related is True:
        return None  # select_related() of every relation: not worth mirroring
    stack = [(model, "", related or {})]
    while stack:
        current, prefix, tree = stack.pop()
        for name, subtree in tree.items():
            field = current._meta.get_field(name)
            target = field.related_model
            path = f"{prefix}{name}__"
            names += [path + f.attname for f in target._meta.concrete_fields]
            stack.append((target, path, subtree))
    names += list(query.annotations)
    return queryset.values(*names)


class Options:
    """``class Meta`` of a Table; every option has a default."""

    filter_form: type[FilterForm] | None = None
    default_order: str = ""  # a column name, "-name" for descending (G-47); "" = first sortable
    page_sizes: tuple[int, ...] = (10, 25, 50, 100)  # G-46
    counter_label = gettext_lazy("Tot. record")  # "Tot. linee", "Tot. fatture"…
    noun = gettext_lazy("record")  # in the pager: "… di 37 linee"
    noun_one = None  # the same for one row ("1 - 1 di 1 linea"); None: ``noun``
    empty_text = gettext_lazy("Nessun elemento trovato.")
    export_name: str = "export"  # file name stem: linee_20261125_1530.xlsx
    export_formats: tuple[str, ...] = ("xlsx", "csv")  # () hides the export icon
    # Background export: the "Tipo richiesta" registered with
    # ``portale.core.export_jobs.register_list`` ("" = direct downloads only), and when to use
    # it: "large" (longer than ``EXPORT_SYNC_MAX_ROWS``) or "always" (P-07 detail lists).
    export_kind: str = ""
    export_in_background: str = "large"
    # Row cap (e.g. G-44: at most 3,000 traffic events): count, pages and exports stop at
    # ``max_rows``; the rows kept are the first in ``cap_order`` (default: the list's order),
    # then sorted as asked. ``table.truncated`` says the cap was hit.
    max_rows: int | None = None
    cap_order: tuple[str, ...] = ()
    caption = ""  # accessible table caption (visually hidden)
    fragment_template = "core/list/list.html"  # what an htmx request gets back
    # P-08: "multi" adds a "Sel." checkbox column (+ select all), "single" a radio column.
    # The selection lives in the session, so it survives paging, sorting and searching.
    select: str | None = None
    select_label = gettext_lazy("Sel.")
    # The columns a reader needs on every screen (column names, in the order declared). On a
    # phone the rows stack as labelled cards with these first; every table declares them.
    key_columns: tuple[str, ...] = ()

    def __init__(self, meta=None, parent: Options | None = None):
        # A subclass's Meta refines its base table's: unset options are inherited.
        if parent is not None:
            vars(self).update(vars(parent))
        if meta is not None:
            for key, value in vars(meta).items():
                if not key.startswith("_"):
                    setattr(self, key, value)


class TableMeta(type):
    def __new__(mcs, name, bases, attrs):
        columns: dict[str, Column] = {}
        for base in reversed(bases):
            columns.update(getattr(base, "base_columns", {}))
        own = sorted(
            ((k, v) for k, v in attrs.items() if isinstance(v, Column)), key=lambda kv: kv[1]._order
        )
        for key, column in own:
            attrs.pop(key)
            column.bind(key)
            columns[key] = column
        meta = attrs.pop("Meta", None)
        cls = super().__new__(mcs, name, bases, attrs)
        cls.base_columns = columns
        parent = next(
            (b._meta for b in bases if isinstance(getattr(b, "_meta", None), Options)), None
        )
        cls._meta = Options(meta, parent)
        return cls


def count_upto(queryset: QuerySet, limit: int) -> int:
    """How many rows ``queryset`` has, counting no further than ``limit``.

    The statement Django sends for ``queryset.order_by()[:limit].count()``, ``SELECT
    COUNT(*) FROM (SELECT id … LIMIT n)``, built without the clones and the aggregate query
    Django goes through for a sliced queryset: 0.45 against 0.62 ms in process for the count
    of "Dettaglio traffico" (issue 17). A queryset that cannot match sends nothing."""
    try:
        sql, params = (
            queryset.order_by().values("pk")[:limit].query.get_compiler(using=queryset.db).as_sql()
        )
    except EmptyResultSet:
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) capped", params)
        return cursor.fetchone()[0]


class Table(metaclass=TableMeta):
    """A declared list bound to one request's parameters and one scoped queryset.

    Build it with ``Table.from_request(request, queryset)`` in a view, or with
    ``Table(queryset, params)`` in a background job (the same params reproduce the same
    filtered, sorted list — that is how an "I miei Export" job re-runs the user's list).
    """

    base_columns: dict[str, Column]
    _meta: Options

    def __init__(
        self,
        queryset: QuerySet,
        params=None,
        *,
        path: str = "",
        prefix: str = "",
        list_id="",
        session=None,
        form: FilterForm | None = None,
        exclude: tuple[str, ...] = (),
        total: Callable[[], int] | None = None,
    ):
        self.base_queryset = queryset
        # ``total``: the length of the unsearched list when it is maintained elsewhere (a
        # tally kept by the records): the pager uses it instead of a COUNT over the rows.
        self.total = total
        self.session = session
        self.params = params if params is not None else QueryDict()
        self.path = path
        self.prefix = prefix
        # ``exclude``: columns this page does not show (e.g. a link to a service not set up).
        self.columns = [c for name, c in self.base_columns.items() if name not in exclude]
        self.list_id = list_id or f"lista-{prefix or type(self).__name__.lower()}"
        form_class = self._meta.filter_form
        if form is None and form_class is not None:
            # A view whose search form needs more than the query string builds it and
            # passes it as ``form=`` (it still answers ``filter(queryset)``).
            form = form_class(data=self.params, prefix=prefix or None)
        self.form = form

    @classmethod
    def from_request(cls, request, queryset: QuerySet, **kwargs) -> Table:
        kwargs.setdefault("session", getattr(request, "session", None))
        return cls(queryset, request.GET, path=request.path, **kwargs)

    # --- parameters ----------------------------------------------------------------
    def param(self, name: str) -> str:
        return f"{self.prefix}-{name}" if self.prefix else name

    @cached_property
    def ordering(self) -> tuple[Column, bool] | None:
        """(column, descending) from ``sort``; an unknown or unsortable name → default order."""
        for raw in (self.params.get(self.param("sort"), ""), self._meta.default_order):
            desc = raw.startswith("-")
            column = self.base_columns.get(raw.removeprefix("-"))
            if column is not None and column.sortable:
                return column, desc
        for column in self.columns:
            if column.sortable:
                return column, False
        return None

    @cached_property
    def per_page(self) -> int:
        sizes = self._meta.page_sizes
        try:
            value = int(self.params.get(self.param("per_page"), ""))
        except ValueError:
            return sizes[0]
        return value if value in sizes else sizes[0]

    def posted_export_format(self, data) -> str | None:
        """The format of an export POSTed to this list (``export=xlsx``), if it offers it."""
        fmt = data.get(self.param("export"), "")
        return fmt if fmt in self._meta.export_formats else None

    # --- data --------------------------------------------------------------------------
    @cached_property
    def filtered_queryset(self) -> QuerySet:
        """The scoped queryset, searched (not ordered, not capped)."""
        qs = self.base_queryset
        if self.form is not None:
            qs = self.form.filter(qs)
        return qs

    def _order_fields(self) -> tuple[str, ...]:
        if self.ordering:
            column, desc = self.ordering
            sign = "-" if desc else ""
            return (*(f"{sign}{f}" for f in column.sort_fields), f"{sign}pk")
        return ("pk",)

    @cached_property
    def capped_count(self) -> int | None:
        """With ``Meta.max_rows``: how many rows, counting no further than ``max_rows`` + 1
        (one query that stops early, however long the list)."""
        limit = self._meta.max_rows
        if limit is None:
            return None
        return count_upto(self.filtered_queryset, limit + 1)

    @property
    def truncated(self) -> bool:
        """True when the list is longer than ``Meta.max_rows`` and only the first are shown."""
        return self.capped_count is not None and self.capped_count > self._meta.max_rows

    @cached_property
    def queryset(self) -> QuerySet:
        """The scoped queryset, searched, capped and ordered (the whole list, before paging)."""
        qs = self.filtered_queryset
        if self.truncated:
            keep_order = self._meta.cap_order or self._order_fields()
            keep = qs.order_by(*keep_order).values("pk")[: self._meta.max_rows]
            qs = qs.filter(pk__in=Subquery(keep))
        if self._keys is not None:
            return qs.order_by(*keyset.order_by(self._keys))
        return qs.order_by(*self._order_fields())

    @cached_property
    def _keys(self) -> list[keyset.KeyField] | None:
        """The list's order as keyset fields (None: a field the ORM cannot resolve, or a
        table that reads its rows its own way, such as a GROUP BY list)."""
        cls = type(self)
        if cls.queryset is not Table.queryset or cls.paginator is not Table.paginator:
            return None
        return keyset.key_fields(self.filtered_queryset, self._order_fields())

    @cached_property
    def paginator(self) -> Paginator:
        paginator = Paginator(self.queryset, self.per_page)
        if self.capped_count is not None:
            # Known already: the page needs no second COUNT (over a subquery).
            paginator.count = min(self.capped_count, self._meta.max_rows)
        elif self.total is not None and not (self.form is not None and self.form.is_filtered):
            paginator.count = self.total()
        return paginator

    @cached_property
    def page(self):
        """The page asked for, read by keyset (see ``keyset``): no large OFFSET from the
        pager's links, nor from a typed page number where an index leads the order.

        From the cursor of the link followed (the page it was drawn on and that page's
        first and last keys), or else from the nearer end of the list. The page number,
        the count and the pager are the paginator's, as before.
        """
        paginator = self.paginator
        try:
            number = paginator.validate_number(self.params.get(self.param("page")))
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = paginator.num_pages
        if self._keys is None:
            return paginator.page(number)
        return Page(self._keyset_rows(number), number, paginator)

    @cached_property
    def _fingerprint(self) -> str:
        return keyset.fingerprint(
            type(self).__name__, self._order_fields(), self.per_page, self.hidden_params("filters")
        )

    def _keyset_rows(self, number: int) -> list:
        """The rows of page ``number``: the read with the smallest OFFSET among the ones
        from the start, from the end, and from the cursor's page; past ``JUMP_OFFSET`` rows
        from all three, a jump to the page's boundary key where an index of the listed
        table leads the order (``keyset``'s docstring says where and why only there)."""
        size, count, keys = self.per_page, self.paginator.count, self._keys
        start = (number - 1) * size
        end = min(start + size, count)
        if end <= start:
            return []
        qs = self.queryset
        reverse = qs.order_by(*keyset.order_by(keys, reverse=True))
        reads = [
            (start, lambda: list(qs[start:end])),
            (count - end, lambda: list(reverse[count - end : count - start])[::-1]),
        ]
        cursor = keyset.loads(
            self.params.get(self.param("cursor"), ""), self._fingerprint, len(keys)
        )
        if cursor is not None:
            anchor, first, last = cursor
            if number > anchor:
                skip = (number - anchor - 1) * size
                after = qs.filter(keyset.after(keys, last))
                reads.append((skip, lambda: list(after[skip : skip + size])))
            elif number < anchor:
                skip = (anchor - number - 1) * size
                before = reverse.filter(keyset.after(keys, first, reverse=True))
                reads.append((skip, lambda: list(before[skip : skip + size])[::-1]))
            else:
                same = qs.filter(keyset.after(keys, first, inclusive=True))
                reads.append((0, lambda: list(same[:size])))
        # min() keeps the first of equal offsets: from the start before the cursor's read.
        skip, read = min(reads, key=lambda read: read[0])
        if skip < keyset.JUMP_OFFSET or not keyset.indexed(self.filtered_queryset, keys[0]):
            return read()
        # A deep page without a usable cursor (typed, bookmarked): find its boundary key by
        # a narrow read, then read the page as a cursor page is read.
        if start <= count - end:
            first = keyset.boundary(qs, keys, start)
            if first is None:
                return []
            return list(qs.filter(keyset.after(keys, first, inclusive=True))[: end - start])
        last = keyset.boundary(reverse, keys, count - end)
        if last is None:
            return []
        inclusive = keyset.after(keys, last, reverse=True, inclusive=True)
        return list(reverse.filter(inclusive)[: end - start])[::-1]

    def _row_key(self, row) -> list | None:
        """The sort key of a row (a ``values()`` dict or a model instance), None if unknown."""
        out = []
        for field in self._keys or ():
            if isinstance(row, dict):
                if field.name not in row:
                    return None
                out.append(row[field.name])
                continue
            value = row
            for part in field.name.split("__"):
                if value is None:
                    break
                try:
                    value = getattr(value, part)
                except AttributeError:
                    return None
            out.append(value.pk if hasattr(value, "_meta") else value)
        return out

    @cached_property
    def cursor(self) -> str:
        """The cursor of this page for its links ("" when the rows cannot be keyed)."""
        rows = self.page.object_list
        if self._keys is None or not rows:
            return ""
        first, last = self._row_key(rows[0]), self._row_key(rows[-1])
        if first is None or last is None:
            return ""
        try:
            return keyset.dumps(self.page.number, first, last, self._fingerprint)
        except TypeError:  # a key of a type the cursor does not carry: OFFSET reads
            return ""

    def page_url(self, number: int) -> str:
        """The link to page ``number``: with this page's cursor, unless it is the first or
        the last page (read from their own end without one)."""
        if number in (1, self.paginator.num_pages) or not self.cursor:
            return self.url(page=number, cursor=None)
        return self.url(page=number, cursor=self.cursor)

    @property
    def count(self) -> int:
        return self.paginator.count

    @cached_property
    def rows(self) -> list[list[dict]]:
        out = []
        selected = self.selection if self._meta.select else set()
        keys = set(self._meta.key_columns)
        # "heading" labels the cell when a phone stacks the row as a card (data-label).
        shown = [(col, col.label, col.name in keys) for col in self.columns]
        for obj in self.page.object_list:
            cells = []
            for col, heading, key in shown:
                cell = col.cell(obj)
                cell["heading"], cell["key"] = heading, key
                cells.append(cell)
            if self._meta.select:
                pk = str(self.row_pk(obj))
                cells.insert(
                    0,
                    {
                        "select": True,
                        "pk": pk,
                        "checked": pk in selected,
                        "disabled": not self.is_selectable(obj),
                        "label": self.columns[0].html(obj) if self.columns else pk,
                        "css_class": "text-center",
                        "heading": self._meta.select_label,
                    },
                )
            out.append(cells)
        return out

    @property
    def body_html(self) -> str:
        """The rows of the page as HTML (``body.py``: the cells in Python, not in a template
        loop; issue 17)."""
        from .body import rows_html

        return rows_html(self)

    @property
    def headers_html(self) -> str:
        """The header row's cells as HTML (``body.py``)."""
        from .body import headers_html

        return headers_html(self)

    @property
    def search_html(self) -> str:
        """The search form as HTML (``body.py``)."""
        from .body import search_html

        return search_html(self)

    @property
    def pager_html(self) -> str:
        """The page-size selector and the pager as HTML (``body.py``)."""
        from .body import pager_html

        return pager_html(self)

    # --- selection (P-08) ----------------------------------------------------------------
    def row_pk(self, row):
        return row["pk"] if isinstance(row, dict) else row.pk

    def is_selectable(self, row) -> bool:
        """Override to show a row with a disabled checkbox (e.g. TIM TUO already active)."""
        return True

    @property
    def selection_key(self) -> str:
        return f"portale.lists:{self.path}:{self.list_id}"

    @property
    def selection(self) -> set[str]:
        """Primary keys (as strings) the user has ticked, on any page and under any search."""
        if self.session is None:
            return set()
        return set(self.session.get(self.selection_key, []))

    def _save_selection(self, selection: set[str]) -> None:
        if self.session is not None:
            self.session[self.selection_key] = sorted(selection)

    def clear_selection(self) -> None:
        if self.session is not None:
            self.session.pop(self.selection_key, None)

    def update_selection(self, data) -> None:
        """Apply a post of the selection form to the stored selection.

        ``page`` lists the rows the user saw and ``selected`` those ticked among them: the
        rows on other pages keep their state. ``select_all`` (the header checkbox) ticks or
        clears every selectable row of the page. Only rows of the scoped queryset on that
        page are accepted, so a forged pk can never enter the selection.
        """
        posted_page = set(data.getlist(self.param("page_pks")))
        visible = {str(self.row_pk(r)): r for r in self.page.object_list}
        allowed = {pk for pk, row in visible.items() if self.is_selectable(row)}
        page = posted_page & set(visible)
        ticked = set(data.getlist(self.param("selected"))) & allowed & page
        if self._meta.select == "single":
            selection = ticked if ticked else self.selection - page
            self._save_selection(set(sorted(selection)[:1]))
            return
        selection = self.selection - page
        if data.get(self.param("select_all_toggle")):
            ticked = allowed & page if data.get(self.param("select_all")) else set()
        self._save_selection(selection | ticked)
        self.__dict__.pop("rows", None)  # re-read the ticks on the next render

    def selected_queryset(self) -> QuerySet:
        """The selected rows, re-read from the *scoped* queryset (search not applied)."""
        return self.base_queryset.filter(pk__in=self.selection)

    @property
    def selection_count(self) -> int:
        return len(self.selection)

    @property
    def all_page_selected(self) -> bool:
        rows = [r[0] for r in self.rows if not r[0]["disabled"]]
        return bool(rows) and all(r["checked"] for r in rows)

    # --- exports ----------------------------------------------------------------------
    @property
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export]

    def export_rows(self) -> Iterator[tuple]:
        """Raw values of every row of the filtered, sorted list, read in chunks.

        ``iterator()`` streams from the database cursor (a server-side cursor on
        PostgreSQL, ``CHUNK_SIZE`` rows per fetch) instead of filling the queryset's cache,
        so a 500k-line export holds ``CHUNK_SIZE`` rows in memory, not 500k. A list of model
        instances is read as ``values()`` of their fields (and of their ``select_related``
        relations and annotations), each row seen by the columns through ``ValuesRow``: no
        model instance is built per row (issue 17: 125,000 thresholds, 33 s → a few). A
        column that needs more than fields (a method, a related manager) makes the export
        read model instances, as before.
        """
        columns = self.export_columns
        values = export_values(self.queryset)
        if values is not None and _columns_read_fields(columns, values):
            prefixes = _prefixes(
                dict.fromkeys([*values.query.values_select, *values.query.annotation_select])
            )
            rows = values.iterator(chunk_size=exports.CHUNK_SIZE)
            first = next(rows, None)
            if first is None:
                return
            readers = [_values_reader(c, first, prefixes) for c in columns]
            try:
                head = tuple(read(first) for read in readers)
            except MissingField:
                rows.close()  # a column reads more than fields after all: the instances
            else:
                yield head
                for data in rows:
                    yield tuple(read(data) for read in readers)
                return
        for obj in self.queryset.iterator(chunk_size=exports.CHUNK_SIZE):
            yield tuple(c.value(obj) for c in columns)

    def export_response(self, fmt: str):
        filename = exports.export_filename(self._meta.export_name, fmt)
        if fmt == "csv":
            return exports.csv_response(self.export_rows(), self.export_columns, filename)
        return exports.xlsx_response(
            self.export_rows(), self.export_columns, filename, sheet_name=self._meta.export_name
        )

    def should_export_in_background(self) -> bool:
        """True when an export of this list is a background job rather than a download."""
        if not self._meta.export_kind:
            return False
        if self._meta.export_in_background == "always":
            return True
        return exports.should_run_in_background(self.count)

    # --- URLs and the pieces of the template -------------------------------------------
    def _own_param_names(self) -> list[str]:
        names = [self.param(n) for n in ("sort", "per_page", "page", "cursor")]
        if self.form is not None:
            names += [self.form.add_prefix(n) for n in self.form.fields]
        return names

    def _own_params(self) -> dict[str, list[str]]:
        """The table's own non-empty parameters of the request, each as its encoded
        ``name=value`` pairs, read once per form (a page draws a dozen links from them; a
        view may set ``table.form`` after building it)."""
        cached = self.__dict__.get("_own_params_cache")
        if cached is None or cached[0] is not self.form:
            params = {}
            for name in self._own_param_names():
                values = [v for v in self.params.getlist(name) if v != ""]
                if values:
                    params[name] = [f"{quote_plus(name)}={quote_plus(v)}" for v in values]
            cached = self.__dict__["_own_params_cache"] = (self.form, params)
        return cached[1]

    def url(self, **changes) -> str:
        """This list's URL with some parameters changed (``None`` removes one).

        Only the table's own parameters are carried, so foreign ones never pile up. The
        query is what ``QueryDict.urlencode`` writes (``quote_plus`` of each name and
        value, in order), without building a ``QueryDict`` per link.
        """
        params = dict(self._own_params())
        for key, value in changes.items():
            name = self.param(key)
            if value is None:
                params.pop(name, None)
            else:
                params[name] = [f"{quote_plus(name)}={quote_plus(str(value))}"]
        encoded = "&".join(pair for pairs in params.values() for pair in pairs)
        return f"{self.path}?{encoded}" if encoded else self.path or "?"

    def hidden_params(self, *keep: str) -> list[tuple[str, str]]:
        """(name, value) pairs a form must repeat: ``keep`` are "sort", "per_page", "filters"."""
        names = [self.param(k) for k in keep if k != "filters"]
        if "filters" in keep and self.form is not None:
            names += [self.form.add_prefix(n) for n in self.form.fields]
        return [(n, v) for n in names for v in self.params.getlist(n) if v != ""]

    @property
    def search_hidden(self) -> list[tuple[str, str]]:
        """A new search keeps the order and the page size, and starts at page 1."""
        return self.hidden_params("sort", "per_page")

    @property
    def size_hidden(self) -> list[tuple[str, str]]:
        """A new page size keeps the search and the order, and starts at page 1."""
        return self.hidden_params("sort", "filters")

    @property
    def per_page_param(self) -> str:
        return self.param("per_page")

    @property
    def page_pks_param(self) -> str:
        return self.param("page_pks")

    @property
    def selected_param(self) -> str:
        return self.param("selected")

    @property
    def select_all_param(self) -> str:
        return self.param("select_all")

    @property
    def select_all_toggle_param(self) -> str:
        return self.param("select_all_toggle")

    @cached_property
    def headers(self) -> list[dict]:
        current, desc = self.ordering or (None, False)
        out = []
        if self._meta.select:
            out.append(
                {"label": self._meta.select_label, "select": True, "css_class": "text-center"}
            )
        for col in self.columns:
            header = {
                "label": col.label,
                "sortable": col.sortable,
                "css_class": col.css_class,
                "hidden": col.header_hidden,
                "key": col.name in self._meta.key_columns,
            }
            if col.sortable:
                active = col is current
                next_desc = active and not desc
                header.update(
                    active=active,
                    mark=(SORT_DESC_MARK if desc else SORT_ASC_MARK) if active else SORTABLE_MARK,
                    aria_sort=("descending" if desc else "ascending") if active else "none",
                    url=self.url(
                        sort=f"{'-' if next_desc else ''}{col.name}", page=None, cursor=None
                    ),
                )
            out.append(header)
        return out

    @property
    def counter_text(self) -> str:
        return f"{self._meta.counter_label} {self.count}"

    @property
    def pager_text(self) -> str:
        """'1 - 10 di 37 record - Pagina 1' (P-03)."""
        page = self.page
        return _("%(start)s - %(end)s di %(count)s %(noun)s - Pagina %(page)s") % {
            "start": page.start_index(),
            "end": page.end_index(),
            "count": self.count,
            "noun": (self._meta.noun_one or self._meta.noun)
            if self.count == 1
            else self._meta.noun,
            "page": page.number,
        }

    @cached_property
    def page_links(self) -> list[dict]:
        """Numbered links with an ellipsis when there are many pages: 1 2 3 4 5 … 40."""
        out = []
        for number in self.paginator.get_elided_page_range(
            self.page.number, on_each_side=2, on_ends=1
        ):
            if number == Paginator.ELLIPSIS:
                out.append({"ellipsis": True})
            else:
                out.append(
                    {
                        "number": number,
                        "current": number == self.page.number,
                        "url": self.page_url(number),
                    }
                )
        return out

    @cached_property
    def previous_url(self) -> str:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @cached_property
    def next_url(self) -> str:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def page_size_choices(self) -> list[dict]:
        return [{"value": n, "selected": n == self.per_page} for n in self._meta.page_sizes]

    @property
    def reset_url(self) -> str:
        keep = {k: self.params.get(self.param(k)) for k in ("sort", "per_page")}
        query = QueryDict(mutable=True)
        for key, value in keep.items():
            if value:
                query[self.param(key)] = value
        encoded = query.urlencode()
        return f"{self.path}?{encoded}" if encoded else self.path or "?"

    @property
    def export_action(self) -> str:
        """Where the export form posts: this page with its whole query (but the page number),
        so the view sees the same list the user sees."""
        query = self.params.copy()
        for name in (self.param("page"), self.param("cursor"), self.param("export")):
            query.pop(name, None)
        encoded = query.urlencode()
        return f"{self.path}?{encoded}" if encoded else self.path or "?"

    @property
    def export_param(self) -> str:
        return self.param("export")

    @cached_property
    def export_links(self) -> list[dict]:
        """The export buttons: a download, or "Richiedi export" for a background job."""
        labels = {"xlsx": ".xlsx", "csv": ".csv"}
        background = self.should_export_in_background()
        out = []
        for fmt in self._meta.export_formats:
            label = labels.get(fmt, fmt)
            if background:
                title = _(
                    "Richiedi l'export dell'elenco completo in formato %(fmt)s: lo scarichi "
                    "da I miei Export"
                ) % {"fmt": label}
            else:
                title = _("Scarica l'elenco completo in formato %(fmt)s") % {"fmt": label}
            out.append(
                {
                    "format": fmt,
                    "label": label,
                    "title": title,
                    "background": background,
                    "icon": f"it-file-{fmt}",
                }
            )
        return out

    @property
    def meta(self) -> Options:
        return self._meta
