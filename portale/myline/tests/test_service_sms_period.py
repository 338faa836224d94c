"""SMS di servizio: the chosen period survives sorting and paging."""

import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_sort_links_keep_the_chosen_period(client, employee):
    client.force_login(employee)
    html = client.get(reverse("myline:service_sms"), {"periodo": "3"}).content.decode()
    links = re.findall(r'href="([^"]*sort=[^"]*)"', html)
    assert links and all("periodo=3" in link for link in links)
