"""Punti di Assistenza (F-7.7.8): the first 15 within 10 km of the comune, nearest first."""

from decimal import Decimal

import pytest
from django.urls import reverse

from portale.records.tests import factories as f
from portale.support import geo

pytestmark = pytest.mark.django_db
PERUGIA = (43.1122, 12.38878)
URL = reverse("support:service_points")


def test_comuni_are_located_offline():
    place = geo.locate(province="PG", city="Perugia")
    assert place is not None and abs(place.latitude - PERUGIA[0]) < 0.05
    assert geo.locate(cap="06081").name == "Assisi"
    assert geo.locate(province="PG", city="Milano") is None


@pytest.fixture
def points_around_perugia():
    # 25 points north of Perugia, 0.6 km apart (0.0054° of latitude): 16 within 10 km.
    return [
        f.ServicePointFactory(
            name=f"PDA {i:02d}",
            latitude=Decimal(str(round(PERUGIA[0] + 0.0054 * i, 6))),
            longitude=Decimal(str(PERUGIA[1])),
        )
        for i in range(1, 26)
    ]


def test_it_works(client, roa, points_around_perugia):
    client.force_login(roa)
    body = client.get(URL, {"provincia": "PG", "comune": "Perugia"}).content.decode()
    listed = [f"PDA {i:02d}" for i in range(1, 26) if f"PDA {i:02d}</strong>" in body]
    assert listed == [f"PDA {i:02d}" for i in range(1, 16)]  # 15, nearest first
    assert "15 punti di assistenza entro 10 km da Perugia (PG)" in body
    assert 'id="pda-map"' in body and "vendor/leaflet/leaflet.js" in body


def test_the_selector_keeps_within_10_km_in_order(points_around_perugia):
    from portale.records import selectors

    found = selectors.service_points_near(latitude=PERUGIA[0], longitude=PERUGIA[1])
    distances = [km for _p, km in found]
    assert len(found) == 15 and distances == sorted(distances) and max(distances) <= 10


def test_a_comune_of_another_province_is_explained(client, employee):
    client.force_login(employee)
    body = client.get(URL, {"provincia": "PG", "comune": "Milano"}).content.decode()
    assert "non è in provincia di Perugia" in body
    assert 'value="Milano"' in body


def test_nothing_nearby_says_what_to_do(client, roa):
    client.force_login(roa)
    body = client.get(URL, {"cap": "06081"}).content.decode()
    assert "Nessun punto di assistenza entro 10 km" in body
