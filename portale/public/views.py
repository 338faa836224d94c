"""The public area (F-2): home, news, documents, contacts, privacy.

Only "public" audience content is shown here; registered-only items are a 404.
"""

import os

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portale.core.capabilities import login_only, public_view
from portale.core.files import file_response

from .contacts import contacts
from .models import Document, News


@public_view
def index(request):
    # A logged-in user who opens "/" (or the header's "Gruppo TIM") means their own home.
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "public/index.html",
        {
            "latest_news": News.objects.public().published().first(),
            "contacts": contacts(),
        },
    )


@public_view
def news_list(request):
    page = Paginator(News.objects.public().published(), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "public/news_list.html",
        {"page": page, "news": page.object_list, "breadcrumbs": [(_("News"), "")]},
    )


@public_view
def news_detail(request, slug):
    article = get_object_or_404(News.objects.public().published(), slug=slug)
    return render(
        request,
        "public/news_detail.html",
        {
            "article": article,
            "breadcrumbs": [(_("News"), reverse("public:news_list")), (article.title, "")],
        },
    )


@public_view
def documents(request):
    return render(
        request,
        "public/documents.html",
        {"documents": Document.objects.public(), "breadcrumbs": [(_("Documenti"), "")]},
    )


@public_view
def document_download(request, pk):
    return _download(get_object_or_404(Document.objects.public(), pk=pk))


def _download(doc):
    # Public documents (the convention's PDFs): a browser may keep them for an hour.
    return file_response(doc.file, filename=os.path.basename(doc.file.name), private=False)


@public_view
def contacts_page(request):
    return render(
        request,
        "public/contacts.html",
        {
            "contacts": contacts(),
            "breadcrumbs": [(_("Contatti"), "")],
            "login_url": reverse("accounts:login"),
        },
    )


@public_view
def privacy(request):
    return render(
        request,
        "public/privacy.html",
        {"contacts": contacts(), "breadcrumbs": [(_("Privacy Policy & Cookie"), "")]},
    )


# --- Area Clienti: news and documents "di interesse per gli utenti registrati" (F-5) ------


@login_only
def member_news_list(request):
    page = Paginator(News.objects.registered().published(), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "public/member_news_list.html",
        {
            "page": page,
            "news": page.object_list,
            "title": _("News"),
            "breadcrumbs": [(_("News"), "")],
        },
    )


@login_only
def member_news_detail(request, slug):
    article = get_object_or_404(News.objects.registered().published(), slug=slug)
    return render(
        request,
        "public/member_news_detail.html",
        {
            "article": article,
            "title": article.title,
            "breadcrumbs": [(_("News"), reverse("public:member_news")), (article.title, "")],
        },
    )


@login_only
def member_documents(request):
    return render(
        request,
        "public/member_documents.html",
        {
            "documents": Document.objects.registered(),
            "title": _("Documenti"),
            "breadcrumbs": [(_("Documenti"), "")],
        },
    )


@login_only
def member_document_download(request, pk):
    return _download(get_object_or_404(Document.objects.registered(), pk=pk))
