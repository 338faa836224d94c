"""A local stand-in of the Sistema di Interscambio (SdI): it receives a FatturaPA file and
answers at once with one of the real receipt kinds.

* ``RC`` ricevuta di consegna: delivered to the office;
* ``NS`` notifica di scarto: rejected, with the SdI's error code and description;
* ``MC`` notifica di mancata consegna: accepted but the office could not be reached.

It checks what the SdI checks first: the file name (``IT<partita IVA>_<progressivo>.xml``,
error 00001), the schema (00200), the recipient office in its stand-in of the IPA index
(00311: an office listed in ``SDI_STANDIN_CLOSED_OFFICES`` does not exist or is closed).
Offices in ``SDI_STANDIN_UNREACHABLE_OFFICES`` get a failed-delivery notice. The demo
settings may list some; by default every office exists and is reachable.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings

from . import fatturapa

FILE_NAME = re.compile(r"^IT[0-9]{11}_[A-Za-z0-9]{5}\.xml$")


@dataclass(frozen=True)
class Receipt:
    kind: str  # "RC", "NS", "MC"
    sdi_id: str
    error_code: str = ""
    error_description: str = ""


def _sdi_id(file_name: str) -> str:
    return str(int(hashlib.sha256(file_name.encode()).hexdigest()[:12], 16) % 10**9).zfill(9)


def receive(*, file_name: str, xml: bytes) -> Receipt:
    """Receive one file and answer with its receipt."""
    sdi_id = _sdi_id(file_name)
    if not FILE_NAME.match(file_name):
        return Receipt("NS", sdi_id, "00001", "Nome file non valido")
    errors = fatturapa.validation_errors(xml)
    if errors:
        return Receipt("NS", sdi_id, "00200", f"File non conforme al formato: {errors[0]}"[:300])
    office = ET.fromstring(xml).findtext(".//DatiTrasmissione/CodiceDestinatario") or ""
    if office in getattr(settings, "SDI_STANDIN_CLOSED_OFFICES", ()):
        return Receipt(
            "NS",
            sdi_id,
            "00311",
            f"1.1.4 <CodiceDestinatario> non valido: {office} non presente o non attivo in IPA",
        )
    if office in getattr(settings, "SDI_STANDIN_UNREACHABLE_OFFICES", ()):
        return Receipt("MC", sdi_id)
    return Receipt("RC", sdi_id)
