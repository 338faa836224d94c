"""One row by a unique key, with its statement compiled once per process and database.

Why (issue 17): every logged-in request reads its user by primary key
(``AuthenticationMiddleware``). Through the ORM, ``User.objects.get(pk=…)`` clones a
queryset, builds the filter, compiles a 22-column SELECT and instantiates the row: 0.22 ms,
measured by timeit on the 100,000-line bench database; the empty framed page costs 1.6 ms in
all, and the user's read was its largest single part (cProfile). The statement's text does
not change from one request to the next, only the key does: ``KeyedRead`` compiles it once,
then runs it with the key, applies the backend's converters (SQLite's booleans and aware
datetimes, as the ORM does) and builds the instance with ``Model.from_db``, as the ORM's
iterator does: 0.05 ms for the same row, the same field values.

Only for a lookup on one unique field (``pk`` or ``unique=True``), which matches at most one
row: ``get`` returns that row or None.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


class KeyedRead(Generic[M]):
    def __init__(self, model: type[M], field: str = "pk"):
        key = model._meta.pk if field == "pk" else model._meta.get_field(field)
        if not (key.primary_key or key.unique):
            raise ValueError(f"{model.__name__}.{field} is not unique")
        self.model, self.field, self.key = model, field, key
        # database alias → (SQL, attribute names, converters); a dict write is atomic, and
        # two threads compiling the same statement at once only repeat each other's work.
        self._compiled: dict[str, tuple[str, list[str], dict]] = {}

    def _compile(self, alias: str) -> tuple[str, list[str], dict]:
        placeholder = self.key.to_python(0 if isinstance(self.key, models.IntegerField) else "")
        queryset = self.model._default_manager.using(alias).filter(**{self.field: placeholder})
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if len(params) != 1:  # e.g. a default manager that filters: compile nothing
            raise ValueError(f"{self.model.__name__}: not a plain lookup ({len(params)} values)")
        select = [expression for expression, _sql, _alias in compiler.select]
        names = [expression.target.attname for expression in select]
        found = self._compiled[alias] = (sql, names, compiler.get_converters(select))
        return found

    def get(self, value) -> M | None:
        """The row whose key is ``value``, or None (none, or a value the key cannot hold)."""
        alias = router.db_for_read(self.model)
        sql, names, converters = self._compiled.get(alias) or self._compile(alias)
        connection = connections[alias]
        try:
            value = self.key.get_db_prep_value(self.key.to_python(value), connection)
        except (ValidationError, TypeError, ValueError):
            return None
        with connection.cursor() as cursor:
            cursor.execute(sql, (value,))
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:  # as SQLCompiler.apply_converters does for each row
            row = list(row)
            for index, (convs, expression) in converters.items():
                for converter in convs:
                    row[index] = converter(row[index], expression, connection)
        return self.model.from_db(alias, names, row)
