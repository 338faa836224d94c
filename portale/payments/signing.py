"""The sandbox PSP's signatures, shared by the PSP side (``sandbox``) and the portal side
(``providers.sandbox``): HMAC-SHA256 with ``PAYMENT_SANDBOX_SECRET``."""

from __future__ import annotations

import hashlib
import hmac
import json

SIGNATURE_HEADER = "X-Sandbox-Signature"
RETURN_FIELDS = (
    "ordine",
    "evento",
    "esito",
    "importo",
    "transazione",
    "circuito",
    "carta",
    "scadenza",
    "token",
)


def sign(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()


def verify(secret: str, data: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, data), signature or "")


def canonical(fields: dict) -> bytes:
    """The bytes a return's signature covers: its fields, sorted, as JSON."""
    return json.dumps({k: str(fields.get(k, "")) for k in RETURN_FIELDS}, sort_keys=True).encode()
