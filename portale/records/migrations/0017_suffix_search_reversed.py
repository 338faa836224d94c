"""Search by the last digits, read as a prefix of the reversed value (issue 17).

``msisdn LIKE '%digits'`` is ``reverse(msisdn) LIKE 'stigid%'``: on PostgreSQL a B-tree index
on the reversed number (``text_pattern_ops``, so the prefix is a range whatever the
collation) reads the few matching entries. The trigram indexes of migration 0008 answered it
too, about as fast once cached (0.17 against 0.08 ms a lookup of 7 digits on the
100,000-line contract, SCALING.md), but at twice the size, with the ``pg_trgm`` extension,
and not for one or two digits; nothing else searches these columns by substring, so they
go. SQLite gets nothing (the same rows, read by a scan).
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS records_line_msisdn_reversed ON records_line "
    "(reverse(msisdn) text_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS records_sim_iccid_reversed ON records_sim "
    "(reverse(iccid) text_pattern_ops)",
    "DROP INDEX IF EXISTS records_line_msisdn_trgm",
    "DROP INDEX IF EXISTS records_sim_iccid_trgm",
    # the statistics of the new expressions, so the planner sees how selective a suffix is
    "ANALYZE records_line",
    "ANALYZE records_sim",
]
DROP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",  # 0008 no longer creates it
    "CREATE INDEX IF NOT EXISTS records_line_msisdn_trgm ON records_line "
    "USING gin (msisdn gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS records_sim_iccid_trgm ON records_sim "
    "USING gin (iccid gin_trgm_ops)",
    "DROP INDEX IF EXISTS records_line_msisdn_reversed",
    "DROP INDEX IF EXISTS records_sim_iccid_reversed",
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
    dependencies = [("records", "0016_threshold_erosion_due")]

    operations = [migrations.RunPython(create, drop)]
