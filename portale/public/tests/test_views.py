from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from portale.public.demo import load_public_demo_content
from portale.public.models import Audience, Document, News

pytestmark = pytest.mark.django_db


def make_news(**kw):
    defaults = {
        "title": "Notizia pubblica",
        "slug": "notizia-pubblica",
        "teaser": "Sommario della notizia",
        "body": "Primo paragrafo.\n\nSecondo paragrafo.",
        "published_at": timezone.now() - timedelta(days=1),
    }
    return News.objects.create(**{**defaults, **kw})


def make_doc(**kw):
    doc = Document(title=kw.pop("title", "Guida"), **kw)
    doc.file.save("guida.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    doc.save()
    return doc


def test_home_has_the_guide_labels(client):
    make_news(title="UTENTI REGISTRATI CONVENZIONE 7")
    html = client.get(reverse("public:index")).content.decode()
    for label in [
        "Portale di eCaring della Convenzione Telefonia Mobile 8",
        "REGISTRATI ORA",
        "UTENTI REGISTRATI CONVENZIONE 7",
        "NUOVO",
        "PUBBLICATO IL",
        "Articolo completo >",
        "TUTTI GLI ARTICOLI",
        "TUTTI I DOCUMENTI",
        "Numero verde fonia",
        "800.680.068",
        "800.000.210",
        "telefoniamobile8@telecomitalia.it",
        "telefoniamobile8@pec.telecomitalia.it",
        "Privacy Policy & Cookie",
        f"Gruppo TIM © {timezone.now().year} - P.IVA 00488410010",
        "Accedi",
        ">News<",
        ">Documenti<",
    ]:
        assert label in html, label


def test_home_shows_the_latest_public_news_with_date(client):
    make_news(title="Vecchia", slug="vecchia", published_at=timezone.now() - timedelta(days=90))
    make_news(title="Riservata", slug="riservata", audience=Audience.REGISTERED)
    html = client.get(reverse("public:index")).content.decode()
    assert "Vecchia" in html and "Riservata" not in html
    assert "NUOVO" not in html  # older than 30 days


def test_news_published_date_format(client):
    load_public_demo_content()
    html = client.get(reverse("public:index")).content.decode()
    assert "PUBBLICATO IL <time" in html and "16/06/2021 - 12:00" in html


def test_news_list_and_detail(client):
    n = make_news()
    make_news(title="Riservata", slug="riservata", audience=Audience.REGISTERED)
    make_news(title="Futura", slug="futura", published_at=timezone.now() + timedelta(days=3))
    html = client.get(reverse("public:news_list")).content.decode()
    assert "Notizia pubblica" in html and "Riservata" not in html and "Futura" not in html
    resp = client.get(n.get_absolute_url())
    assert resp.status_code == 200
    assert "Secondo paragrafo." in resp.content.decode()
    assert client.get(reverse("public:news_detail", args=["riservata"])).status_code == 404
    assert client.get(reverse("public:news_detail", args=["futura"])).status_code == 404


def test_documents_list_and_download(client):
    pub = make_doc(title="Documento pubblico")
    reg = make_doc(title="Documento riservato", audience=Audience.REGISTERED)
    html = client.get(reverse("public:documents")).content.decode()
    assert "Documento pubblico" in html and "Documento riservato" not in html
    resp = client.get(pub.get_absolute_url())
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert "attachment" in resp["Content-Disposition"]
    assert b"".join(resp.streaming_content).startswith(b"%PDF")
    assert client.get(reg.get_absolute_url()).status_code == 404


def test_contacts_and_privacy_pages(client):
    html = client.get(reverse("public:contacts")).content.decode()
    assert "Numero verde fonia" in html and "telefoniamobile8@pec.telecomitalia.it" in html
    html = client.get(reverse("public:privacy")).content.decode()
    for label in ["Titolare del trattamento", "Base giuridica", "Conservazione", "cookie tecnici"]:
        assert label.lower() in html.lower(), label


def test_contacts_come_from_settings(client, settings):
    settings.PORTALE_CONTACTS = {"phone": "800.111.222"}
    html = client.get(reverse("public:index")).content.decode()
    assert "800.111.222" in html and "800.680.068" not in html


def test_demo_content_is_idempotent():
    assert load_public_demo_content() == {"news": 3, "documents": 3}
    assert load_public_demo_content() == {"news": 0, "documents": 0}
    news = News.objects.get(slug="utenti-registrati-convenzione-7")
    assert timezone.localtime(news.published_at).strftime("%d/%m/%Y %H:%M") == "16/06/2021 12:00"
    for doc in Document.objects.all():
        with doc.file.open("rb") as fh:
            assert fh.read(4) == b"%PDF"


def test_public_views_are_marked():
    from django.urls import resolve

    for name in ["index", "news_list", "documents", "contacts", "privacy"]:
        assert resolve(reverse(f"public:{name}")).func.access == "public"


def test_private_frame_for_a_referent(client, roa, contract):
    client.force_login(roa)
    html = client.get(reverse("home:index")).content.decode()
    assert roa.short_name in html
    assert "Hai bisogno di aiuto? Contattaci!" in html
    assert f"Contratto: <strong>{contract.code}</strong>" in html
    assert "Dati personali" in html and "Esci" in html
    assert 'data-bs-toggle="navbarcollapsible"' in html


def test_anonymous_404_uses_public_frame(client):
    resp = client.get("/non-esiste/")
    assert resp.status_code == 404


def test_error_pages_use_the_private_frame_when_logged_in(client, employee):
    client.force_login(employee)
    resp = client.get("/non-esiste/")
    html = resp.content.decode()
    assert resp.status_code == 404
    assert "Pagina non trovata" in html and "Hai bisogno di aiuto? Contattaci!" in html


def test_breadcrumb_and_hint_tags():
    from django.template import Context, Template

    html = Template(
        '{% load portal %}{% breadcrumb crumbs %}{% hint "attenzione" %}Testo <b>ok</b>{% endhint %}'
    ).render(Context({"crumbs": [("Linee e listino", ""), ("Consistenze aggregate", "")]}))
    assert "Home</a>" in html and 'aria-current="page">Consistenze aggregate' in html
    assert "Attenzione:" in html and "Testo <b>ok</b>" in html


def test_safe_url_falls_back():
    from django.template import Context, Template

    html = Template('{% load portal %}{% safe_url "nope:missing" "public:privacy" %}').render(
        Context()
    )
    assert html == reverse("public:privacy")


def test_member_news_and_documents(client, employee):
    make_news(title="Riservata", slug="riservata", audience=Audience.REGISTERED)
    make_news(title="Generale", slug="generale")
    doc = make_doc(title="Documento riservato", audience=Audience.REGISTERED)
    assert client.get(reverse("public:member_news")).status_code == 302  # login first
    client.force_login(employee)
    html = client.get(reverse("public:member_news")).content.decode()
    assert "Riservata" in html and "Generale" in html
    assert "Hai bisogno di aiuto? Contattaci!" in html  # private frame
    resp = client.get(reverse("public:member_news_detail", args=["riservata"]))
    assert resp.status_code == 200 and "Primo paragrafo." in resp.content.decode()
    html = client.get(reverse("public:member_documents")).content.decode()
    assert "Documento riservato" in html
    resp = client.get(reverse("public:member_document_download", args=[doc.pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"


def test_an_article_body_is_split_into_paragraphs_on_blank_lines():
    from portale.public.models import News

    article = News(body="Primo paragrafo.\r\n\r\nSecondo\nparagrafo.\n\n\n")
    assert article.paragraphs == ["Primo paragrafo.", "Secondo\nparagrafo."]


@pytest.mark.parametrize("fixture", ["roa", "employee"])
def test_a_logged_in_user_opening_the_public_home_lands_on_the_private_home(
    client, request, fixture
):
    """ "/" and the header's "Gruppo TIM" (which links to it) mean "my home" once logged in."""
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("public:index"))
    assert response.status_code == 302 and response["Location"] == reverse("home:index")
    assert "REGISTRATI ORA" not in client.get(reverse("public:index"), follow=True).content.decode()


def test_an_anonymous_visitor_still_sees_the_public_home(client):
    response = client.get(reverse("public:index"))
    assert response.status_code == 200 and "REGISTRATI ORA" in response.content.decode()


def test_contacts_page_promises_only_channels_that_exist(client):
    html = client.get(reverse("public:contacts")).content.decode()
    for promise in ("chat", "prenotazione di una chiamata", "Scrivici"):
        assert promise not in html
    assert "800.680.068" in html
