"""Every page a demo user can open, on the demo data, as a person would see it.

For each demo profile the test opens every function the capability registry grants it, at
1280 and 360 px: the page answers, nothing widens the page on a phone, the browser logs no
error, and axe-core finds no serious or critical violation.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from portale.core import capabilities
from portale.core.context import build_context

from .conftest import force_login

PROFILES = ["roa@demo.it", "dipendente@demo.it", "ricaricabile@demo.it", "operatore@demo.it"]


@pytest.fixture
def demo_data(transactional_db):
    call_command("demo_setup", traffic_days=3, verbosity=0)


def _pages_for(user) -> list[str]:
    """The pages of the functions the registry allows the user: each must answer 200 HTML.

    A function whose view does not exist yet has no URL and is not in any menu; a granted
    function that exists but fails for this user fails the test.
    """
    ctx = build_context(user=user, session={})
    client = Client()
    client.force_login(user)
    urls, broken = [], []
    for cap in capabilities.allowed(ctx):
        url = cap.url
        if not url:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            broken.append(
                f"{cap.code} {url}: HTTP {response.status_code} {response['Content-Type']}"
            )
        else:
            urls.append(url)
    assert not broken, "granted pages that do not answer:\n" + "\n".join(broken)
    return urls


@pytest.mark.parametrize("username", PROFILES)
def test_every_page_of_a_profile(demo_data, new_page, live_server, axe_violations, username):
    from portale.accounts.models import User

    user = User.objects.get(username=username)
    urls = _pages_for(user)
    assert len(urls) >= 3, urls
    problems = []
    for width in (1280, 360):
        page = new_page(width)
        force_login(page, user, live_server.url)
        for url in urls:
            response = page.goto(url)
            page.wait_for_load_state("networkidle")
            if response is None or response.status != 200:
                problems.append(f"{url} @{width}: HTTP {response and response.status}")
                continue
            scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll_width > width:
                problems.append(f"{url} @{width}: page is {scroll_width}px wide")
            if width == 1280:
                for v in axe_violations(page):
                    problems.append(f"{url}: axe {v['id']} {v['nodes'][:2]}")
        if page.console_errors:
            problems.append(f"console errors @{width}: {page.console_errors[:3]}")
    assert not problems, "\n".join(problems)
