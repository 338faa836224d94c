"""The demo logins: one source for ``demo_data``, ``demo_data --logins`` and the README."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DEMO_PASSWORD = "Demo.Portale8!"

# Contract codes of the demo set (the first two are the guide's own examples).
CONTRACT_CODES = ["888010088938", "888010089447", "888010090012", "888010090013", "888010091105"]
BULK_CONTRACT_CODE = "888010100000"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    female: bool
    birth_date: datetime.date
    birthplace: str  # a comune name (its codice catastale goes into the CF)
    mobile: str  # "" for the back-office operator
    profile: str  # what the person sees in the portal
    administration: int | None = None  # index into the demo administrations
    is_staff: bool = False


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        "roa@demo.it", "Gina", "Deiana", True, datetime.date(1975, 3, 14), "Perugia",
        "3351200001",
        "ROA (Referente Master) dei contratti 888010088938 e 888010089447 (Comune di Perugia)",
        administration=0,
    ),
    DemoLogin(
        "mandatario@demo.it", "Paolo", "Bellucci", False, datetime.date(1968, 11, 2), "Perugia",
        "3351200002", "Mandatario del contratto 888010088938", administration=0,
    ),
    DemoLogin(
        "ebill@demo.it", "Chiara", "Lombardi", True, datetime.date(1982, 6, 21), "Roma",
        "3351200003", "Referente eBill del contratto 888010088938", administration=0,
    ),
    DemoLogin(
        "traffic@demo.it", "Marco", "Fabbri", False, datetime.date(1979, 9, 8), "Bologna",
        "3351200004", "Traffic manager del contratto 888010088938", administration=0,
    ),
    DemoLogin(
        "messaggistica@demo.it", "Elena", "Ricci", True, datetime.date(1986, 1, 30), "Firenze",
        "3351200005", "Referente di Messaggistica del contratto 888010088938", administration=0,
    ),
    DemoLogin(
        "dipendente@demo.it", "Salvatore", "Esposito", False, datetime.date(1984, 4, 17),
        "Napoli", "3312547310",
        "Dipendente: linea in abbonamento PA 8 con TIM TUO attivo (contratto 888010088938)",
        administration=0,
    ),
    DemoLogin(
        "ricaricabile@demo.it", "Francesca", "Marchetti", True, datetime.date(1990, 8, 5),
        "Ancona", "3312547228",
        "Dipendente: linea ricaricabile con One Number (SIM principale e secondaria) "
        "e TIM TUO ricaricabile (contratto 888010088938)",
        administration=0,
    ),
    DemoLogin(
        "roa.linea@demo.it", "Umberto", "Mancini", False, datetime.date(1971, 12, 11), "Bari",
        "3312545213",
        "ROA del contratto 888010090012 (ASL) che ha anche una linea propria: ROA + Dipendente",
        administration=1,
    ),
    DemoLogin(
        "roa.provincia@demo.it", "Laura", "Santini", True, datetime.date(1977, 5, 26), "Ancona",
        "3351200009", "ROA del contratto 888010091105 (Provincia di Ancona)", administration=2,
    ),
    DemoLogin(
        "operatore@demo.it", "Davide", "Conti", False, datetime.date(1988, 2, 9), "Roma", "",
        "Operatore di back office (staff, non superuser)", is_staff=True,
    ),
]  # fmt: skip


# The logins of the large profile (``demo_data --lines N``, contract BULK_CONTRACT_CODE of
# the second administration): its ROA and three employees on lines 3660000000 (PA 8),
# 3660000007 (PA 8 Pack) and 3660000012 (prepaid), which the generator keeps active.
BULK_LOGINS: list[DemoLogin] = [
    DemoLogin(
        "roa.grande@demo.it", "Vittoria", "Greco", True, datetime.date(1973, 10, 4), "Bari",
        "3351200010", f"ROA del contratto grande {BULK_CONTRACT_CODE} (demo_data --lines N)",
        administration=1,
    ),
    DemoLogin(
        "dipendente.grande@demo.it", "Nicola", "Lorusso", False, datetime.date(1985, 2, 19),
        "Bari", "3660000000",
        f"Dipendente: linea in abbonamento PA 8 del contratto grande {BULK_CONTRACT_CODE}",
        administration=1,
    ),
    DemoLogin(
        "pack.grande@demo.it", "Anna", "Loiacono", True, datetime.date(1981, 7, 12), "Bari",
        "3660000007", f"Dipendente: linea PA 8 Pack del contratto grande {BULK_CONTRACT_CODE}",
        administration=1,
    ),
    DemoLogin(
        "ricaricabile.grande@demo.it", "Giuseppe", "Damiani", False, datetime.date(1992, 12, 1),
        "Bari", "3660000012",
        f"Dipendente: linea ricaricabile del contratto grande {BULK_CONTRACT_CODE}",
        administration=1,
    ),
]  # fmt: skip


def logins_table(*, bulk: bool = False) -> str:
    """The table printed by ``demo_data --logins`` (and pasted in the README); with ``bulk``
    the large profile's logins too."""
    rows = [("Username", "Password", "Profilo")]
    rows += [
        (login.username, DEMO_PASSWORD, login.profile)
        for login in DEMO_LOGINS + (BULK_LOGINS if bulk else [])
    ]
    width_user = max(len(r[0]) for r in rows)
    width_pw = max(len(r[1]) for r in rows)
    lines = [f"{u:<{width_user}}  {p:<{width_pw}}  {d}" for u, p, d in rows]
    lines.insert(1, f"{'-' * width_user}  {'-' * width_pw}  {'-' * 40}")
    return "\n".join(lines)
