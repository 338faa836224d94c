"""The widgets drawn in Python (``core/form_renderer.py``) give Django's markup exactly."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from portale.core.form_renderer import DRAWN, PortalFormRenderer

CHOICES = [
    ("", "---------"),
    ("a", "Alfa & <b>"),
    (1, 2000),
    ("lazy", _("Dettaglio traffico")),
    ("safe", mark_safe("<em>sì</em>")),
    (_("Gruppo"), [("g1", "Uno"), ("g2", 'Due "virgolette"')]),
]
ATTRS = {
    "class": "form-select x",
    "data-on": True,
    "data-off": False,
    "data-none": None,
    "data-zero": 0,
    "aria-label": 'Filtro "linee" <tutte>',
    "data-lazy": _("Linea"),
}


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs=ATTRS), max_length=10)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "0.01", "min": 0}))
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    secret = forms.CharField(widget=forms.PasswordInput)
    hidden = forms.CharField(widget=forms.HiddenInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    search = forms.CharField(widget=forms.SearchInput(attrs={"placeholder": "Cerca…"}))
    phone = forms.CharField(widget=forms.TextInput(attrs={"inputmode": "tel"}))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "data-counter": True}))
    flag = forms.BooleanField(required=False)
    one = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs=ATTRS))
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, required=False, widget=forms.CheckboxSelectMultiple(attrs=ATTRS)
    )
    boxes_noid = forms.MultipleChoiceField(
        choices=CHOICES[1:3], required=False, widget=forms.CheckboxSelectMultiple
    )
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    yesno = forms.NullBooleanField()


BOUND = {
    "text": 'Valore "citato" & <tag>',
    "email": "a@b.it",
    "number": "12.50",
    "password": "s3gr&to",
    "secret": "nascosto",
    "hidden": "h<1>",
    "day": "2026-11-30",
    "search": "54321",
    "note": "riga 1\nriga <2>",
    "flag": "on",
    "one": "g2",
    "many": ["a", "1"],
    "boxes": ["lazy", "g1"],
    "radio": "safe",
    "yesno": "true",
}


def rendered(form: forms.Form) -> list[str]:
    out = []
    for field in form:
        out.append(field.as_widget())
        out.append(field.as_widget(attrs={"class": "extra", "aria-invalid": "true"}))
        out.append(field.as_hidden() if not isinstance(field.field, forms.BooleanField) else "")
    return out


@pytest.mark.parametrize("data", [None, BOUND, {"one": "nessuno", "day": "ieri"}])
@pytest.mark.parametrize(
    "initial", [None, {"day": datetime.date(2026, 1, 2), "number": Decimal("3.5")}]
)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_every_drawn_widget_matches_django(data, initial, auto_id):
    with override("it"):
        django_form = Everything(data, initial=initial, auto_id=auto_id, renderer=DjangoTemplates())
        portal_form = Everything(
            data, initial=initial, auto_id=auto_id, renderer=PortalFormRenderer()
        )
        assert rendered(portal_form) == rendered(django_form)


def test_the_widgets_of_the_test_cover_every_drawn_template():
    """A drawer no test renders is a drawer no test checks."""
    seen = set()

    class Spy(PortalFormRenderer):
        def render(self, template_name, context, request=None):
            seen.add(template_name)
            return super().render(template_name, context, request)

    rendered(Everything(BOUND, renderer=Spy()))
    untested = {
        name
        for name in DRAWN
        if name.rsplit("/", 1)[1].removesuffix(".html")
        not in {"input", "datetime", "time", "color", "url", "tel", "multiple_input"}
    } - seen
    assert not untested


def test_it_is_the_portal_renderer(settings):
    assert settings.FORM_RENDERER == "portale.core.form_renderer.PortalFormRenderer"
