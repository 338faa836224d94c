"""``field_html`` (``core/templatetags/portal_forms.py``, issue 17) draws what
``{% include "core/_field.html" %}`` draws, character for character: text, number, date and
e-mail inputs, selects (required or not, a chosen option), a textarea with a live character
counter, help text, one and several errors, escaped labels, values and messages; hidden
fields and lists of options are left to the template."""

import pytest
from django import forms
from django.template.loader import render_to_string

from portale.core.templatetags.portal_forms import field_html


class Everything(forms.Form):
    name = forms.CharField(label='Nome <"R&D">', max_length=20, help_text="Come <b>scritto</b>")
    code = forms.CharField(label="Codice:", required=False)
    amount = forms.DecimalField(label="Importo", decimal_places=2, localize=True, required=False)
    count = forms.IntegerField(label="Quanti", min_value=1)
    day = forms.DateField(label="Dal", widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(label="E-mail", required=False)
    kind = forms.ChoiceField(label="Tipo", choices=[("", "---"), ("a", "A & B"), ("b", "<C>")])
    month = forms.ChoiceField(label="Mese", choices=[("1", "01"), ("2", "02")], required=False)
    note = forms.CharField(
        label="Nota",
        required=False,
        widget=forms.Textarea(attrs={"data-counter": "200", "rows": 3}),
        help_text="Facoltativa",
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    many = forms.MultipleChoiceField(
        choices=[("x", "X")], widget=forms.CheckboxSelectMultiple, required=False
    )
    one = forms.ChoiceField(choices=[("x", "X")], widget=forms.RadioSelect, required=False)

    def clean(self):
        data = super().clean()
        self.add_error("code", 'Secondo <errore> & "altro"')
        self.add_error("code", "Terzo errore")
        return data


FORMS = [
    Everything(),
    Everything(initial={"name": "Rossi", "kind": "a", "note": "abc"}),
    Everything(
        data={
            "name": 'Bianchi & <"Verdi">',
            "amount": "1234,5",
            "count": "x",
            "day": "2026-03-04",
            "email": "non-una-mail",
            "kind": "b",
            "month": "2",
            "note": "àèì <ok>",
        }
    ),
    Everything(data={}),
]


@pytest.mark.parametrize("form", FORMS)
def test_every_field_is_drawn_as_the_template_draws_it(form):
    form.is_valid()
    drawn = 0
    for field in form:
        html = field_html(field)
        if field.is_hidden or field.name in ("many", "one"):
            assert html is None
            continue
        assert html == render_to_string("core/_field.html", {"field": field}), field.name
        drawn += 1
    assert drawn == 9
