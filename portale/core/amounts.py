"""An amount in euro typed the way the portal writes it (docs/COPY.md §4: "1.234,56 €").

``EuroAmountField`` is the form field of every amount a person types. It reads the Italian
format and nothing else: the comma is the decimal separator and the dot only groups
thousands, in groups of three ("1.234,56", "1.500", "1500", "1500,5"; "1.234,56 €" copied
from a page too). A dot that cannot be a thousands separator ("1.50", "10.5", "1.2345") is
not read as a decimal point: the value is refused with the expected format, never taken
silently as 1,50 €.

One message per problem, next to the field: the format, the decimals, the range (the
range in a single message, not one for the maximum and one for the number of digits), the
step. The format messages give an example a person can type in that field (``example``):
"1.234,56" by default, "1.234" for whole euros; a field with narrow bounds gives its own
("ad esempio 2,50" for a value from 0 to 5 €).
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

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
        "invalid": _("Inserisci un importo in euro, ad esempio %(example)s."),
        "invalid_whole": _("Inserisci un importo in euro interi, ad esempio %(example)s."),
        "decimal_places": _(
            "Inserisci un importo con al massimo %(places)s decimali, ad esempio %(example)s."
        ),
        "no_decimals": _("Inserisci un importo in euro interi, senza decimali."),
        "range": _("Inserisci un importo da %(min)s a %(max)s €."),
        "min_value": _("Inserisci un importo di almeno %(min)s €."),
        "max_value": _("Inserisci un importo fino a %(max)s €."),
        "step": _("Inserisci un importo a passi di %(step)s €, ad esempio %(example)s."),
    }

    def __init__(
        self,
        *,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        decimal_places: int = 2,
        step: Decimal | str | int | None = None,
        example: str = "",
        **kwargs,
    ):
        """``decimal_places=0``: whole euros ("20" and "20,00" are 20; "20,50" is refused).
        ``step``: the amount is a multiple of it counted from ``min_value`` (or 0), e.g.
        ``Decimal("0.5")``. ``example``: the amount the messages suggest, as typed."""
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        self.decimal_places = decimal_places
        self.step = None if step is None else Decimal(step)
        if self.step is not None and self.step <= 0:
            raise ValueError("step must be positive")
        self.example = example or ("1.234,56" if decimal_places else "1.234")
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
                code = "invalid" if self.decimal_places else "invalid_whole"
                raise ValidationError(
                    self.error_messages[code], code="invalid", params={"example": self.example}
                )
        return self._quantized(amount)

    def _quantized(self, amount: Decimal) -> Decimal:
        """Trailing zeros past the allowed decimals are dropped ("12,340" is 12,34);
        a significant digit there is an error. A zero has no sign."""
        sign, digits, exponent = amount.as_tuple()
        extra = -exponent - self.decimal_places if isinstance(exponent, int) else 0
        if extra > 0:
            # On the digits, not with quantize: a figure longer than the decimal context's
            # 28 digits would raise InvalidOperation instead of getting a message.
            if any(digits[-extra:]):
                if self.decimal_places == 0:
                    raise ValidationError(self.error_messages["no_decimals"], code="no_decimals")
                raise ValidationError(
                    self.error_messages["decimal_places"],
                    code="decimal_places",
                    params={"places": self.decimal_places, "example": self.example},
                )
            amount = Decimal((sign, digits[:-extra] or (0,), exponent + extra))
        return amount if amount else amount.copy_abs()  # "-0" is 0

    def _on_step(self, value: Decimal) -> bool:
        """``value`` is ``min_value`` (or 0) plus a whole number of ``step``s. Exact for any
        length: the default context's 28 digits would round a long figure, or raise."""
        base = self.min_value or Decimal(0)
        figures = (value, base, self.step)
        # from the highest digit of any of them to the lowest: enough for the difference
        # and for the whole quotient of the remainder
        digits = max(f.adjusted() for f in figures) - min(f.as_tuple().exponent for f in figures)
        with localcontext() as context:
            context.prec = max(context.prec, digits + 2)
            return not (value - base) % self.step

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
        if self.step is not None and not self._on_step(value):
            raise ValidationError(
                self.error_messages["step"],
                code="step",
                params={"step": euro_text(self.step), "example": self.example},
            )
