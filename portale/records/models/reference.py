"""Reference data of the systems of record: network categories, RIF profiles, service
points (PDA) and the price list (E-32, E-36, E-43, G-27)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkCategory(models.Model):
    """A "direttrice" of the network that can be enabled or blocked per line (G-27)."""

    code = models.CharField(_("Codice"), max_length=20, unique=True)
    description = models.CharField(_("Descrizione"), max_length=120)
    position = models.PositiveSmallIntegerField(_("Ordine"), default=0)

    class Meta:
        verbose_name = _("direttrice di rete")
        verbose_name_plural = _("direttrici di rete")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.description


class RifProfile(models.Model):
    """A RIF profile from the back-end "Legenda" (F-7.3.10, E-43)."""

    code = models.CharField(_("Codice"), max_length=20, unique=True)
    description = models.CharField(_("Descrizione"), max_length=160)
    position = models.PositiveSmallIntegerField(_("Ordine"), default=0)

    class Meta:
        verbose_name = _("profilo RIF")
        verbose_name_plural = _("profili RIF")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} - {self.description}"


class ServicePoint(models.Model):
    """Punto di Assistenza (PDA), searched by distance (F-7.7.8, E-32)."""

    name = models.CharField(_("Nome"), max_length=120)
    street = models.CharField(_("Indirizzo"), max_length=160)
    province = models.CharField(_("Provincia"), max_length=2)
    city = models.CharField(_("Comune"), max_length=80)
    cap = models.CharField(_("CAP"), max_length=5)
    latitude = models.DecimalField(_("Latitudine"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("Longitudine"), max_digits=9, decimal_places=6)
    phone = models.CharField(_("Telefono"), max_length=20, blank=True)
    opening_hours = models.TextField(_("Orari di apertura"), blank=True)
    is_active = models.BooleanField(_("Attivo"), default=True)

    class Meta:
        verbose_name = _("punto di assistenza")
        verbose_name_plural = _("punti di assistenza")
        ordering = ["province", "city", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="servicepoint_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(cap__regex=r"^[0-9]{5}$"), name="servicepoint_cap_5_digits"
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return f"{self.name} - {self.city} ({self.province})"


class PriceList(models.Model):
    """Listino della Convenzione (E-36): one current version at a time."""

    version = models.CharField(_("Versione"), max_length=20, unique=True)
    date = models.DateField(_("Data"))
    is_current = models.BooleanField(_("In vigore"), default=False)
    pdf = models.FileField(_("PDF"), upload_to="listino/", blank=True)

    class Meta:
        verbose_name = _("listino")
        verbose_name_plural = _("listini")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_price_list",
            )
        ]

    def __str__(self) -> str:
        return f"Listino {self.version} del {self.date:%d/%m/%Y}"


class PriceItem(models.Model):
    class Kind(models.TextChoices):
        TARIFF = "TARIFFA", _("Profilo tariffario")
        OPTION = "OPZIONE", _("Opzione")
        STS = "STS", _("Servizio su linea")
        DEVICE = "APPARATO", _("Apparato")
        SERVICE = "SAC", _("Servizio a contratto")
        TRAFFIC = "TRAFFICO", _("Traffico")

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("Tipo"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("Codice"), max_length=40)
    description = models.CharField(_("Descrizione"), max_length=200)
    unit = models.CharField(_("Unità"), max_length=40, blank=True)
    price = models.DecimalField(_("Prezzo €"), max_digits=12, decimal_places=4)

    class Meta:
        verbose_name = _("voce di listino")
        verbose_name_plural = _("voci di listino")
        ordering = ["price_list", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "kind", "code"], name="price_item_unique_code"
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="price_item_price_gte_0"),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["TARIFFA", "OPZIONE", "STS", "APPARATO", "SAC", "TRAFFICO"]
                ),
                name="price_item_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"
