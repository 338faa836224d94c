"""Suffix search by the last digits of a number or an ICCID (issue 17).

``msisdn LIKE '%digits'`` cannot use a B-tree index: on PostgreSQL, trigram GIN indexes
(pg_trgm) on the line number and the ICCID answer it. SQLite gets nothing (the same query,
the same rows, read by a scan as before)."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS records_line_msisdn_trgm ON records_line "
    "USING gin (msisdn gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS records_sim_iccid_trgm ON records_sim "
    "USING gin (iccid gin_trgm_ops)",
]
DROP = [
    "DROP INDEX IF EXISTS records_line_msisdn_trgm",
    "DROP INDEX IF EXISTS records_sim_iccid_trgm",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("records", "0007_line_tally")]

    operations = [migrations.RunPython(create, drop)]
