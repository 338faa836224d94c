"""Set many rows' columns in one statement: ``UPDATE ... FROM (VALUES ...)``.

Django's ``bulk_update`` writes one ``CASE WHEN id = ... THEN ...`` per field, whose cost
grows with the square of the batch; the rating engine updates thousands of events per batch
(and the thresholds' consumption, the threshold engine their erosion), so they use this
instead (PostgreSQL and SQLite ≥ 3.33; other engines fall back).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

CHUNK = 1000
PG_TYPES = {
    "DecimalField": "numeric",
    "DateTimeField": "timestamptz",
    "DateField": "date",
    "BigAutoField": "bigint",
    "AutoField": "integer",
    "PositiveBigIntegerField": "bigint",
    "BigIntegerField": "bigint",
    "IntegerField": "integer",
    "PositiveIntegerField": "integer",
    "SmallIntegerField": "smallint",
    "PositiveSmallIntegerField": "smallint",
    "BooleanField": "boolean",
}


def values_update(model: type[models.Model], objs: Sequence[models.Model], fields: list[str]):
    if not objs:
        return
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        model.objects.bulk_update(objs, fields, batch_size=200)
        return
    meta = model._meta
    pk = meta.pk
    flds = [meta.get_field(f) for f in fields]
    all_fields = [pk, *flds]
    table = connection.ops.quote_name(meta.db_table)
    qn = connection.ops.quote_name
    if vendor == "postgresql":
        row = (
            "("
            + ", ".join(f"%s::{PG_TYPES.get(f.get_internal_type(), 'text')}" for f in all_fields)
            + ")"
        )
        alias = "v(" + ", ".join(qn(f.column) for f in all_fields) + ")"
        refs = [f"v.{qn(f.column)}" for f in all_fields]
        where = f"{table}.{qn(pk.column)} = v.{qn(pk.column)}"
    else:
        row = "(" + ", ".join(["%s"] * len(all_fields)) + ")"
        alias = "v"
        refs = [f"v.column{i + 1}" for i in range(len(all_fields))]
        where = f"{table}.{qn(pk.column)} = v.column1"
    sets = ", ".join(f"{qn(f.column)} = {refs[i + 1]}" for i, f in enumerate(flds))
    with connection.cursor() as cur:
        for start in range(0, len(objs), CHUNK):
            chunk = objs[start : start + CHUNK]
            params = []
            for obj in chunk:
                params.append(obj.pk)
                for f in flds:
                    params.append(f.get_db_prep_save(getattr(obj, f.attname), connection))
            values = ", ".join([row] * len(chunk))
            cur.execute(
                f"UPDATE {table} SET {sets} FROM (VALUES {values}) AS {alias} WHERE {where}", params
            )
