"""Refusals of the requests engine, each with a message for the user (Italian)."""

from __future__ import annotations


class RequestError(Exception):
    """A request the portal refuses, with a message for the user."""


class OperationNotAvailable(RequestError):
    """The operation is declared (Appendix 1) but no app implements it yet."""


class CaseConflict(RequestError):
    """G-10: an open pratica already works on the same object."""


class PdfNotDownloaded(RequestError):
    """P-09: INVIA before the summary PDF (and every document) was downloaded."""


class InvalidTransition(RequestError):
    """The pratica or ordine is not in a state that allows the step."""


class InvalidRequest(RequestError):
    """The parameters do not pass the operation's form: ``errors`` per field."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        flat = "; ".join(
            f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v) for k, v in errors.items()
        )
        super().__init__(flat)
