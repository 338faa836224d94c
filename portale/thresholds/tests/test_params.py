"""Step 2 of the §7.5 requests: the amount typed as the portal writes it, one clear message
per problem next to the field, and no request that changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from portale.cases.models import RequestDraft
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

FORMAT = "Inserisci un importo in euro, ad esempio 1.234,56."
RANGE = "Inserisci un importo da 0 a 9.999 €."
SAME_AMOUNT = "L'importo è uguale alla soglia attuale: inserisci un importo diverso."


def _line(contract):
    return f.SimFactory(line__contract=contract).line


def _params(client, flow: str, action: str, pks: list) -> str:
    """Tick ``pks`` on the selection list of ``flow`` and go to its parameters step."""
    table = client.get(reverse(f"thresholds:{flow}")).context["table"]
    url = reverse(f"thresholds:{flow}_params")
    page_pks = [row[0]["pk"] for row in table.rows]
    r = client.post(
        url, {table.page_pks_param: page_pks, table.selected_param: pks, "azione": action}
    )
    assert r.status_code == 302
    return r["Location"]


def _value_errors(response) -> list[str]:
    assert response.status_code == 200, response.get("Location")
    return [str(e) for e in response.context["form"].errors.get("value", [])]


def _activation(client, contract):
    line = _line(contract)
    url = _params(client, "activate", "parametri", [line.pk])

    def post(value):
        return client.post(
            url,
            {"azione": "parametri", "type": "INFORMATIVA", "period": "MENSILE", "value": value},
        )

    return post


@pytest.mark.parametrize(
    ("typed", "amount", "shown"),
    [
        ("1.234,56", "1234.56", "1.234,56 €"),
        ("1.500", "1500", "1.500,00 €"),
        ("1500", "1500", "1.500,00 €"),
        ("1500,5", "1500.5", "1.500,50 €"),
        ("1234,56", "1234.56", "1.234,56 €"),
    ],
)
def test_activation_reads_the_amount_as_the_portal_writes_it(
    client, roa, contract, typed, amount, shown
):
    client.force_login(roa)
    r = _activation(client, contract)(typed)
    assert r.status_code == 302, r.context["form"].errors
    draft = RequestDraft.objects.get()
    assert Decimal(draft.payload["value"]) == Decimal(amount)
    confirm = client.get(r["Location"]).content.decode()
    assert shown in confirm  # what "Conferma dei dati" shows can be typed back


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.50", FORMAT),  # a dot groups thousands: never read silently as 1,50 €
        ("10.5", FORMAT),
        ("abc", FORMAT),
        ("12,345", "Inserisci un importo con al massimo 2 decimali, ad esempio 1.234,56."),
        ("10000", RANGE),  # one message, not "≤ 9999" and "4 digits" together
        ("1.000.000,00", RANGE),
        ("-5", RANGE),
        ("", "Campo obbligatorio."),
    ],
)
def test_activation_gives_one_clear_message_next_to_the_field(
    client, roa, contract, typed, message
):
    client.force_login(roa)
    r = _activation(client, contract)(typed)
    assert _value_errors(r) == [message]
    body = r.content.decode()
    assert message.replace("'", "&#x27;") in body and 'aria-invalid="true"' in body
    assert f'value="{typed}"' in body  # what was typed stays in the field
    assert not RequestDraft.objects.exists()


def _change_amount(client, contract, value=Decimal("30.00"), lines=1):
    thresholds = [f.ThresholdFactory(line=_line(contract), value=value) for _ in range(lines)]
    url = _params(client, "change", "importo", [t.pk for t in thresholds])

    def post(typed):
        return client.post(url, {"azione": "importo", "value": typed})

    return post, thresholds


def test_change_amount_shows_the_current_value_in_the_portal_format(client, roa, contract):
    client.force_login(roa)
    post, _thresholds = _change_amount(client, contract, value=Decimal("1234.50"))
    page = client.get(reverse("thresholds:change_params") + "?azione=importo")
    body = page.content.decode()
    assert 'value="1.234,50"' in body and '<td class="text-end">1.234,50</td>' in body
    assert "In euro, ad esempio 1.234,56." in body and 'aria-describedby="id_value-help"' in body
    r = post("1.234,56")
    assert r.status_code == 302
    assert RequestDraft.objects.get().payload["value"] == "1234.56"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", FORMAT),
        ("-5", RANGE),
        ("12,345", "Inserisci un importo con al massimo 2 decimali, ad esempio 1.234,56."),
        ("1.50", FORMAT),
        ("", "Campo obbligatorio."),
    ],
)
def test_change_amount_gives_one_message_and_no_required_for_a_filled_field(
    client, roa, contract, typed, message
):
    """A value refused by the field is not also reported as missing."""
    client.force_login(roa)
    post, _thresholds = _change_amount(client, contract)
    r = post(typed)
    assert _value_errors(r) == [message]
    body = r.content.decode()
    if typed:
        assert "obbligatorio" not in body
    assert not RequestDraft.objects.exists()


@pytest.mark.parametrize("typed", ["30,00", "30", "30,0"])
def test_change_amount_to_the_current_value_is_refused(client, roa, contract, typed):
    client.force_login(roa)
    post, _thresholds = _change_amount(client, contract)
    r = post(typed)
    assert _value_errors(r) == [SAME_AMOUNT]
    assert SAME_AMOUNT.replace("'", "&#x27;") in r.content.decode()
    assert not RequestDraft.objects.exists()
    assert post("31").status_code == 302


def test_change_amount_of_several_lines_is_refused_only_when_it_changes_none(client, roa, contract):
    client.force_login(roa)
    post, (a, b) = _change_amount(client, contract, lines=2)
    assert _value_errors(post("30")) == [SAME_AMOUNT]
    b.value = Decimal(40)
    b.save(update_fields=["value"])
    assert post("30").status_code == 302  # b changes
    assert [i["new"] for i in RequestDraft.objects.get().payload["lines"]] == ["30,00 €"] * 2


def test_change_type_or_period_to_the_current_one_is_refused(client, roa, contract):
    client.force_login(roa)
    t = f.ThresholdFactory(line=_line(contract))  # INFORMATIVA, MENSILE
    url = _params(client, "change", "tipologia", [t.pk])
    r = client.post(url, {"azione": "tipologia", "type": "INFORMATIVA"})
    assert [str(e) for e in r.context["form"].errors["type"]] == [
        "La tipologia è uguale a quella attuale: scegli l'altra tipologia."
    ]
    url = _params(client, "change", "periodo", [t.pk])
    r = client.post(url, {"azione": "periodo", "period": "MENSILE"})
    assert [str(e) for e in r.context["form"].errors["period"]] == [
        "Il periodo è uguale a quello attuale: scegli l'altro periodo."
    ]
    assert not RequestDraft.objects.exists()
    assert client.post(url, {"azione": "periodo", "period": "GIORNALIERO"}).status_code == 302


def test_roaming_amount_and_type_unchanged_are_refused(client, roa, contract):
    client.force_login(roa)
    t = f.ThresholdFactory(
        line=_line(contract),
        kind="DATI_EXTRA_UE",
        description="SOGLIA INFO VALORE DATI EXTRA UE PA",
        value=Decimal(50),
    )
    url = _params(client, "roaming", "importo", [t.pk])
    assert _value_errors(client.post(url, {"azione": "importo", "value": "50,00"})) == [SAME_AMOUNT]
    assert _value_errors(client.post(url, {"azione": "importo", "value": "1.50"})) == [FORMAT]
    url = _params(client, "roaming", "tipologia", [t.pk])
    r = client.post(url, {"azione": "tipologia", "type": "INFORMATIVA"})
    assert [str(e) for e in r.context["form"].errors["type"]] == [
        "La tipologia è uguale a quella attuale: scegli l'altra tipologia."
    ]
    r = client.post(
        _params(client, "roaming", "importo", [t.pk]), {"azione": "importo", "value": "1.500"}
    )
    assert r.status_code == 302 and RequestDraft.objects.get().payload["value"] == "1500"
