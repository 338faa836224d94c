"""The one date field and period check that every form uses (core/dates.py)."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from portale.core.dates import INVALID, REVERSED, DateField, check_period, parse_date

WINDOW = (datetime.date(2026, 10, 1), datetime.date(2026, 11, 30))


class _Period(forms.Form):
    dal = DateField(required=False)
    al = DateField(required=False)

    def __init__(self, *args, window=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.window = window

    def clean(self):
        data = super().clean()
        check_period(self, window=self.window)
        return data


@pytest.mark.parametrize("raw", ["2026-11-05", "05/11/2026", " 05/11/2026 "])
def test_both_formats_read_the_same_day(raw):
    assert parse_date(raw) == datetime.date(2026, 11, 5)
    form = _Period({"dal": raw})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["dal"] == datetime.date(2026, 11, 5)


@pytest.mark.parametrize("raw", ["ieri", "31/02/2026", "2026-13-01", "01/01/0001", "1899-12-31"])
def test_a_non_date_or_a_year_before_1900_is_refused_with_the_format(raw):
    assert parse_date(raw) is None
    form = _Period({"dal": raw})
    assert not form.is_valid()
    assert form.errors["dal"] == [str(INVALID)]


def test_al_before_dal_is_said_under_al_only():
    form = _Period({"dal": "10/11/2026", "al": "01/11/2026"}, window=WINDOW)
    assert not form.is_valid()
    assert form.errors == {"al": [str(REVERSED)]}


def test_a_day_outside_the_window_is_said_under_its_own_field():
    form = _Period({"dal": "30/09/2026", "al": "01/12/2026"}, window=WINDOW)
    assert not form.is_valid()
    assert set(form.errors) == {"dal", "al"}
    assert "tra il 01/10/2026 e il 30/11/2026" in form.errors["dal"][0]
    assert _Period({"dal": "01/10/2026", "al": "30/11/2026"}, window=WINDOW).is_valid()
