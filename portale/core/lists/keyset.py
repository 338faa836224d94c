"""Keyset pagination of the declared lists (issue 17): deep pages without large OFFSETs.

A page of a list is the ``per_page`` rows after the last row of the page before, in the
list's order (the sort column, then ``pk``, so the order is total). ``OFFSET 49,990`` makes
the database read and throw away 49,990 rows — on the 100,000-line contract a deep page of
"Consistenze di dettaglio" cost about a second. Instead every page link carries a
*cursor*: the page it was drawn on and the sort keys of that page's first and last rows
(signed, so a forged cursor is ignored, never trusted). Page N is then read as "the rows
after the last row of page A" (N > A) or "the rows before the first row of page A" (N < A),
an index range read: ``WHERE (key, pk) > (…) ORDER BY key, pk LIMIT per_page``, with an
OFFSET only of the pages skipped between A and N (at most the pager's two neighbours).

What users see does not change: numbered pages, "Pagina N", the count, sort, page size,
search and exports. A URL without a cursor (typed, bookmarked, or page 1 and the last page
that the pager links without one) is read from the nearer end of the list: the last pages
are a reversed read with a small OFFSET, page 1 has none. A page further than
``JUMP_OFFSET`` rows from both ends is *jumped to* when the list's first sort column is a
column of its own table that leads an index: a narrow read finds the page's first key
(``boundary``: the key columns only, OFFSET k LIMIT 1 along that index, no joined or
``select_related`` columns), then the page is read as a cursor page is, "the rows at or
after that key" (EXPLAIN ANALYZE, ``bench/deep_pages.py``: Storico pratiche page 3,000 of
6,000, 42 → 10 ms; back office "Linee" page 5,000, 88 → 14 ms). An index counts too when
the columns before the sort column are fixed by the list's scope (``contract = X``; see
``indexed``). Sorted on a joined table's column or on a column that leads no index, both
reads walk or sort the whole list; the jump would add a second such read, so the OFFSET
read is kept there. The lists sorted by the line's number ("Su linea", "Servizi su linea",
"Monitoring soglie") therefore sort and scope on the line's number and contract copied onto
their own rows by triggers (``portale/records/sortkey_sql.py``), indexed as
``(contract, line_msisdn, …)``: their deep pages are jumps too.

NULLs: the order puts them after every value (ascending) and first when descending, as
PostgreSQL does by default, on every database (SQLite would put them first), so the keyset
predicate is the same on both. A sort field is NULL-able when its column is; a NOT NULL
column reached through a relation the list's rows may lack (an outer join the scope does
not exclude) would need declaring NULL-able: no list of the portal has one (each scopes its
rows through the relation it sorts on), and the ``IS NULL`` arm costs the index range read
(EXPLAIN ANALYZE, "Su linea" page 5,000: 6.5 ms without it, 27 ms with it, 382 ms OFFSET).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import Col, OrderBy
from django.db.models.lookups import Exact
from django.db.models.sql.query import Query
from django.db.models.sql.where import AND, WhereNode

SALT = "portale.lists.keyset"
# A page further than this many rows from both ends and from the cursor's page is found by
# its boundary key (``boundary``) instead of an OFFSET over the list's whole rows. Below it
# the second query costs more than it saves (in-process page read, Storico pratiche and
# back office "Linee": even at offsets 500-1,000, the jump ahead only from there on).
JUMP_OFFSET = 1000


class KeyField:
    """One column of the list's order: its ORM name, direction and whether it may be NULL."""

    __slots__ = ("desc", "name", "nullable")

    def __init__(self, name: str, desc: bool, nullable: bool):
        self.name, self.desc, self.nullable = name, desc, nullable

    def order_by(self, reverse: bool = False) -> OrderBy | str:
        desc = self.desc != reverse
        if not self.nullable:
            return f"-{self.name}" if desc else self.name
        # NULL is the largest value, on every database (PostgreSQL's default).
        if desc:
            return OrderBy(F(self.name), descending=True, nulls_first=True)
        return OrderBy(F(self.name), nulls_last=True)

    def beyond(self, value, reverse: bool) -> Q | None:
        """Rows strictly after ``value`` in this column's direction (None: no row is)."""
        desc = self.desc != reverse
        n = self.name
        if desc:  # NULLs first, then large → small
            if value is None:
                return Q(**{f"{n}__isnull": False})
            return Q(**{f"{n}__lt": value})
        if value is None:  # ascending: NULLs last, nothing comes after them
            return None
        q = Q(**{f"{n}__gt": value})
        return q | Q(**{f"{n}__isnull": True}) if self.nullable else q

    def reached(self, value, reverse: bool) -> Q | None:
        """Rows at or after ``value``: a plain range bound the planner reads from an index."""
        desc = self.desc != reverse
        if value is None:
            return None if desc else Q(**{f"{self.name}__isnull": True})
        lookup = "lte" if desc else "gte"
        q = Q(**{f"{self.name}__{lookup}": value})
        if self.nullable and not desc:
            q |= Q(**{f"{self.name}__isnull": True})
        return q

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})


def key_fields(queryset: QuerySet, order: tuple[str, ...]) -> list[KeyField] | None:
    """The order as ``KeyField``s, or None when a field cannot be resolved on the query."""
    query = queryset.all().query  # a clone: resolving may add joins, never to the list's own
    out = []
    for raw in order:
        name = raw.lstrip("-")
        try:
            expr = query.resolve_ref(name)
        except (FieldError, AttributeError, ValueError):
            return None
        target = getattr(expr, "target", None)
        nullable = True if target is None else bool(target.null)
        out.append(KeyField(name, raw.startswith("-"), nullable))
    return out


def indexed(queryset: QuerySet, field: KeyField) -> bool:
    """True when ``field`` is a column of the listed table that leads one of its indexes,
    or follows in one the columns the list's scope fixes by equality (the contract of
    ``(listed_contract, line_msisdn, …)`` on "Su linea": ``listed_contract = X``). A
    ``values()`` alias of such a column (``numero=F("line_msisdn")``) is the column.

    Only then is a deep page's boundary read (``boundary``) cheaper than the OFFSET read:
    it walks that index. On a column of a joined table (the line's number on a list of
    SIMs read through the line) or one that leads no index, either read walks or sorts the
    joined list, and the jump adds a second such read (EXPLAIN ANALYZE on the
    100,000-line contract, ``bench/deep_pages.py``).
    """
    if field.name == "pk":
        return True
    if "__" in field.name:
        return False
    name = field.name
    if name in queryset.query.annotations:
        name = _own_column(queryset, queryset.query.annotations[name])
        if name is None:
            return False
    opts = queryset.model._meta
    try:
        column = opts.get_field(name)
    except FieldDoesNotExist:
        return False
    if not column.concrete:
        return False
    if column.primary_key or column.unique or column.db_index:
        return True
    pinned = _pinned(queryset.query.where, queryset.query.base_table)
    for index in opts.indexes:
        names = [n.lstrip("-") for n in index.fields]
        if index.condition is not None and not _implied(index.condition, pinned):
            continue
        lead = 0
        while lead < len(names) and names[lead] in pinned and names[lead] != column.name:
            lead += 1
        if lead < len(names) and names[lead] == column.name:
            return True
    return False


def _own_column(queryset: QuerySet, expression) -> str | None:
    """The name of the listed table's field ``expression`` reads as is, else None."""
    if isinstance(expression, Col) and expression.alias == queryset.query.base_table:
        return expression.target.name
    return None


def _pinned(where, alias: str) -> set[str]:
    """The listed table's fields its WHERE fixes to one value (``field = value`` ANDed at
    the top, not negated)."""
    if where.connector != AND or where.negated:
        return set()
    out = set()
    for child in where.children:
        if isinstance(child, WhereNode):
            out |= _pinned(child, alias)
        elif (
            isinstance(child, Exact)
            and isinstance(child.lhs, Col)
            and child.lhs.alias == alias
            and not hasattr(child.rhs, "resolve_expression")
            and child.rhs is not None
        ):
            out.add(child.lhs.target.name)
    return out


def _implied(condition: Q, pinned: set[str]) -> bool:
    """True when a partial index's condition holds on every row of the list: only the
    ``field__isnull=False`` of a field the list fixes to a value is recognised."""
    if condition.negated or condition.connector != Q.AND:
        return False
    for child in condition.children:
        if not isinstance(child, tuple):
            return False
        lookup, value = child
        if not (lookup.endswith("__isnull") and value is False):
            return False
        if lookup.removesuffix("__isnull") not in pinned:
            return False
    return True


def boundary(queryset: QuerySet, fields: list[KeyField], offset: int) -> list | None:
    """The sort key of the row at ``offset`` of the ordered ``queryset`` (None past its end).

    Only the key columns are read: no joined row's other columns, no ``select_related``;
    and where the list's scope, search and keys read only the listed table, from that table
    alone (``narrow``), so the database may answer from the index without the rows.
    """
    names = [f.name for f in fields]
    source = narrow(queryset, fields)
    rows = list((queryset if source is None else source).values_list(*names)[offset : offset + 1])
    return list(rows[0]) if rows else None


def narrow(queryset: QuerySet, fields: list[KeyField]) -> QuerySet | None:
    """``queryset`` as a query of the listed table alone: its WHERE and order, without the
    joins of its other columns ("Su linea"'s line and tariff plan, outer joins the
    database would drop but that still keep it from an index-only read); None when the
    scope, the search or a key reads another table, or the query is not a plain one."""
    query = queryset.query
    if query.distinct or query.group_by is not None or query.combinator or query.extra:
        return None
    aliases = {}
    opts = queryset.model._meta
    for field in fields:
        if field.name == "pk":
            continue
        if field.name in query.annotations:
            column = _own_column(queryset, query.annotations[field.name])
            if column is None:
                return None
            aliases[field.name] = F(column)
            continue
        try:
            if not opts.get_field(field.name).concrete:
                return None
        except FieldDoesNotExist:
            return None
    if not _reads_only(query.where, {query.base_table}):
        return None
    out = queryset.model._base_manager.annotate(**aliases)
    out.query.where = query.where.clone()
    return out.order_by(*query.order_by)


def _reads_only(node, aliases: set[str]) -> bool:
    """True when ``node`` (a WHERE, a lookup, an expression, a subquery) reads no table but
    ``aliases`` and its subqueries' own."""
    if isinstance(node, Query):
        inner = aliases | set(node.alias_map)
        parts = [node.where, *node.select, *node.annotations.values()]
        return all(_reads_only(part, inner) for part in parts)
    if isinstance(node, Col):
        return node.alias in aliases
    if isinstance(node, WhereNode):
        return all(_reads_only(child, aliases) for child in node.children)
    parts = list(node.get_source_expressions()) if hasattr(node, "get_source_expressions") else []
    inner = getattr(node, "query", None)
    if isinstance(inner, Query):
        parts.append(inner)
    return all(part is None or _reads_only(part, aliases) for part in parts)


def order_by(fields: list[KeyField], reverse: bool = False) -> list:
    return [f.order_by(reverse) for f in fields]


def after(fields: list[KeyField], key: list, *, reverse: bool = False, inclusive=False) -> Q:
    """Rows after the row whose sort key is ``key`` (before it when ``reverse``).

    ``(a, b, pk) > (ka, kb, kpk)`` written out so NULLs and mixed directions work:
    ``a > ka OR (a = ka AND (b > kb OR (b = kb AND pk > kpk))))``, and ANDed with the plain
    bound ``a >= ka`` so the database reads the range from the index on ``a``.
    ``inclusive``: the row itself too (a page re-read from its own first row).
    """
    tail: Q | None = None if not inclusive else Q()
    for field, value in reversed(list(zip(fields, key, strict=True))):
        step = field.beyond(value, reverse)
        equal_and_tail = field.equal(value) & tail if tail is not None else None
        if step is None and equal_and_tail is None:
            tail = Q(pk__in=[])  # nothing
        elif step is None:
            tail = equal_and_tail
        elif equal_and_tail is None:
            tail = step
        else:
            tail = step | equal_and_tail
    bound = fields[0].reached(key[0], reverse)
    return tail & bound if bound is not None else tail


# --- the cursor carried by page links ----------------------------------------------------
def _enc(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return {"d": str(value)}
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"D": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    raise TypeError(type(value))


def _dec(value):
    if not isinstance(value, dict):
        return value
    ((tag, text),) = value.items()
    return {
        "d": decimal.Decimal,
        "t": datetime.datetime.fromisoformat,
        "D": datetime.date.fromisoformat,
        "u": uuid.UUID,
    }[tag](text)


def fingerprint(*parts) -> str:
    """What a cursor is valid for (order, page size, search): another list ignores it."""
    return hashlib.blake2s(repr(parts).encode(), digest_size=6).hexdigest()


def dumps(page: int, first: list, last: list, fp: str) -> str:
    data = {"p": page, "f": [_enc(v) for v in first], "l": [_enc(v) for v in last], "x": fp}
    return signing.dumps(data, salt=SALT, compress=True)


def loads(token: str, fp: str, width: int) -> tuple[int, list, list] | None:
    """(page, first key, last key) of a valid cursor for this list, else None."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT)
        if data["x"] != fp:
            return None
        first, last = [_dec(v) for v in data["f"]], [_dec(v) for v in data["l"]]
        page = int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if len(first) != width or len(last) != width or page < 1:
        return None
    return page, first, last
