"""Dates a person types: one field and one period check for every form.

The date picker sends ISO (aaaa-mm-gg); a person typing, a browser without the picker or a
link someone edited sends gg/mm/aaaa or anything else. Every form reads both formats, says
the same thing when it reads neither, and refuses a year before 1900 (a typo such as
"01/01/0001" is not a date anyone means, and a window around it overflows the datetime
range). A period's problems ("Al" before "Dal", a day outside the dates the page can show)
are reported next to the field concerned, never as a message for the whole form.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

INPUT_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
EARLIEST = datetime.date(1900, 1, 1)
INVALID = _("Data non valida: scrivila come gg/mm/aaaa.")
REVERSED = _('La data "Al" non può precedere la data "Dal": correggi una delle due.')
OUTSIDE = _("Il periodo deve essere compreso tra il %(lo)s e il %(hi)s.")


def parse_date(raw: str) -> datetime.date | None:
    """``raw`` read in either format, or None when it is not a date from 1900 on."""
    raw = (raw or "").strip()
    for fmt in INPUT_FORMATS:
        try:
            value = datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        return value if value >= EARLIEST else None
    return None


class DateField(forms.DateField):
    """A date in either format, with the portal's message when it is neither."""

    default_error_messages = {"invalid": INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value < EARLIEST:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def check_period(
    form: forms.Form,
    start: str = "dal",
    end: str = "al",
    *,
    window: tuple[datetime.date, datetime.date] | None = None,
    window_message=OUTSIDE,
) -> None:
    """From a form's ``clean()``: the period's errors next to its two fields.

    "Al" before "Dal" is said under "Al"; a day outside ``window`` (inclusive) under its own
    field, unless that field already has the order error: one message a field."""
    data = form.cleaned_data
    since, until = data.get(start), data.get(end)
    reversed_period = bool(since and until and since > until)
    if reversed_period:
        form.add_error(end, REVERSED)
    if window is None:
        return
    lo, hi = window
    message = window_message % {"lo": lo.strftime("%d/%m/%Y"), "hi": hi.strftime("%d/%m/%Y")}
    if since and not lo <= since <= hi:
        form.add_error(start, message)
    if until and not reversed_period and not lo <= until <= hi:
        form.add_error(end, message)
