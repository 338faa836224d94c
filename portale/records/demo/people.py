"""Deterministic Italian people, addresses and numbers for the demo data."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from faker import Faker

from . import italian

SEED = 8
TOPONYMS = ["VIA", "VIA", "VIA", "VIALE", "PIAZZA", "CORSO", "LARGO"]
STREETS = [
    "Giuseppe Garibaldi",
    "Roma",
    "Giuseppe Mazzini",
    "Camillo Benso di Cavour",
    "Dante Alighieri",
    "Guglielmo Marconi",
    "Vittorio Emanuele II",
    "XX Settembre",
    "IV Novembre",
    "Giacomo Matteotti",
    "Antonio Gramsci",
    "della Repubblica",
    "Giuseppe Verdi",
    "Alessandro Manzoni",
    "Giacomo Leopardi",
    "Giosuè Carducci",
    "Cristoforo Colombo",
    "dei Mille",
    "San Francesco",
    "Aldo Moro",
    "della Libertà",
    "Europa",
    "Nazionale",
    "della Stazione",
]


@dataclass
class Person:
    first_name: str
    last_name: str
    female: bool
    birth_date: datetime.date
    birthplace: italian.Comune
    fiscal_code: str

    @property
    def email_local(self) -> str:
        def clean(s: str) -> str:
            return "".join(ch for ch in s.lower() if ch.isalpha())

        return f"{clean(self.first_name)}.{clean(self.last_name)}"


class Source:
    """The one random source of a demo run: ``random.Random(8)`` and a seeded Faker."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("it_IT")
        self.fake.seed_instance(seed)
        self.used_numbers: set[str] = set()

    # -- people -------------------------------------------------------------------------

    def person(self) -> Person:
        female = self.rng.random() < 0.5
        first = self.fake.first_name_female() if female else self.fake.first_name_male()
        last = self.fake.last_name()
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 14600))
        place = self.rng.choice(italian.birthplaces())
        return self.make_person(first, last, female, birth, place)

    @staticmethod
    def make_person(
        first: str, last: str, female: bool, birth: datetime.date, place: italian.Comune
    ) -> Person:
        cf = italian.fiscal_code(
            first_name=first,
            last_name=last,
            birth_date=birth,
            female=female,
            birthplace_code=place.cadastral_code,
        )
        return Person(first, last, female, birth, place, cf)

    # -- addresses ----------------------------------------------------------------------

    def street(self) -> tuple[str, str, str]:
        """(toponym, street, civic number): common Italian street names."""
        return self.rng.choice(TOPONYMS), self.rng.choice(STREETS), str(self.rng.randint(1, 180))

    # -- numbers ------------------------------------------------------------------------

    def mobile(self, prefixes: tuple[str, ...] = ("331", "333", "334", "338", "368")) -> str:
        while True:
            number = self.rng.choice(prefixes) + f"{self.rng.randrange(10**7):07d}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def reserve(self, *numbers: str) -> None:
        self.used_numbers.update(n for n in numbers if n)
