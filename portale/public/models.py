"""Public-area content managed by the operator's staff in the admin (F-2, G-41)."""

from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NEW_FOR_DAYS = 30  # G-41: the "NUOVO" tag stays for 30 days after publication


class Audience(models.TextChoices):
    PUBLIC = "public", _("Pubblico (area pubblica)")
    REGISTERED = "registered", _("Utenti registrati (area privata)")


class ContentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(audience=Audience.PUBLIC)

    def registered(self):
        """What a logged-in user may read: registered-only items and the general ones."""
        return self.all()


class NewsQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(published_at__lte=timezone.now())


class News(models.Model):
    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    published_at = models.DateTimeField(_("pubblicato il"), default=timezone.now, db_index=True)
    teaser = models.TextField(_("sommario"), max_length=600)
    body = models.TextField(
        _("testo"), help_text=_("Testo semplice; le righe vuote separano i paragrafi.")
    )
    audience = models.CharField(
        _("destinatari"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("news")
        verbose_name_plural = _("news")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:news_detail", kwargs={"slug": self.slug})

    @property
    def paragraphs(self) -> list[str]:
        """The body as paragraphs: the editor separates them with a blank line."""
        body = self.body.replace("\r\n", "\n")
        return [p.strip() for p in body.split("\n\n") if p.strip()]

    @property
    def is_new(self) -> bool:
        now = timezone.now()
        return self.published_at <= now < self.published_at + timedelta(days=NEW_FOR_DAYS)


class Document(models.Model):
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    file = models.FileField(_("file"), upload_to="public/documents/")
    audience = models.CharField(
        _("destinatari"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    order = models.PositiveIntegerField(_("ordine"), default=0)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("public:document_download", kwargs={"pk": self.pk})

    @property
    def extension(self) -> str:
        name = self.file.name or ""
        return name.rsplit(".", 1)[-1].upper() if "." in name else ""
