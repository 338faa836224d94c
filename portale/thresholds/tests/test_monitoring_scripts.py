"""Monitoring soglie and its erosion pop-up under the Content-Security-Policy
(script-src 'self'): no inline script, no inline event handler; their behaviour comes from
a static file the portal serves. The bare pop-up declares the portal's favicon."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.templatetags.static import static
from django.urls import reverse

from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

SCRIPT = static("thresholds/erosion.js")


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []  # the attributes of each <script>
        self.handlers: list[str] = []  # on*= attributes, "<tag> <attribute>"
        self.icons: list[str] = []
        self.close_links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        self.handlers += [f"{tag} {name}" for name, _v in attrs if name.startswith("on")]
        if tag == "link" and "icon" in (attributes.get("rel") or "").split():
            self.icons.append(attributes.get("href") or "")
        if tag == "a" and "data-erosion-close" in attributes:
            self.close_links.append(attributes)


def _markup(response) -> _Markup:
    assert response.status_code == 200
    parser = _Markup()
    parser.feed(response.content.decode())
    return parser


def _assert_no_inline_code(markup: _Markup) -> None:
    inline = [s for s in markup.scripts if not s.get("src")]
    assert inline == [], "inline <script> blocked by the CSP"
    assert markup.handlers == [], "inline event handlers blocked by the CSP"


@pytest.fixture
def threshold(contract):
    return f.ThresholdFactory(line=f.SimFactory(line__contract=contract).line)


def test_the_csp_allows_no_inline_script(settings):
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]


def test_monitoring_opens_the_pop_up_from_a_static_script(client, traffic_manager, threshold):
    client.force_login(traffic_manager)
    markup = _markup(client.get(reverse("thresholds:monitoring")))
    _assert_no_inline_code(markup)
    assert SCRIPT in [s.get("src") for s in markup.scripts]
    # the htmx fragment (sorting, paging) carries no code either
    fragment = client.get(reverse("thresholds:monitoring"), HTTP_HX_REQUEST="true")
    _assert_no_inline_code(_markup(fragment))


def test_the_erosion_page_has_no_inline_code_and_the_portal_favicon(
    client, traffic_manager, threshold
):
    client.force_login(traffic_manager)
    markup = _markup(client.get(reverse("thresholds:erosion", args=[threshold.line_id])))
    _assert_no_inline_code(markup)
    assert SCRIPT in [s.get("src") for s in markup.scripts]
    # the same icon the portal's pages declare (base.html), so no /favicon.ico 404
    home = _markup(client.get(reverse("thresholds:monitoring")))
    assert home.icons and markup.icons == home.icons
    # CHIUDI: closes the pop-up (erosion.js); opened directly, a link back to Monitoring
    [close] = markup.close_links
    assert close["href"] == reverse("thresholds:monitoring")


def test_the_script_and_the_favicon_are_served(client, traffic_manager, threshold):
    script = client.get(SCRIPT)
    assert script.status_code == 200
    body = b"".join(script.streaming_content) if script.streaming else script.content
    assert b"window.open" in body and b"window.close" in body
    assert client.get(static("portale/favicon.svg")).status_code == 200
