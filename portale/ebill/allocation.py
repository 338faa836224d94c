"""Gestione dei Centri di Costo: assigning lines by CSV.

The file has the header ``LINEA;CENTRO_DI_COSTO`` (";" separated, as every CSV of the
portal, ``sim/bulk.py``): one row per line, its number and the code of one of the
contract's cost centres; an empty code takes the line off its centre. Every bad row is
reported with its row number and reason and nothing is applied unless all rows are good;
the good file is applied in one ``records.services.lines_cost_centre_assign`` call.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from portale.records import selectors as records
from portale.sim import bulk

HEADER = ("LINEA", "CENTRO_DI_COSTO")


def parse_assignments(*, contract, text: str) -> dict[int, int | None]:
    """line pk → cost centre pk (None: unassign). Raises ``bulk.BulkError`` with every
    bad row (``Riga N: …``)."""
    rows = bulk.parse(text, HEADER)
    lines = bulk.resolve_lines(contract=contract, msisdns=[r.values["LINEA"] for r in rows])
    centres = {c.code.upper(): c.pk for c in records.cost_centres_of_contract(contract=contract)}
    errors: list[str] = []
    out: dict[int, int | None] = {}
    seen: dict[str, int] = {}
    for row in rows:
        msisdn, code = row.values["LINEA"], row.values["CENTRO_DI_COSTO"].upper()
        where = _("Riga %(n)s") % {"n": row.number}
        if not msisdn:
            errors.append(_("%(where)s: manca il numero della linea.") % {"where": where})
            continue
        if msisdn in seen:
            errors.append(
                _("%(where)s: la linea %(m)s è già alla riga %(first)s.")
                % {"where": where, "m": msisdn, "first": seen[msisdn]}
            )
            continue
        seen[msisdn] = row.number
        line = lines.get(msisdn)
        if line is None:
            errors.append(
                _("%(where)s: la linea %(m)s non è del contratto.") % {"where": where, "m": msisdn}
            )
            continue
        if code and code not in centres:
            errors.append(
                _("%(where)s: il centro di costo %(c)s non esiste: crealo prima.")
                % {"where": where, "c": code}
            )
            continue
        out[line.pk] = centres[code] if code else None
    if errors:
        raise bulk.BulkError(errors)
    return out
