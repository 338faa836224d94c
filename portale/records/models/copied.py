"""Columns a database trigger copies onto a row from its line (issue 17: the line's number
and contract on the rows listed by them, ``records/sortkey_sql.py``), never written by
Django: one declaration for SIMs, STS and thresholds."""

from django.db import models


def copied_msisdn() -> models.CharField:
    """The line's number ('' on no line)."""
    return models.CharField(max_length=15, blank=True, default="", editable=False)


def copied_contract() -> models.ForeignKey:
    """A contract id copied from the line: no constraint, no index of its own (the list's
    index leads with it), no reverse accessor."""
    return models.ForeignKey(
        "records.Contract",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
