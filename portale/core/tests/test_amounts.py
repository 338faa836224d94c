"""EuroAmountField: an amount typed in the format the portal shows ("1.234,56 €")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from portale.core.amounts import EuroAmountField, parse_euro_amount

FORMAT = "Inserisci un importo in euro, ad esempio 1.234,56."


def _field(**kw) -> EuroAmountField:
    kw.setdefault("min_value", 0)
    kw.setdefault("max_value", 9999)
    return EuroAmountField(**kw)


def _errors(field, text) -> list[str]:
    with translation.override("it"), pytest.raises(forms.ValidationError) as exc:
        field.clean(text)
    return exc.value.messages


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1500", "1500"),
        ("1500,5", "1500.5"),
        ("1.500", "1500"),  # the dot groups thousands, as the portal writes them
        ("1.000.000,00", "1000000.00"),
        ("0", "0"),
        ("0,50", "0.50"),
        ("  30,00 ", "30.00"),
        ("1.234,56 €", "1234.56"),  # copied from a page
        ("€ 12", "12"),
        ("12,340", "12.34"),  # a trailing zero is no third decimal
        ("-5", "-5"),
    ],
)
def test_the_italian_format_is_read(text, amount):
    assert parse_euro_amount(text) is not None
    assert _field(min_value=None, max_value=None).clean(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    [
        "1.50",
        "10.5",
        "0.5",
        "1.2345",
        "1.234.56",
        "1,234.56",
        "12.34,5",
        "1,",
        ",5",
        "abc",
        "1 500",
        "10e3",
        "1..500",
        ".500",
        "1.500.",
        "--5",
        "€",
    ],
)
def test_anything_else_gets_the_expected_format(text):
    """A dot that cannot group thousands ("1.50") is never read as a decimal point."""
    assert parse_euro_amount(text) is None
    assert _errors(_field(), text) == [FORMAT]


def test_one_message_for_an_amount_out_of_range():
    """10000 is one problem (over the maximum), not two (maximum and number of digits)."""
    for text in ("10000", "1.000.000,00", "-5", "-0,01"):
        assert _errors(_field(), text) == ["Inserisci un importo da 0 a 9.999 €."], text
    assert _errors(_field(max_value=None), "-1") == ["Inserisci un importo di almeno 0 €."]
    assert _errors(_field(min_value=None, max_value=Decimal("0.5")), "1") == [
        "Inserisci un importo fino a 0,50 €."
    ]
    assert _field().clean("9.999,00") == Decimal("9999.00")


def test_too_many_decimals():
    assert _errors(_field(), "12,345") == [
        "Inserisci un importo con al massimo 2 decimali, ad esempio 1.234,56."
    ]
    assert _errors(_field(decimal_places=0), "7,50") == [
        "Inserisci un importo in euro interi, senza decimali."
    ]
    assert _field(decimal_places=0).clean("7,00") == Decimal(7)


def test_required_and_empty():
    assert _errors(_field(), "") == ["Campo obbligatorio."]
    assert _field(required=False).clean("  ") is None


def test_an_initial_amount_is_shown_as_the_portal_writes_it():
    class Form(forms.Form):
        value = _field()

    form = Form(initial={"value": Decimal("1234.5")})
    assert form["value"].value() == "1.234,50"
    html = str(form["value"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="1.234,50"' in html
    bound = Form(data={"value": "1.50"})
    assert not bound.is_valid() and bound["value"].value() == "1.50"  # what was typed stays
    assert not Form(data={"value": "1.234,50"}, initial={"value": Decimal("1234.5")}).has_changed()


def test_whole_euros():
    """decimal_places=0: "20" and "20,00" are 20 €; "20,50" is refused, with no example of
    decimals in the format message."""
    field = _field(min_value=5, max_value=50, decimal_places=0, example="20")
    for text in ("20", "20,00", "20,0", "20 €"):
        assert field.clean(text) == Decimal(20), text
        assert field.clean(text).as_tuple().exponent == 0
    assert _errors(field, "20,50") == ["Inserisci un importo in euro interi, senza decimali."]
    for text in ("20.50", "20.00", "abc"):
        assert _errors(field, text) == ["Inserisci un importo in euro interi, ad esempio 20."]
    assert _errors(_field(decimal_places=0), "x") == [
        "Inserisci un importo in euro interi, ad esempio 1.234."
    ]
    assert _errors(field, "51") == ["Inserisci un importo da 5 a 50 €."]


def test_the_example_in_the_messages():
    field = _field(min_value=0, max_value=5, example="2,50")
    assert _errors(field, "2.50") == ["Inserisci un importo in euro, ad esempio 2,50."]
    assert _errors(field, "2,555") == [
        "Inserisci un importo con al massimo 2 decimali, ad esempio 2,50."
    ]
    assert _errors(_field(), "2.50") == [FORMAT]  # the default example


def test_a_step():
    """step: a multiple of it from min_value (or 0); out of range is the range message only."""
    field = _field(min_value=0, max_value=5, step=Decimal("0.5"), example="2,50")
    for text, amount in (("0", "0"), ("0,50", "0.5"), ("2,5", "2.5"), ("5,00", "5")):
        assert field.clean(text) == Decimal(amount), text
    step = ["Inserisci un importo a passi di 0,50 €, ad esempio 2,50."]
    for text in ("2,30", "0,01", "4,99"):
        assert _errors(field, text) == step, text
    assert _errors(field, "5,50") == ["Inserisci un importo da 0 a 5 €."]
    shifted = _field(min_value=Decimal("0.25"), max_value=None, step=Decimal("0.5"))
    assert shifted.clean("0,75") == Decimal("0.75")
    assert _errors(shifted, "1") == ["Inserisci un importo a passi di 0,50 €, ad esempio 1.234,56."]
    assert _field(decimal_places=0, max_value=None, step=5).clean("1.000.000") == 1000000
    with pytest.raises(ValueError):
        EuroAmountField(step=0)


def test_a_zero_has_no_sign():
    for text in ("-0", "-0,00", "\u22120,0"):
        amount = _field().clean(text)
        assert amount == 0 and not amount.is_signed(), text
    assert f"{_field().clean('-0,00'):.2f}" == "0.00"


def test_a_figure_longer_than_the_decimal_context_gets_a_message_not_an_error():
    """28 digits is the default decimal context: past it, quantize and % raise
    InvalidOperation; the field answers with its messages instead."""
    long = "1" + "0" * 40
    assert _errors(_field(), f"{long},505") == [
        "Inserisci un importo con al massimo 2 decimali, ad esempio 1.234,56."
    ]
    assert _errors(_field(decimal_places=0), f"{long},5") == [
        "Inserisci un importo in euro interi, senza decimali."
    ]
    assert _field(max_value=None).clean(f"{long},500") == Decimal(f"{long}.50")
    unbounded = _field(min_value=None, max_value=None, step=Decimal("0.5"))
    assert unbounded.clean(f"{long},5") == Decimal(f"{long}.5")
    assert _errors(unbounded, f"{long},3") == [
        "Inserisci un importo a passi di 0,50 €, ad esempio 1.234,56."
    ]
    assert _errors(_field(), f"{long},5") == ["Inserisci un importo da 0 a 9.999 €."]


def test_the_input_mode_follows_the_decimals():
    class Form(forms.Form):
        cents = _field()
        whole = _field(decimal_places=0)

    form = Form()
    assert 'inputmode="decimal"' in str(form["cents"]) and 'type="text"' in str(form["cents"])
    assert 'inputmode="numeric"' in str(form["whole"]) and 'type="text"' in str(form["whole"])
