import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from portale.accounts.models import WidgetPreference
from portale.core.capabilities import REGISTRY
from portale.home.views import greeting
from portale.home.widgets import widget_catalogue

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


@pytest.mark.parametrize(
    ("hour", "text"),
    [
        (5, "Buongiorno"),
        (13, "Buongiorno"),
        (14, "Buon pomeriggio"),
        (17, "Buon pomeriggio"),
        (18, "Buonasera"),
        (2, "Buonasera"),
    ],
)
def test_greeting_by_time_of_day(hour, text):
    assert greeting(datetime(2026, 11, 25, hour, 30, tzinfo=ROME)) == text


def test_home_shows_greeting_last_access_and_help_boxes(client, employee):
    employee.previous_login = datetime(2026, 11, 20, 9, 15, tzinfo=ROME)
    employee.save()
    client.force_login(employee)
    response = client.get(reverse("home:index"))
    assert response.status_code == 200
    assert "Gina" in response.text
    assert "Ultimo accesso: 20/11/2026 alle 09:15" in response.text
    for title in ("NEWS", "ASSISTENZA", "CONTATTI", "DOCUMENTI"):
        assert title in response.text
    assert "VAI ALLA SEZIONE" in response.text
    for name in ("public:member_news", "public:member_documents", "support:contacts"):
        assert f'href="{reverse(name)}"' in response.text
    assert "I miei widget" in response.text


def test_contract_selector_only_for_referent_of_several_contracts(client, roa, contract):
    from portale.records.tests import factories as f

    client.force_login(roa)
    assert 'name="contract"' not in client.get(reverse("home:index")).text
    second = f.ContractFactory(administration=contract.administration)
    f.ReferentFactory(contract=second, mobile=roa.mobile)
    response = client.get(reverse("home:index"))
    assert 'name="contract"' in response.text and second.code in response.text
    # a button, written in capitals as every button of the guide (docs/COPY.md §2)
    assert (
        '<button class="btn btn-primary btn-sm" type="submit">SELEZIONA</button>' in response.text
    )


def test_widget_catalogue_only_offers_allowed_implemented_functions(rf, users_by_profile):
    from portale.core.context import build_context

    for user in users_by_profile.values():
        request = rf.get("/")
        request.session = {}
        ctx = build_context(user=user, session=request.session)
        for cap in widget_catalogue(ctx=ctx):
            assert cap.widget and cap.allows(ctx) and cap.url


def test_widgets_are_stored_per_user_in_order(client, roa, employee):
    from portale.core.context import build_context

    ctx = build_context(user=roa, session={})
    catalogue = [c.code for c in widget_catalogue(ctx=ctx)]
    client.force_login(roa)
    page = client.get(reverse("home:widgets"))
    assert page.status_code == 200
    if len(catalogue) < 2:
        pytest.skip("fewer than two widgets implemented yet")
    a, b = catalogue[0], catalogue[1]
    response = client.post(
        reverse("home:widgets"),
        {"widget": [a, b, "backoffice.queue", "nonexistent"], f"pos_{a}": "2", f"pos_{b}": "1"},
    )
    assert response.status_code == 302
    assert list(WidgetPreference.objects.filter(user=roa).values_list("code", flat=True)) == [b, a]
    home = client.get(reverse("home:index")).text
    assert home.index(str(REGISTRY[b].label)) < home.index(str(REGISTRY[a].label))
    assert not WidgetPreference.objects.filter(user=employee).exists()


@pytest.mark.parametrize("typed", ["abc", "-1", "0", "100", "1,5", "²"])
def test_a_position_not_understood_is_refused_next_to_the_field(client, roa, typed):
    """Nothing is saved; the typed position and the choices stay as the user left them."""
    from portale.core.context import build_context

    catalogue = [c.code for c in widget_catalogue(ctx=build_context(user=roa, session={}))]
    if len(catalogue) < 2:
        pytest.skip("fewer than two widgets implemented yet")
    a, b = catalogue[0], catalogue[1]
    client.force_login(roa)
    response = client.post(
        reverse("home:widgets"), {"widget": [a, b], f"pos_{a}": typed, f"pos_{b}": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    tag = re.search(rf'<input [^>]*name="pos_{re.escape(a)}"[^>]*>', body).group(0)
    assert f'value="{typed}"' in tag and 'aria-invalid="true"' in tag
    assert "Indica la posizione con un numero da 1 a 99." in body
    for code in (a, b):  # both choices kept
        box = re.search(rf'<input [^>]*name="widget" value="{re.escape(code)}"[^>]*>', body)
        assert "checked" in box.group(0)
    assert not WidgetPreference.objects.filter(user=roa).exists()


def test_home_requires_login(client, db):
    response = client.get(reverse("home:index"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_user_with_no_profile_is_told_what_to_check(client, no_profile_user, roa):
    client.force_login(no_profile_user)
    body = client.get(reverse("home:index")).content.decode()
    assert 'id="nessun-profilo"' in body and "Gestione referenti" in body
    assert no_profile_user.mobile in body
    client.force_login(roa)
    assert 'id="nessun-profilo"' not in client.get(reverse("home:index")).content.decode()


def test_the_guide_widgets_of_existing_functions(client, roa, employee):
    """F-5: "Dati del contratto", "Servizi su linea STS" and "Servizi su linea" can be placed
    by a referent, open their pages, and are not offered to an employee."""
    from portale.core.context import build_context

    codes = [w.code for w in widget_catalogue(ctx=build_context(user=roa, session={}))]
    assert {"widget.contract", "widget.sts", "widget.line_services"} <= set(codes)
    client.force_login(roa)
    client.post(reverse("home:widgets"), {"widget": ["widget.contract", "widget.sts"]})
    home = client.get(reverse("home:index")).text
    assert "Dati del contratto" in home and "Servizi su linea STS" in home
    assert reverse("company:addresses") in home
    assert reverse("inventory:aggregate_list", args=["sts"]) in home
    assert client.get(reverse("inventory:aggregate_list", args=["sts"])).status_code == 200
    employee_codes = {
        w.code for w in widget_catalogue(ctx=build_context(user=employee, session={}))
    }
    assert not employee_codes & {"widget.contract", "widget.sts", "widget.line_services"}


def test_the_operators_staff_land_on_the_back_office(client, staff):
    """Staff have no customer function: the home would greet them with an empty page."""
    from portale.backoffice.services import operator_grant

    operator_grant(user=staff)
    client.force_login(staff)
    response = client.get(reverse("home:index"))
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:index")
    page = client.get(response["Location"]).content.decode()
    assert "<title>Console operatore · TIM</title>" in page
