"""``row_url`` (``core/lists/links.py``, issue 17) gives the URL ``reverse()`` gives, for any
integer, under another script prefix too."""

from types import SimpleNamespace

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

from portale.core.lists import row_url


@pytest.mark.parametrize(
    ("viewname", "kwarg"),
    [("thresholds:erosion", "line_id"), ("thresholds:notification_detail", "pk")],
)
def test_row_url_is_reverse(viewname, kwarg):
    link = row_url(viewname, kwarg, "x")
    for value in (0, 1, 7, 10, 99, 123456789):
        assert link(SimpleNamespace(x=value)) == reverse(viewname, kwargs={kwarg: value})
    set_script_prefix("/portale/")
    try:
        assert link(SimpleNamespace(x=42)) == reverse(viewname, kwargs={kwarg: 42})
        assert link(SimpleNamespace(x=42)).startswith("/portale/")
    finally:
        clear_script_prefix()
    assert link(SimpleNamespace(x=42)) == reverse(viewname, kwargs={kwarg: 42})


def test_row_url_of_a_text_argument_given_integers():
    link = row_url("cases:order_detail", "number")
    for value in (0, 5, 2026000123):
        row = SimpleNamespace(number=value)
        assert link(row) == reverse("cases:order_detail", kwargs={"number": value})
