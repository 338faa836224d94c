"""An amount in euro typed the way the portal writes it (docs/COPY.md §4: "1.234,56 €").

``EuroAmountField`` is the form field of every amount a person types. It reads the Italian
format and nothing else: the comma is the decimal separator and the dot only groups
thousands, in groups of three ("1.234,56", "1.500", "1500", "1500,5"; "1.234,56 €" copied
from a page too). A dot that cannot be a thousands separator ("1.50", "10.5", "1.2345") is
not read as a decimal point: the value is refused with the expected format, never taken
silently as 1,50 €.

One message per problem, next to the field: the format, the decimals, the range (the
range in a single message, not one for the maximum and one for the number of digits).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portale.core.lists.formats import italian_number

_AMOUNT = re.compile(
    r"""
    (?P<sign>[-\u2212]?)
    (?P<units>\d{1,3}(?:\.\d{3})+|\d+)   # 1.234.567 (groups of three) or 1234567
    (?:,(?P<cents>\d+))?                 # decimal comma
    """,
    re.VERBOSE,
)
_EURO = "€"
_SPACES = " \t\u00a0\u202f"


def parse_euro_amount(text: str) -> Decimal | None:
    """'1.234,56' → Decimal('1234.56'); None when the text is not an amount in that format.

    A "€" before or after the figure and the spaces around it are allowed."""
    text = text.strip(_SPACES)
    if text.endswith(_EURO):
        text = text[:-1].rstrip(_SPACES)
    elif text.startswith(_EURO):
        text = text[1:].lstrip(_SPACES)
    match = _AMOUNT.fullmatch(text)
    if match is None:
        return None
    sign = "-" if match["sign"] else ""
    units = match["units"].replace(".", "")
    cents = match["cents"]
    return Decimal(f"{sign}{units}.{cents}" if cents else f"{sign}{units}")


def euro_text(value: Decimal) -> str:
    """An amount for a message: '9.999', '0,50', '1.234,56' (no ',00' for whole euros)."""
    return italian_number(value, 0 if value == value.to_integral_value() else 2)


class EuroAmountField(forms.Field):
    """An amount in euro (see the module): a ``Decimal`` with at most ``decimal_places``
    decimals, between ``min_value`` and ``max_value`` when given."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Inserisci un importo in euro, ad esempio 1.234,56."),
        "decimal_places": _(
            "Inserisci un importo con al massimo %(places)s decimali, ad esempio 1.234,56."
        ),
        "no_decimals": _("Inserisci un importo in euro interi, senza decimali."),
        "range": _("Inserisci un importo da %(min)s a %(max)s €."),
        "min_value": _("Inserisci un importo di almeno %(min)s €."),
        "max_value": _("Inserisci un importo fino a %(max)s €."),
    }

    def __init__(
        self,
        *,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        decimal_places: int = 2,
        **kwargs,
    ):
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        self.decimal_places = decimal_places
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal" if self.decimal_places else "numeric")
        attrs.setdefault("autocomplete", "off")
        return attrs

    def prepare_value(self, value):
        """An initial ``Decimal`` shown as the portal shows amounts ("1.234,56")."""
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return italian_number(value, self.decimal_places)
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip(_SPACES)
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            amount = Decimal(str(value))  # a number from code (a JSON payload), not typed
        else:
            amount = parse_euro_amount(str(value))
            if amount is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return self._quantized(amount)

    def _quantized(self, amount: Decimal) -> Decimal:
        """Trailing zeros past the allowed decimals are dropped ("12,340" is 12,34);
        a significant digit there is an error."""
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.decimal_places:
            step = Decimal(1).scaleb(-self.decimal_places)
            if amount != amount.quantize(step):
                if self.decimal_places == 0:
                    raise ValidationError(self.error_messages["no_decimals"], code="no_decimals")
                raise ValidationError(
                    self.error_messages["decimal_places"],
                    code="decimal_places",
                    params={"places": self.decimal_places},
                )
            amount = amount.quantize(step)
        return amount

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        low, high = self.min_value, self.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                code = "range"
            else:
                code = "min_value" if low is not None else "max_value"
            params = {
                "min": euro_text(low) if low is not None else "",
                "max": euro_text(high) if high is not None else "",
            }
            raise ValidationError(self.error_messages[code], code=code, params=params)
