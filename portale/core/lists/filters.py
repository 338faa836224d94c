"""Search forms of the lists (P-05 and the sections' own search fields).

A list's search form is a ``FilterForm``: ordinary Django form fields (labels and error
messages in Italian next to the field, P-07 errors) plus a ``lookups`` map saying how each
field narrows the queryset. Every field is optional: an empty form shows the whole list.
Filtering only ever *narrows* the queryset the view passed in, so the caller's scope
(contract, own line) cannot be widened by a search.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portale.records import selectors as records

Lookup = str | Callable[[object, type[Model]], Q]


class FilterForm(forms.Form):
    """A list's search fields.

    ``lookups`` maps a field name to either an ORM lookup string (``"contract__code__contains"``)
    or a callable ``(value, model) -> Q``. Fields left empty or invalid are ignored; invalid
    ones show their error and the rest of the search still applies.
    """

    lookups: dict[str, Lookup] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def filter(self, queryset: QuerySet) -> QuerySet:
        """Narrow ``queryset`` with the valid, non-empty fields (override for odd cases)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for name, lookup in self.lookups.items():
            value = data.get(name)
            if value in (None, "", [], ()):
                continue
            if isinstance(lookup, str):
                queryset = queryset.filter(**{lookup: value})
            else:
                queryset = queryset.filter(lookup(value, queryset.model))
        return queryset

    @property
    def is_filtered(self) -> bool:
        self.is_valid()
        return any(
            getattr(self, "cleaned_data", {}).get(n) not in (None, "", [], ()) for n in self.fields
        )


_PREFIX = re.compile(r"^(\+39|0039)")


class LineSearchField(forms.CharField):
    """P-05 "Linea": a line number (MSISDN) or an ICCID, whole or its last digits.

    Spaces are dropped and an international prefix (+39 / 0039) removed, so what a user
    copies from a phone or reads off the SIM card is found.
    """

    default_error_messages = {
        "invalid": _(
            "Inserisci il numero della linea oppure il codice ICCID stampato sulla SIM "
            "(anche solo le ultime cifre)."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Linea"))
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault(
            "help_text",
            _("Numero della linea o ICCID della SIM, intero o ultime cifre"),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        value = re.sub(r"[\s.\-/]", "", value)
        value = _PREFIX.sub("", value)
        if not value.isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


# Suffix search (issue 17): ``msisdn LIKE '%digits'`` across a list's join reads every line
# of the contract. The numbers and ICCIDs ending with the digits are looked up first, each in
# its own table (``records.selectors.lines_with_msisdn_ending`` / ``sims_with_iccid_ending``:
# an index on the reversed value answers them on PostgreSQL, migration records/0017), and
# the list is then narrowed to those line ids, which its own indexes answer. The same rows
# as the suffix test on every database; when the digits match more than MATCHED_IDS rows (a
# very short suffix) the ids stay a subquery, as the whole list would be read anyway.
MATCHED_IDS = 1000


def matched_ids(qs: QuerySet, field: str):
    """The ``field`` values of ``qs`` as a list (at most MATCHED_IDS), else a subquery.

    Unordered: which rows the first read returns does not matter (all of them, or too many),
    and a sort of every match by the model's ordering would come before the LIMIT."""
    ids = list(qs.order_by().values_list(field, flat=True)[: MATCHED_IDS + 1])
    return ids if len(ids) <= MATCHED_IDS else qs.values(field)


def line_search(msisdn: str = "msisdn", iccid: str = "sims__iccid") -> Callable:
    """The P-05 lookup: MSISDN or ICCID ending with the digits typed (whole numbers too).

    ``msisdn`` is the path to the line's number from the list's rows (``"msisdn"`` on lines,
    ``"line__msisdn"`` on rows of a line); the line is the part before the number. Matching
    lines are found by the indexed suffix lookups above, so a line with several SIMs (One
    Number) is listed once and the count stays right without ``distinct()``. ``iccid`` is
    kept for the callers' declarations: the ICCID is always that of one of the line's SIMs.
    """
    line = msisdn.rpartition("__")[0]
    line_in = f"{line}__in" if line else "pk__in"

    def lookup(value: str, model: type[Model]) -> Q:
        by_number = matched_ids(records.lines_with_msisdn_ending(digits=value), "pk")
        by_iccid = matched_ids(records.sims_with_iccid_ending(digits=value), "line_id")
        return Q(**{line_in: by_number}) | Q(**{line_in: by_iccid})

    return lookup
