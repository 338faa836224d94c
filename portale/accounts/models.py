"""Portal users (E-04).

A user is bound to the mobile number given at registration: profiles (ROA, eBill, traffic
manager, messaging, employee) are derived from that number and the systems of record at
every request, never stored here (see ``portale.core.profiles``).
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Attivo")
        CEASED = "ceased", _("Cessato")

    class Origin(models.TextChoices):
        CONV8 = "conv8", _("Convenzione 8")
        LEGACY = "legacy", _("Convenzione 5, 6 o 7")

    mobile = models.CharField(_("Numero mobile"), max_length=15, blank=True, db_index=True)
    fiscal_code = models.CharField(_("Codice fiscale"), max_length=16, blank=True)
    entity_fiscal_code = models.CharField(_("C.F. Ente/Amministrazione"), max_length=16, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.CONV8)

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    @property
    def short_name(self) -> str:
        """ "Gina D": first name and the initial of the surname, as in the guide's user menu."""
        if self.first_name:
            initial = f" {self.last_name[:1].upper()}" if self.last_name else ""
            return f"{self.first_name.capitalize()}{initial}"
        return self.username
