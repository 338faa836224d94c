"""Out-of-range dates in the histories' filter are a form error, not a 500 (issue 15.5)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["cases:history", "cases:orders"])
@pytest.mark.parametrize("value", ["01/01/0001", "0001-01-05", "31/12/1899"])
def test_a_date_too_far_in_the_past_is_a_form_error(client, roa, url_name, value):
    client.force_login(roa)
    response = client.get(reverse(url_name), {"data": value})
    assert response.status_code == 200
    assert "Data non valida: scrivila come gg/mm/aaaa." in response.content.decode()
