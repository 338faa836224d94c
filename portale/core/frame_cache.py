"""Rendered pieces of the page frame kept per process (issue 17).

The frame every private page shares — the ``<head>`` links, the main menu, the footer —
was rendered from scratch on every request: ~100 capability checks, ~40 ``static()`` and
``reverse()`` calls, ~150 translations, for HTML that depends only on a few values (the
user's menu, the current path, the language). ``{% framecache "name" v1 v2 %}…{% endframecache %}``
renders its body once per process for each (name, language, URL prefix and conf, v1,
v2, …) and serves the string after that.

What goes inside must depend on nothing but the listed values and the deployed code: no
user name, no CSRF token, no counts, no messages. A change of code restarts the
processes; a change of settings (tests) empties the store. The store is bounded: past
``MAX_ENTRIES`` it starts over (a few menus × the ~70 menu paths in practice, ~15 KB each).
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

MAX_ENTRIES = 1024
_STORE: dict[tuple, str] = {}


def key(name: str, *vary) -> tuple:
    return (name, get_language(), get_script_prefix(), get_urlconf(), *vary)


def get_or_render(name: str, vary: tuple, render) -> str:
    k = key(name, *vary)
    html = _STORE.get(k)
    if html is None:
        html = render()
        if len(_STORE) >= MAX_ENTRIES:
            _STORE.clear()
        _STORE[k] = html
    return html


def clear(**kwargs) -> None:
    _STORE.clear()


setting_changed.connect(clear, dispatch_uid="portale.core.frame_cache.clear")
