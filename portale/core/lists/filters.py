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


def line_search(msisdn: str = "msisdn", iccid: str = "sims__iccid") -> Callable:
    """The P-05 lookup: MSISDN or ICCID ending with the digits typed (whole numbers too).

    The ICCID side is a ``pk IN (subquery)`` rather than a join so a line with several SIMs
    (One Number) is listed once and the count stays right without ``distinct()``.
    """

    def lookup(value: str, model: type[Model]) -> Q:
        by_iccid = model._default_manager.filter(**{f"{iccid}__endswith": value}).values("pk")
        return Q(**{f"{msisdn}__endswith": value}) | Q(pk__in=by_iccid)

    return lookup
