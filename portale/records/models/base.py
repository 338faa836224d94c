"""Administrations, contracts, referents and postal addresses (E-01, E-02, E-03, P-27)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import PortalQuerySet, RowScope

msisdn_validator = RegexValidator(
    r"^3\d{8,9}$", _("Inserisci un numero mobile valido (es. 3351234567).")
)
contract_code_validator = RegexValidator(r"^\d{12}$", _("Il codice contratto è di 12 cifre."))
# Electronic invoicing (FatturaPA) of a public administration
ipa_code_validator = RegexValidator(
    r"^[a-z0-9_]{2,20}$", _("Il codice IPA è di 2-20 caratteri: lettere minuscole, cifre e _.")
)
office_code_validator = RegexValidator(
    r"^[A-Z0-9]{6}$", _("Il Codice Univoco Ufficio è di 6 caratteri maiuscoli o cifre.")
)
cig_validator = RegexValidator(r"^[A-Z0-9]{10}$", _("Il CIG è di 10 caratteri maiuscoli o cifre."))
cup_validator = RegexValidator(
    r"^[A-Z][0-9A-Z]{14}$", _("Il CUP è di 15 caratteri maiuscoli o cifre, il primo una lettera.")
)


class Address(models.Model):
    """An Italian postal address (P-27): toponym, street, civic number, comune, CAP."""

    toponym = models.CharField(_("Via"), max_length=20, default="VIA")
    street = models.CharField(_("Indirizzo"), max_length=120)
    number = models.CharField(_("N° civico"), max_length=10, blank=True)
    hamlet = models.CharField(_("Frazione"), max_length=80, blank=True)
    province = models.CharField(_("Provincia"), max_length=2)
    city = models.CharField(_("Comune"), max_length=80)
    cap = models.CharField(_("CAP"), max_length=5)
    attention_of = models.CharField(_("All'attenzione di"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("indirizzo")
        verbose_name_plural = _("indirizzi")

    def __str__(self) -> str:
        civic = f" {self.number}" if self.number else ""
        return f"{self.toponym} {self.street}{civic}, {self.cap} {self.city} ({self.province})"


class Administration(models.Model):
    """Ente / Amministrazione, identified by its codice fiscale."""

    fiscal_code = models.CharField(_("Codice Fiscale"), max_length=16, unique=True)
    name = models.CharField(_("Ragione sociale"), max_length=200)
    seat = models.ForeignKey(
        Address, verbose_name=_("Sede legale"), on_delete=models.PROTECT, related_name="+"
    )
    ipa_code = models.CharField(
        _("Codice IPA"), max_length=20, blank=True, validators=[ipa_code_validator]
    )

    class Meta:
        verbose_name = _("amministrazione")
        verbose_name_plural = _("amministrazioni")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ipa_code="") | models.Q(ipa_code__regex=r"^[a-z0-9_]{2,20}$"),
                name="administration_ipa_code_format",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LegalRepresentative(models.Model):
    administration = models.OneToOneField(
        Administration, on_delete=models.CASCADE, related_name="legal_representative"
    )
    first_name = models.CharField(_("Nome"), max_length=80)
    last_name = models.CharField(_("Cognome"), max_length=80)
    email = models.EmailField(_("Email"))
    mobile = models.CharField(_("Numero mobile"), max_length=15, validators=[msisdn_validator])
    fiscal_code = models.CharField(_("Codice Fiscale personale"), max_length=16)

    class Meta:
        verbose_name = _("rappresentante legale")
        verbose_name_plural = _("rappresentanti legali")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Contract(models.Model):
    code = models.CharField(
        _("Contratto"), max_length=12, unique=True, validators=[contract_code_validator]
    )
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="contracts"
    )
    offer = models.CharField(_("Tipologia offerta"), max_length=60, default="CONVENZIONE PA 8")
    activation_date = models.DateField(_("Data di attivazione"))
    data_updated_at = models.DateTimeField(_("Dati aggiornati al"), auto_now=True)
    invoice_address = models.ForeignKey(
        Address,
        verbose_name=_("Indirizzo spedizione fatture aziendali"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    docs_address = models.ForeignKey(
        Address,
        verbose_name=_("Indirizzo spedizione documentazione"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Electronic invoicing (FatturaPA): where the SdI delivers the invoices, what they cite
    office_code = models.CharField(
        _("Codice Univoco Ufficio"),
        max_length=6,
        blank=True,
        validators=[office_code_validator],
        help_text=_("L'ufficio dell'IPA che riceve le fatture elettroniche del contratto."),
    )
    cig = models.CharField(_("CIG"), max_length=10, blank=True, validators=[cig_validator])
    cup = models.CharField(_("CUP"), max_length=15, blank=True, validators=[cup_validator])
    order_reference = models.CharField(
        _("Riferimento ordine"),
        max_length=20,
        blank=True,
        help_text=_("Il numero dell'ordine di fornitura citato in fattura (facoltativo)."),
    )
    order_date = models.DateField(_("Data ordine"), null=True, blank=True)

    class Meta:
        verbose_name = _("contratto")
        verbose_name_plural = _("contratti")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{12}$"), name="contract_code_12_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(office_code="") | models.Q(office_code__regex=r"^[A-Z0-9]{6}$"),
                name="contract_office_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(cig="") | models.Q(cig__regex=r"^[A-Z0-9]{10}$"),
                name="contract_cig_format",
            ),
            models.CheckConstraint(
                condition=models.Q(cup="") | models.Q(cup__regex=r"^[A-Z][0-9A-Z]{14}$"),
                name="contract_cup_format",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Referent(models.Model):
    """A referent of a contract; its mobile number grants the portal profile (E-03)."""

    class Role(models.TextChoices):
        MASTER = "MASTER", _("Master")
        MANDATARIO = "MANDATARIO", _("Mandatario")
        EBILL = "EBILL", _("eBill")
        TRAFFIC_MANAGER = "TRAFFIC", _("Traffic manager")
        MESSAGING = "MESSAGING", _("Messaggistica")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="referents")
    role = models.CharField(_("Tipologia"), max_length=12, choices=Role.choices)
    first_name = models.CharField(_("Nome"), max_length=80)
    last_name = models.CharField(_("Cognome"), max_length=80)
    fiscal_code = models.CharField(_("C.F. personale"), max_length=16)
    mobile = models.CharField(
        _("N° mobile"), max_length=15, db_index=True, validators=[msisdn_validator]
    )
    email = models.EmailField(_("Email"))

    portal_scope = RowScope(contract="contract", line=None)
    objects = PortalQuerySet.as_manager()

    class Meta:
        verbose_name = _("referente")
        verbose_name_plural = _("referenti")
        ordering = ["contract", "role", "last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "role"],
                condition=models.Q(role="MASTER"),
                name="one_master_referent_per_contract",
            ),
            models.UniqueConstraint(
                fields=["contract", "role", "mobile"], name="referent_role_mobile_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    role__in=["MASTER", "MANDATARIO", "EBILL", "TRAFFIC", "MESSAGING"]
                ),
                name="referent_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.first_name} {self.last_name}"
