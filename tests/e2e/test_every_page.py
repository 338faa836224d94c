"""Every page a demo user can open, on the demo data, as a person would see it.

For each demo profile the test opens every function the capability registry grants it, at
1280 and 360 px: the page answers, nothing widens the page on a phone, the browser logs no
error, axe-core finds no serious or critical violation, and no attribute was cut short by an
unescaped quote. Every list declares its key columns: at 360 px their cells are on screen (the
rows are labelled cards), and at 1280 px no column of a list is cut off by its box.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from portale.core import capabilities
from portale.core.context import build_context

from .conftest import force_login

PROFILES = ["roa@demo.it", "dipendente@demo.it", "ricaricabile@demo.it", "operatore@demo.it"]


@pytest.fixture
def demo_data(transactional_db):
    call_command("demo_setup", traffic_days=3, verbosity=0)


def _lists_behind(cap) -> list[str]:
    """The lists a function's page leads to (each consistency list, a traffic search)."""
    from portale.inventory.tables import AGGREGATES, DETAILS
    from portale.myline.selectors import detail_window

    if cap.code == "inventory.aggregate":
        return [reverse("inventory:aggregate_list", args=[k]) for k in AGGREGATES]
    if cap.code == "inventory.detail":
        return [reverse("inventory:detail_list", args=[k]) for k in DETAILS]
    if cap.code == "myline.consumption":
        lo, hi = detail_window(timezone.localdate())
        query = {"vedi": "1", "dal": lo.isoformat(), "al": hi.isoformat()}
        cats = ["generico", "dati", "voce"]  # either form's keys; an unknown one lists nothing
        url = reverse("myline:consumption_detail")
        return [f"{url}?{urlencode({**query, 'categoria': c})}" for c in cats]
    return []


def _pages_for(user) -> list[str]:
    """The pages of the functions the registry allows the user, and their lists.

    Each granted page must answer 200 HTML (a function that makes a file, such as the price
    list PDF, must answer 200 with it); a function whose view does not exist yet has no URL
    and is in no menu. A list behind a page is kept when it shows a list.
    """
    from django.contrib.auth import BACKEND_SESSION_KEY

    from portale.core.auth import SECOND_FACTOR_BACKEND

    # The session of a login that passed both factors (what force_login gives the browser).
    ctx = build_context(user=user, session={BACKEND_SESSION_KEY: SECOND_FACTOR_BACKEND})
    client = Client()
    client.force_login(user)
    urls, broken, candidates = [], [], []
    for cap in capabilities.allowed(ctx):
        if cap.url:
            candidates += [(cap, cap.url, False), *((cap, u, True) for u in _lists_behind(cap))]
    granted = {url for _cap, url, _list in candidates}
    for cap, url, must_list in candidates:
        response = client.get(url)
        if response.status_code == 302 and response["Location"] in granted - {url}:
            # It sends the user to another of their pages (staff: home → back office); the
            # browser below follows it and checks where it lands.
            urls.append(url)
            continue
        is_page = response.status_code == 200 and response["Content-Type"].startswith("text/html")
        if cap.prepares_file and not must_list:
            if response.status_code != 200:
                broken.append(f"{cap.code} {url}: HTTP {response.status_code}")
            continue
        if not must_list and not is_page:
            broken.append(
                f"{cap.code} {url}: HTTP {response.status_code} {response['Content-Type']}"
            )
        elif is_page and (not must_list or b"portale-list-table" in response.content):
            urls.append(url)
    assert not broken, "granted pages that do not answer:\n" + "\n".join(broken)
    return urls


# For each list on the page: its key columns (declared, and their first row's cells inside the
# viewport and not hidden) and, on a laptop, any header cell beyond the list's visible box.
LIST_CHECK = """(width) => [...document.querySelectorAll('table.portale-list-table')].map(t => {
    const box = t.closest('.portale-list-scroll').getBoundingClientRect();
    const keys = [...t.querySelectorAll('thead th[data-key-column]')].map(th => th.innerText.trim());
    const row = t.querySelector('tbody tr');
    const cells = row ? [...row.querySelectorAll('td[data-key-column]')] : [];
    const hidden = cells.filter(td => {
        const r = td.getBoundingClientRect();
        return !td.checkVisibility() || r.width === 0 || r.left < 0 || r.right > width + 0.5;
    }).map(td => td.dataset.label);
    const cut = [...t.querySelectorAll('thead th')].filter(th => {
        const r = th.getBoundingClientRect();
        return r.width > 0 && r.right > box.right + 0.5;
    }).map(th => th.innerText.trim());
    return {caption: t.caption ? t.caption.innerText : t.closest('[id]').id, keys, rows: !!row,
            keyCells: cells.length, hidden, cut};
})"""


# Attribute names no template or script writes: what is left of an attribute whose value held
# an unescaped double quote (the browser ends the value there and reads the rest as names, the
# words next to a quote keeping it: `contratto"`). SVG's viewBox and ECharts' own
# _echarts_instance_ are names too.
JUNK_ATTRIBUTES = """() => [...document.querySelectorAll('*')].flatMap(e =>
    [...e.attributes].map(a => a.name).filter(n => !/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(n))
        .map(n => `${e.tagName.toLowerCase()} ${n}`))"""


def _list_problems(page, width: int) -> list[str]:
    problems = []
    for t in page.evaluate(LIST_CHECK, width):
        if not t["keys"]:
            problems.append(f"list {t['caption']!r} declares no key columns")
        if t["rows"] and t["keyCells"] != len(t["keys"]):
            problems.append(f"list {t['caption']!r}: {t['keyCells']} key cells in a row")
        if t["hidden"]:
            problems.append(f"list {t['caption']!r}: key columns not visible {t['hidden']}")
        if width >= 1280 and t["cut"]:
            problems.append(f"list {t['caption']!r}: columns cut at {width} px {t['cut']}")
    return problems


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
            problems += [f"{url} @{width}: {p}" for p in _list_problems(page, width)]
            if width == 1280:
                junk = page.evaluate(JUNK_ATTRIBUTES)
                if junk:
                    problems.append(f"{url}: attributes cut by an unescaped quote {junk[:5]}")
            if width == 1280:
                for v in axe_violations(page):
                    problems.append(f"{url}: axe {v['id']} {v['nodes'][:2]}")
        if page.console_errors:
            problems.append(f"console errors @{width}: {page.console_errors[:3]}")
    assert not problems, "\n".join(problems)
