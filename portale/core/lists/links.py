"""Links of list cells to a page per row (issue 17).

``reverse()`` walks the URL resolver for every call: ~30 µs a row, the largest per-row cost
of a list whose rows each link to a detail page (Monitoring soglie: 50 rows a page).
``row_url`` reverses the URL once (per script prefix and URL configuration) and then only
writes the row's integer in its place: the same URL ``reverse()`` gives.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import get_script_prefix, get_urlconf, reverse


def _split(viewname: str, kwarg: str) -> tuple[str, str]:
    """The URL around its integer argument: (head, tail) with url = head + str(n) + tail."""
    zero = reverse(viewname, kwargs={kwarg: 0})
    one = reverse(viewname, kwargs={kwarg: 1})
    i = next(i for i, (a, b) in enumerate(zip(zero, one, strict=False)) if a != b)
    head, tail = zero[:i], zero[i + 1 :]
    if one != f"{head}1{tail}" or reverse(viewname, kwargs={kwarg: 23}) != f"{head}23{tail}":
        raise ValueError(f"{viewname}: {kwarg} is not a plain integer of the URL")
    return head, tail


def row_url(viewname: str, kwarg: str, attr: str | None = None) -> Callable[[object], str]:
    """``row → reverse(viewname, kwargs={kwarg: row.<attr>})`` for a URL whose one argument
    is an ``<int:…>`` (``attr`` defaults to ``kwarg``)."""
    attr = attr or kwarg
    cache: dict[tuple, tuple[str, str]] = {}

    def link(row) -> str:
        key = (get_script_prefix(), get_urlconf())
        parts = cache.get(key)
        if parts is None:
            parts = cache[key] = _split(viewname, kwarg)
        return f"{parts[0]}{int(getattr(row, attr))}{parts[1]}"

    return link
