import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from portale.support.models import Manual

pytestmark = pytest.mark.django_db


def _manual(title, **kwargs):
    manual = Manual(title=title, **kwargs)
    manual.file.save("m.pdf", ContentFile(b"%PDF-1.4 " + title.encode()), save=True)
    return manual


def test_it_works(client, roa):
    manual = _manual("Sistema SMAS/Netprofiler")
    client.force_login(roa)
    page = client.get(reverse("support:manuals")).content.decode()
    assert "Sistema SMAS/Netprofiler" in page and "Scarica PDF" in page
    got = client.get(reverse("support:manual_pdf", args=[manual.pk]))
    assert got["Content-Disposition"].startswith("attachment")
    assert b"".join(got.streaming_content).startswith(b"%PDF")


def test_referent_manuals_are_not_for_employees(client, employee):
    hidden = _manual("Gestione referenti", audience=Manual.Audience.REFERENTS)
    client.force_login(employee)
    assert "Gestione referenti" not in client.get(reverse("support:manuals")).content.decode()
    assert client.get(reverse("support:manual_pdf", args=[hidden.pk])).status_code == 404


def test_the_demo_manuals_are_real_pdfs_and_idempotent():
    from portale.core.pdf import pdf_text
    from portale.support.demo import load_support_demo_content

    assert load_support_demo_content() == 2
    assert load_support_demo_content() == 0
    manual = Manual.objects.get(title="Sistema SMAS/Netprofiler")
    assert "Rete Intelligente Flessibile" in pdf_text(manual.file.read())
