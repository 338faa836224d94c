"""Tabs: the links between a page and its sibling pages ("Monitoring erosione" | "Ricerca
avanzata"), one markup everywhere (``core/_tabs.html``): a labelled navigation list of
links, not ARIA tabs, since each tab is a page of its own; on a phone the row scrolls
sideways instead of wrapping into ragged rows.

Views build the list with ``tabs`` (URL names) or ``capability_tabs`` (capability codes:
a tab the user's profiles cannot open is left out) and pass it with ``tabs_label``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from . import capabilities


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    active: bool = False


def window_title(*parts) -> str:
    """The window title of a page that sits among siblings, from the page to its section
    ("Gestione referenti - Dati aziendali"): the browser tab and the history name the page
    where sibling pages share one heading (``document_title`` in ``base_private.html``).
    Empty parts are left out."""
    return " - ".join(str(p) for p in parts if p)


def tabs(items: Iterable[tuple[str, str, str]], *, active: str) -> list[Tab]:
    """``items``: (key, label, URL name); the tab whose key is ``active`` is the current page."""
    return [Tab(label, reverse(name), key == active) for key, label, name in items]


def capability_tabs(portal, items: Iterable[tuple[str, str]], *, path: str) -> list[Tab]:
    """``items``: (capability code, label); the tab whose URL is ``path`` is the current page."""
    out = []
    for code, label in items:
        cap = capabilities.get(code)
        if cap.url and cap.allows(portal):
            out.append(Tab(label, cap.url, cap.url == path))
    return out
