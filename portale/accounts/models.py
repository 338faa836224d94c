"""Portal users and their security records (E-04, E-05, E-06, E-40).

A user is bound to the mobile number given at registration: profiles (ROA, eBill, traffic
manager, messaging, employee) are derived from that number and the systems of record at
every request, never stored here (see ``portale.core.context``).
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
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
    previous_login = models.DateTimeField(
        _("Accesso precedente"), null=True, blank=True, editable=False
    )
    terms_accepted_at = models.DateTimeField(_("Termini accettati il"), null=True, blank=True)
    privacy_accepted_at = models.DateTimeField(_("Informativa accettata il"), null=True, blank=True)
    terms_version = models.CharField(_("Versione termini"), max_length=20, blank=True)
    ceased_at = models.DateTimeField(_("Cessato il"), null=True, blank=True)
    # Bumped by database triggers when the records that give the user's profiles change:
    # the key of the cached portal context (``accounts/portal_version.py``). Never set it.
    portal_version = models.PositiveBigIntegerField(default=0, editable=False)

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


class UserSession(AbstractBaseSession):
    """A session of the portal's engines (``portale.accounts.sessions``): Django's session
    row and the logged-in user's id, indexed, so a user's sessions are found without
    decoding everyone's."""

    user_id = models.BigIntegerField(null=True, db_index=True, editable=False)

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("sessione")
        verbose_name_plural = _("sessioni")

    @classmethod
    def get_session_store_class(cls):
        from django.conf import settings as conf
        from django.utils.module_loading import import_string

        return import_string(f"{conf.SESSION_ENGINE}.SessionStore")


class SecurityEvent(models.Model):
    """Audit log of security events, read by the back office in the admin (G-49)."""

    class Kind(models.TextChoices):
        LOGIN_OK = "login_ok", _("Accesso riuscito")
        LOGIN_FAILED = "login_failed", _("Accesso non riuscito")
        LOCKOUT = "lockout", _("Blocco accessi")
        OTP_SENT = "otp_sent", _("Codice temporaneo inviato")
        OTP_FAILED = "otp_failed", _("Codice temporaneo errato")
        OTP_RATE_LIMITED = "otp_rate_limited", _("Invio SMS limitato")
        PASSWORD_CHANGED = "password_changed", _("Password modificata")
        EMAIL_CHANGED = "email_changed", _("Email modificata")
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("Richiesta modifica email")
        REGISTRATION = "registration", _("Registrazione")
        REGISTRATION_CEASED = "registration_ceased", _("Registrazione cessata")
        RECOVERY = "recovery", _("Recupero credenziali")
        PERSONAL_DATA = "personal_data", _("Dati personali modificati")
        LOGOUT = "logout", _("Uscita")
        SESSION_EXPIRED = "session_expired", _("Sessione scaduta per inattività")
        REAUTH_OK = "reauth_ok", _("Identità verificata con codice temporaneo")
        EMAIL_CHANGE_NOTICE = "email_change_notice", _("Avviso di modifica al vecchio indirizzo")
        SESSION_REJECTED = "session_rejected", _("Sessione senza secondo fattore rifiutata")
        SESSION_LIFETIME = "session_lifetime", _("Sessione scaduta per durata massima")
        ADMIN_LOGIN = "admin_login", _("Accesso all'amministrazione")
        LOGIN_THROTTLED = "login_throttled", _("Accessi limitati per indirizzo")
        BACKOFFICE_ACTION = "backoffice_action", _("Azione di back office")
        CONTRACT_SWITCH = "contract_switch", _("Cambio contratto")
        DOCUMENT_DOWNLOAD = "document_download", _("Scaricamento documento")
        REQUEST_FILED = "request_filed", _("Richiesta dispositiva inviata")

    created_at = models.DateTimeField(_("Data/ora"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Utente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    username = models.CharField(_("Username tentata"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("Indirizzo IP"), null=True, blank=True)
    kind = models.CharField(_("Evento"), max_length=30, choices=Kind.choices, db_index=True)
    detail = models.CharField(_("Dettaglio"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("evento di sicurezza")
        verbose_name_plural = _("eventi di sicurezza")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"


class OtpChallenge(models.Model):
    """A 6-digit code sent by SMS (E-05). Only a keyed hash of the code is stored."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registrazione")
        LOGIN = "login", _("Accesso")
        RECOVERY = "recovery", _("Recupero credenziali")
        REAUTH = "reauth", _("Conferma modifica email o password")

    msisdn = models.CharField(max_length=15, db_index=True)
    purpose = models.CharField(max_length=15, choices=Purpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    consumed_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("codice temporaneo")
        verbose_name_plural = _("codici temporanei")
        indexes = [models.Index(fields=["ip", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.msisdn} {self.created_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    """A registration in progress once the e-mail step is done (steps 4-6 of F-3)."""

    class State(models.TextChoices):
        PENDING = "pending", _("In attesa di conferma email")
        CONFIRMED = "confirmed", _("Email confermata")
        COMPLETED = "completed", _("Completata")

    msisdn = models.CharField(max_length=15)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    fiscal_code = models.CharField(max_length=16)
    entity_fiscal_code = models.CharField(max_length=16)
    email = models.EmailField()
    username = models.CharField(max_length=150)
    replaces = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("registrazione")
        verbose_name_plural = _("registrazioni")

    def __str__(self) -> str:
        return f"{self.username} ({self.msisdn})"


class EmailToken(models.Model):
    """A "CONFERMA EMAIL" or password-reset link (E-06). Only a hash of the token is stored."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Conferma registrazione")
        EMAIL_CHANGE = "email_change", _("Modifica email")
        PASSWORD_RESET = "password_reset", _("Reimpostazione password")

    purpose = models.CharField(max_length=15, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("link di conferma")
        verbose_name_plural = _("link di conferma")

    def __str__(self) -> str:
        return f"{self.purpose} {self.email}"


class PasswordHistory(models.Model):
    """The last password hashes of a user, so a new password cannot reuse them (G-05)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class WidgetPreference(models.Model):
    """A widget on the user's home page, with its position (E-40)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="widgets"
    )
    code = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "code"], name="widget_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.code} #{self.position}"
