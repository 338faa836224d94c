"""Step 3 of Ricarica aziendale (F-7.3.4): the amount and the threshold typed as the portal
writes amounts ("20", "20,00", "2,50"), one clear message per problem next to the field,
what was typed kept in it (G-21: whole euros from 5 to 50, threshold 0-5 € in 0,50 € steps)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portale.cases.models import RequestDraft
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

RANGE = "Inserisci un importo da 5 a 50 €."
WHOLE = "Inserisci un importo in euro interi, senza decimali."
WHOLE_FORMAT = "Inserisci un importo in euro interi, ad esempio 20."
THRESHOLD_FORMAT = "Inserisci un importo in euro, ad esempio 2,50."
THRESHOLD_RANGE = "Inserisci un importo da 0 a 5 €."
THRESHOLD_STEP = "Inserisci un importo a passi di 0,50 €, ad esempio 2,50."


@pytest.fixture
def prepaid(contract):
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    return f.LineFactory(contract=contract, tariff_plan=plan, company_credit=Decimal("10"))


def _url(kind, line):
    return reverse("sim:company_recharge_params", args=[kind, line.pk])


def _field_errors(response, name) -> list[str]:
    assert response.status_code == 200, response.get("Location")
    return [str(e) for e in response.context["form"].errors.get(name, [])]


def _html(message: str) -> str:
    return message.replace("'", "&#x27;")


def _input(body: str, name: str) -> str:
    """The <input> tag of ``name`` on the page."""
    match = re.search(rf'<input [^>]*name="{name}"[^>]*>', body)
    assert match, name
    return match.group(0)


def test_the_amounts_are_text_inputs_with_the_hint(client, roa, prepaid):
    """A type="number" input would refuse "2,50" in the browser before the server sees it."""
    client.force_login(roa)
    body = client.get(_url("parametrica", prepaid)).content.decode()
    soglia, importo = _input(body, "soglia"), _input(body, "importo")
    assert 'type="text"' in soglia and 'inputmode="decimal"' in soglia
    assert 'type="text"' in importo and 'inputmode="numeric"' in importo  # whole euros
    assert 'aria-describedby="id_soglia_help"' in soglia
    assert 'aria-describedby="id_importo_help"' in importo
    assert 'id="id_soglia_help">Da 0 a 5€, a passi di 0,50€. In euro, ad esempio 2,50.<' in body
    assert 'id="id_importo_help">Minimo 5€ - Max 50€. In euro interi, ad esempio 20.<' in body
    assert 'type="number"' not in body


@pytest.mark.parametrize("typed", ["20", "20,00", "20,0", "20 €", "€ 20"])
def test_a_timed_amount_in_whole_euros_is_read_as_the_portal_writes_it(client, roa, prepaid, typed):
    client.force_login(roa)
    r = client.post(_url("a_tempo", prepaid), {"frequenza": "15", "importo": typed})
    assert r.status_code == 302, r.context["form"].errors
    draft = RequestDraft.objects.get()
    assert draft.payload["amount"] == "20" and draft.payload["frequency_days"] == 15
    confirm = client.get(r["Location"]).content.decode()
    assert "20 €" in confirm


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("20,50", WHOLE),
        ("20.50", WHOLE_FORMAT),  # a dot is no decimal point: never read as 20,50 €
        ("20.00", WHOLE_FORMAT),
        ("abc", WHOLE_FORMAT),
        ("60", RANGE),  # one message for the range
        ("4", RANGE),
        ("1.234", RANGE),  # the dot groups thousands: 1.234 €, out of range
        ("-5", RANGE),
        ("", "Indica l'importo della ricarica."),
    ],
)
def test_a_timed_amount_gets_one_clear_message_next_to_the_field(
    client, roa, prepaid, typed, message
):
    client.force_login(roa)
    r = client.post(_url("a_tempo", prepaid), {"frequenza": "15", "importo": typed})
    assert _field_errors(r, "importo") == [message]
    body = r.content.decode()
    assert (
        f'<div class="invalid-feedback d-block" id="id_importo_error">{_html(message)}</div>'
        in body
    )
    tag = _input(body, "importo")
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="id_importo_help id_importo_error"' in tag
    if typed:
        assert f'value="{typed}"' in tag  # what was typed stays
    assert 'value="15" selected' in body  # and the frequency chosen
    assert not RequestDraft.objects.exists()


@pytest.mark.parametrize(
    ("typed", "threshold", "shown"),
    [
        ("2,50", "2.50", "2,50 €"),
        ("2,5", "2.50", "2,50 €"),
        ("0", "0.00", "0,00 €"),
        ("5,00", "5.00", "5,00 €"),
        ("0,50 €", "0.50", "0,50 €"),
    ],
)
def test_a_parametric_threshold_is_read_as_the_portal_writes_it(
    client, roa, prepaid, typed, threshold, shown
):
    client.force_login(roa)
    r = client.post(_url("parametrica", prepaid), {"soglia": typed, "importo": "10,00"})
    assert r.status_code == 302, r.context["form"].errors
    draft = RequestDraft.objects.get()
    assert draft.payload["threshold"] == threshold and draft.payload["amount"] == "10"
    confirm = client.get(r["Location"]).content.decode()
    assert shown in confirm  # what "Conferma dei dati" shows can be typed back


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2.50", THRESHOLD_FORMAT),  # a dot is no decimal point: never read as 2,50 €
        ("0.5", THRESHOLD_FORMAT),
        ("2,30", THRESHOLD_STEP),
        ("2,555", "Inserisci un importo con al massimo 2 decimali, ad esempio 2,50."),
        ("6", THRESHOLD_RANGE),
        ("5,50", THRESHOLD_RANGE),  # out of range and off the step: one message
        ("-0,50", THRESHOLD_RANGE),
        ("", "Campo obbligatorio."),
    ],
)
def test_a_parametric_threshold_gets_one_clear_message_next_to_the_field(
    client, roa, prepaid, typed, message
):
    client.force_login(roa)
    r = client.post(_url("parametrica", prepaid), {"soglia": typed, "importo": "10"})
    assert _field_errors(r, "soglia") == [message]
    assert _field_errors(r, "importo") == []
    body = r.content.decode()
    assert f'<div class="invalid-feedback d-block" id="id_soglia_error">{message}</div>' in body
    tag = _input(body, "soglia")
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="id_soglia_help id_soglia_error"' in tag
    if typed:
        assert f'value="{typed}"' in tag  # what was typed stays
    assert 'value="10"' in _input(body, "importo")
    assert not RequestDraft.objects.exists()


def test_both_fields_wrong_get_a_message_each(client, roa, prepaid):
    client.force_login(roa)
    r = client.post(_url("parametrica", prepaid), {"soglia": "2.50", "importo": "2.50"})
    assert _field_errors(r, "soglia") == [THRESHOLD_FORMAT]
    assert _field_errors(r, "importo") == [WHOLE_FORMAT]


@pytest.mark.parametrize("typed", ["22", "22,00"])
def test_one_shot_denominations_stay_radios(client, roa, prepaid, typed):
    client.force_login(roa)
    body = client.get(_url("one_shot", prepaid)).content.decode()
    assert 'type="radio" name="importo" id="importo-22" value="22"' in body
    assert 'id="id_importo"' not in body  # no typed amount for the one shot
    r = client.post(_url("one_shot", prepaid), {"importo": typed})
    assert r.status_code == 302, r.context["form"].errors
    assert RequestDraft.objects.get().payload["amount"] == "22"


def test_one_shot_outside_the_denominations_is_refused(client, roa, prepaid):
    client.force_login(roa)
    r = client.post(_url("one_shot", prepaid), {"importo": "10"})
    assert _field_errors(r, "importo") == ["Scegli uno dei tagli proposti: 7, 22, 44 o 88 €."]
    r = client.post(_url("one_shot", prepaid), {"importo": "22,50"})
    assert _field_errors(r, "importo") == [WHOLE]
    assert not RequestDraft.objects.exists()
