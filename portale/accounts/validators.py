"""Italian data and policy checks shared by the account forms."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

# G-08: PEC domains/patterns, configurable with ACCOUNTS_PEC_PATTERNS.
DEFAULT_PEC_PATTERNS = [
    r"(^|[@.])pec\.",
    r"\.pec\.",
    r"@pec\b",
    r"legalmail",
    r"postacert",
    r"postecert",
    r"pecveneto",
    r"cert\.legalmail",
    r"arubapec",
    r"sicurezzapostale",
    r"mypec",
    r"gigapec",
    r"casellapec",
    r"pcert\.",
    r"\.pec\.it$",
    r"@cert\.",
]

PASSWORD_RULES = [
    "almeno 8 caratteri",
    "almeno una lettera maiuscola e una minuscola",
    "almeno un numero",
    "almeno un carattere speciale (ad es. . , ! ? @ # $ % & * _ -)",
    "diversa dalla username e dall'indirizzo email",
    "diversa dalle ultime 5 password utilizzate",
]
PASSWORD_HISTORY = 5


def is_pec(email: str) -> bool:
    patterns = getattr(settings, "ACCOUNTS_PEC_PATTERNS", DEFAULT_PEC_PATTERNS)
    address = (email or "").lower()
    return any(re.search(p, address) for p in patterns)


def validate_not_pec(email: str) -> None:
    if is_pec(email):
        raise ValidationError(
            _(
                "Non sono ammessi indirizzi di Posta Elettronica Certificata (PEC): "
                "inserisci un indirizzo email che usi regolarmente."
            ),
            code="pec",
        )


def normalize_fiscal_code(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_personal_fiscal_code(value: str) -> str:
    """A personal codice fiscale, check character included (python-stdnum)."""
    code = normalize_fiscal_code(value)
    if len(code) != 16:
        raise ValidationError(
            _("Il Codice Fiscale personale è composto da 16 caratteri."), code="cf_length"
        )
    try:
        codicefiscale.validate(code)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("Il Codice Fiscale inserito non è corretto: verifica il carattere di controllo."),
            code="cf_checksum",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _(
                "Codice Fiscale personale non valido: deve avere 16 caratteri (6 lettere, "
                "2 cifre, 1 lettera, 2 cifre, 1 lettera, 3 cifre, 1 lettera). Controlla e "
                "correggi."
            ),
            code="cf_invalid",
        ) from exc
    return code


def validate_entity_fiscal_code(value: str) -> str:
    code = normalize_fiscal_code(value)
    if not re.fullmatch(r"\d{11}", code) and not re.fullmatch(r"[A-Z0-9]{16}", code):
        raise ValidationError(
            _("Il Codice Fiscale dell'Ente/Amministrazione è composto da 11 cifre."),
            code="entity_cf",
        )
    return code


def normalize_msisdn(value: str) -> str:
    digits = re.sub(r"[\s.\-/]", "", value or "")
    if digits.startswith("+39"):
        digits = digits[3:]
    elif digits.startswith("0039"):
        digits = digits[4:]
    return digits


def validate_msisdn(value: str) -> str:
    msisdn = normalize_msisdn(value)
    if not re.fullmatch(r"3\d{8,9}", msisdn):
        raise ValidationError(
            _("Inserisci un numero mobile valido (es. 3351234567)."), code="msisdn"
        )
    return msisdn


def password_policy_errors(password: str, *, user=None, username: str = "", email: str = ""):
    """G-05: the rules shown on the page. Returns a list of Italian messages."""
    errors = []
    if len(password) < 8:
        errors.append(_("La password deve contenere almeno 8 caratteri."))
    if not (re.search(r"[a-z]", password) and re.search(r"[A-Z]", password)):
        errors.append(_("La password deve contenere almeno una lettera maiuscola e una minuscola."))
    if not re.search(r"\d", password):
        errors.append(_("La password deve contenere almeno un numero."))
    if not re.search(r"[^A-Za-z0-9]", password):
        errors.append(_("La password deve contenere almeno un carattere speciale."))
    lowered = password.lower()
    for value in (username, email, getattr(user, "username", ""), getattr(user, "email", "")):
        if value and (lowered == value.lower() or (len(value) >= 4 and value.lower() in lowered)):
            errors.append(
                _("La password deve essere diversa dalla username e dall'indirizzo email.")
            )
            break
    if user is not None and user.pk:
        recent = [user.password] + list(
            user.password_history.values_list("password", flat=True)[:PASSWORD_HISTORY]
        )
        if any(h and check_password(password, h) for h in recent):
            errors.append(_("La password deve essere diversa dalle ultime 5 password utilizzate."))
    return errors
