"""What every screen and document owes the reader, checked over the whole project.

- The product never refers to its own user guide: no "v. Appendice 1", no "(par. 7.1.2)".
- Every declared list names its key columns (``Meta.key_columns``), the columns a phone shows
  first in each card and the 360 px browser walk asserts are visible.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver

from portale.core.lists import Table

ROOT = Path(settings.BASE_DIR) / "portale"
# "Appendice 1", "v. Appendice", "par. 7.1.2", "(par." — a pointer into the guide's text.
GUIDE_REFERENCE = re.compile(r"Appendice|\bpar\.(\s|\"|'|\d|$)")


def _templates() -> list[Path]:
    return sorted(
        p for p in ROOT.rglob("templates/**/*") if p.suffix in {".html", ".txt"} and p.is_file()
    )


def test_templates_are_found():
    names = {p.name for p in _templates()}
    assert {"summary.html", "invoice.html", "price_list.html", "history.html"} <= names


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_screen_or_pdf_refers_to_the_guide_by_paragraph(path):
    hits = [
        f"{n}: {line.strip()[:120]}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if GUIDE_REFERENCE.search(line)
    ]
    assert not hits, "the product quotes its user guide:\n" + "\n".join(hits)


def test_the_guide_reference_pattern_catches_what_it_should():
    for text in ('({% translate "v. Appendice 1" %})', '({% translate "par." %} 7.1.2)', "par. 7"):
        assert GUIDE_REFERENCE.search(text), text
    for text in ("parametri", "Sepa r.", "compar.ire"):
        assert not GUIDE_REFERENCE.search(text), text


def _tables() -> list[type[Table]]:
    get_resolver().url_patterns  # noqa: B018 - imports every view
    for app in apps.get_app_configs():
        for module in ("tables", "views"):
            if app.name.startswith("portale.") and importlib.util.find_spec(f"{app.name}.{module}"):
                importlib.import_module(f"{app.name}.{module}")
    out, todo = [], list(Table.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("portale.") and ".tests." not in cls.__module__:
            out.append(cls)
    return sorted(set(out), key=lambda c: f"{c.__module__}.{c.__name__}")


def test_tables_are_found():
    names = {c.__name__ for c in _tables()}
    assert {"CaseTable", "InvoiceTable", "SubscriptionTrafficTable", "LinesDetail"} <= names


@pytest.mark.parametrize("table", _tables(), ids=lambda c: c.__name__)
def test_every_list_declares_its_key_columns(table):
    if not table.base_columns:
        pytest.skip("an abstract base (no columns)")
    keys = table._meta.key_columns
    assert keys, f"{table.__name__}: declare Meta.key_columns"
    unknown = set(keys) - set(table.base_columns)
    assert not unknown, f"{table.__name__}: key columns that are not columns: {unknown}"
