"""Scope cases for the access test: an anonymous visitor reads public items; items meant for
registered users (and unpublished news) are a 404 on the public pages."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from portale.public.models import Audience, Document, News


def _news(env):
    past = timezone.now() - timedelta(days=1)
    own = News.objects.create(
        title="Pubblica", slug="scope-pubblica", teaser="t", body="b", published_at=past
    )
    foreign = News.objects.create(
        title="Riservata",
        slug="scope-riservata",
        teaser="t",
        body="b",
        published_at=past,
        audience=Audience.REGISTERED,
    )
    return {"user": None, "own": {"slug": own.slug}, "foreign": {"slug": foreign.slug}}


def _document(env):
    def make(audience):
        doc = Document(title=f"Documento {audience}", audience=audience)
        doc.file.save("scope.pdf", ContentFile(b"%PDF-1.4 scope"), save=False)
        doc.save()
        return doc

    own, foreign = make(Audience.PUBLIC), make(Audience.REGISTERED)
    return {"user": None, "own": {"pk": own.pk}, "foreign": {"pk": foreign.pk}}


def _member_news(env):
    now = timezone.now()
    own = News.objects.create(
        title="Per i registrati",
        slug="scope-registrati",
        teaser="t",
        body="b",
        published_at=now - timedelta(days=1),
        audience=Audience.REGISTERED,
    )
    draft = News.objects.create(
        title="Non ancora pubblicata",
        slug="scope-futura",
        teaser="t",
        body="b",
        published_at=now + timedelta(days=5),
    )
    return {"user": env.users["DIP"], "own": {"slug": own.slug}, "foreign": {"slug": draft.slug}}


def _member_document(env):
    doc = Document(title="Documento riservato", audience=Audience.REGISTERED)
    doc.file.save("scope.pdf", ContentFile(b"%PDF-1.4 scope"), save=False)
    doc.save()
    gone = Document.objects.create(title="Rimosso", file="public/documents/gone.pdf")
    gone_pk = gone.pk
    gone.delete()
    return {"user": env.users["DIP"], "own": {"pk": doc.pk}, "foreign": {"pk": gone_pk}}


SCOPE_CASES = {
    "public:member_news_detail": _member_news,
    "public:member_document_download": _member_document,
    "public:news_detail": _news,
    "public:document_download": _document,
}
