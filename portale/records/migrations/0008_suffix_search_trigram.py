"""Suffix search by the last digits of a number or an ICCID (issue 17).

This migration created trigram GIN indexes (``pg_trgm``) on the line number and the ICCID.
Migration 0017 replaced them with B-tree indexes on the reversed values and drops them, so a
database migrated from scratch no longer creates them here, nor needs the ``pg_trgm``
extension; a database that applied this before keeps the extension, unused.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("records", "0007_line_tally")]

    operations = []
