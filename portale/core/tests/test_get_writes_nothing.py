"""A GET never creates or changes anything (issue 18 §4): every state-changing action is a
POST, so a crawler, a prefetching browser or a double GET leaves the database as it was.

The walk reuses the access walk of ``test_access.py``: every URL of the project, as every
profile (and anonymous), parametrised URLs with their scope case's own object. Each GET
runs under query capture; any INSERT, UPDATE or DELETE outside the session table fails the
test. The URLs that only act (``export_request``…) must answer 405 to a GET, and no 405 may be
a blank page (the portal's ``405.html`` says nothing was done and leads back).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_access import ScopeEnv, project_routes, scope_cases

# The session is the visitor's state, not the portal's data (a GET may refresh its expiry
# or remember the selected contract).
# The session, and the audit log: recording who downloaded a document (issue 15) is not a
# change of the data a GET must leave alone.
ALLOWED_TABLES = {"accounts_usersession", "accounts_securityevent"}

# GETs that write, each for a reason given here (an entry is never a licence: a new one
# needs its own reason, and a name that stops writing should leave the list).
KNOWN_WRITERS = {
    # P-09: INVIA is enabled once the person has downloaded the summary PDF and every
    # attachment of their own draft; the download is that act, so it marks the draft (the
    # requester's own, reached only with its token, idempotent: the first download marks).
    "cases:summary_pdf",
    "cases:draft_attachment",
}

# URLs that only act: a GET must be refused outright.
POST_ONLY = {"inventory:export_request"}

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _writes(queries) -> list[str]:
    out = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in ALLOWED_TABLES:
            out.append(f"{match.group(1).split()[0].upper()} {match.group(2)}")
    return out


def _get(client, url) -> tuple[int, list[str], bool]:
    """Status, writes, and whether the answer is a blank 405 (``core/middleware.py``)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        # A lazy body (a streamed download) is read too: its queries count.
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    blank = response.status_code == 405 and "Nessuna azione eseguita" not in (
        response.content.decode()
    )
    return response.status_code, _writes(ctx.captured_queries), blank


@pytest.mark.django_db
def test_no_get_writes_to_the_database(client, users_by_profile, contract, other_contract):
    cases = scope_cases()
    env = ScopeEnv(users=users_by_profile, contract=contract, other_contract=other_contract)
    offenders: dict[str, set[str]] = {}
    refused: dict[str, int] = {}
    blank: set[str] = set()
    visitors = {"anonymous": None, **users_by_profile}
    for route in project_routes():
        if route.params:
            spec = cases[route.name](env)
            url = reverse(route.name, kwargs=spec["own"])
            prepare = spec.get("prepare")
            targets = [
                (spec.get("user"), url, prepare),
                (spec.get("user"), f"{url}?export=xlsx", prepare),
            ]
        else:
            url = reverse(route.name)
            # ``?export=`` too: a link that used to file an export job must not any more.
            targets = [(user, url, None) for user in visitors.values()]
            targets.append((users_by_profile["ROA"], f"{url}?export=xlsx", None))
        for user, url, prepare in targets:
            if user is None:
                client.logout()
            else:
                client.force_login(user)
            if prepare:
                prepare(client)
            status, writes, blank_405 = _get(client, url)
            if blank_405:
                blank.add(route.name)
            if writes:
                offenders.setdefault(route.name, set()).update(writes)
            if route.name in POST_ONLY:
                refused[route.name] = status
    unexpected = {name: w for name, w in offenders.items() if name not in KNOWN_WRITERS}
    assert not unexpected, f"GETs that write to the database: {unexpected}"
    assert refused == dict.fromkeys(POST_ONLY, 405)
    # A URL that only acts, opened with a GET, says so in a page of the portal.
    assert not blank, f"blank 405 pages: {sorted(blank)}"


@pytest.mark.django_db
def test_the_known_writers_are_urls():
    """Keeps KNOWN_WRITERS honest: a name that is no longer a URL must leave the list."""
    names = {r.name for r in project_routes()}
    assert names >= KNOWN_WRITERS, KNOWN_WRITERS - names
