"""Static files and pages as production delivers them (issue 18).

- Static files: the production storage (``portale.settings.base.STORAGES``, WhiteNoise's
  compressed manifest storage) gives them hashed names at ``collectstatic``, with gzip and
  Brotli copies, and WhiteNoise serves them compressed with a long immutable cache. The test
  settings use the plain storage; here the production one is switched on for one stylesheet.
- Pages: gzipped when the browser accepts it, except the ones listed as holding a secret.
- Headers and meta: the CSP forbids plugins and <base>; private pages say noindex; every page
  carries a description (the public ones are the ones indexed).
"""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import reverse

from portale.settings import base as production

CSS = "".join(f".portale-test-{i} {{ color: #0066cc; margin: {i}px; }}\n" for i in range(200))


@pytest.fixture
def production_static(tmp_path):
    """One stylesheet collected and served with the production storage and WhiteNoise."""
    source = tmp_path / "src"
    (source / "portale").mkdir(parents=True)
    (source / "portale" / "probe.css").write_text(CSS)
    root = tmp_path / "static"
    with override_settings(
        STORAGES=production.STORAGES,
        STATIC_ROOT=str(root),
        STATICFILES_DIRS=[str(source)],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_MAX_AGE=production.WHITENOISE_MAX_AGE,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_production_storage_is_whitenoise_compressed_manifest():
    assert production.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_static_file_is_served_hashed_compressed_and_cached_for_long(production_static):
    url = static("portale/probe.css")
    assert re.fullmatch(r"/static/portale/probe\.[0-9a-f]{12}\.css", url), url
    # collectstatic wrote the gzip and Brotli copies next to the hashed file.
    hashed = production_static / url.removeprefix("/static/")
    assert hashed.with_name(hashed.name + ".gz").is_file()
    assert hashed.with_name(hashed.name + ".br").is_file()

    client = Client()  # a new handler: WhiteNoise reads the overridden settings
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        body = b"".join(response.streaming_content)
        assert decode(body).decode() == CSS
        assert len(body) < len(CSS) / 5
        cache = response["Cache-Control"]
        assert "immutable" in cache
        assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600

    # The unhashed name (not used by the pages) is still served, with a short cache.
    plain = client.get("/static/portale/probe.css")
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]


@pytest.mark.django_db
def test_pages_are_gzipped_when_accepted(client):
    response = client.get(reverse("public:index"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(response.content)
    plain = client.get(reverse("public:index"))
    assert not plain.has_header("Content-Encoding")


@pytest.mark.django_db
def test_pdf_downloads_are_not_compressed_again(client):
    url = reverse("accounts:legal_document", args=["termini"])
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_outbox_holding_codes_is_never_compressed(client):
    # It shows one-time codes next to its echoed search box (BREACH): left uncompressed.
    response = client.get(reverse("demo:outbox"), {"q": "333"}, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b'<meta name="robots" content="noindex' in response.content


@pytest.mark.django_db
def test_csp_forbids_plugins_and_base_element(client):
    csp = client.get(reverse("public:index"))["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["public:index", "accounts:login"])
def test_public_pages_have_a_description_and_may_be_indexed(client, name):
    html = client.get(reverse(name)).content.decode()
    assert re.search(r'<meta name="description" content="[^"]{50,}">', html)
    assert 'name="robots"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "home:index",
        "inventory:detail",
        "cases:history",
        "billing:invoices",
        "accounts:personal_data",
    ],
)
def test_private_pages_say_noindex(client, roa, name):
    client.force_login(roa)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html


@pytest.mark.django_db
def test_employee_pages_say_noindex(client, employee):
    client.force_login(employee)
    response = client.get(reverse("myline:consumption"))
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


@pytest.mark.django_db
def test_scripts_are_deferred_in_order(client, roa):
    client.force_login(roa)
    html = client.get(reverse("home:index")).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts, html[:500]
    assert all(" defer" in tag for tag in scripts), scripts
    order = [re.search(r'src="([^"]+)"', tag).group(1) for tag in scripts]
    assert order[0].endswith("bootstrap-italia.min.js")
    assert any("htmx" in src for src in order[1:])
    assert order.index(next(s for s in order if s.endswith("portale/portale.js"))) > 0


def test_compressed_pages_rely_on_a_same_site_session_cookie(settings):
    # Compression is safe on private pages partly because other sites cannot make the
    # victim's browser send many requests with its session (compression.py).
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert "portale.core.compression.CompressionMiddleware" in settings.MIDDLEWARE


def test_pages_are_compressed_fast_and_still_padded():
    """Pages use gzip level 1 (issue 17: a third of a page's CPU at Django's level 6) and
    keep the random padding of the gzip header (BREACH, compression.py)."""
    from portale.core.compression import PAGE_LEVEL, compress_page

    body = b"<!doctype html>" + b"<p>Linee e listino</p>" * 500
    outs = [compress_page(body, 100) for _ in range(30)]
    assert all(gzip.decompress(out) == body for out in outs)
    assert len({len(out) for out in outs}) > 1  # padded with a random length
    assert PAGE_LEVEL == 1 and len(outs[0]) < len(body) // 5
