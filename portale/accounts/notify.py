"""Texts of the SMS and e-mails of the account flows (guide §3, §4, §6), verbatim."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

SMS_REGISTRATION = (
    "Usa il codice temporaneo {code} per proseguire con la registrazione all'Area Clienti TIM "
    "dedicata ai servizi in Convenzione Mobile 8"
)
SMS_LOGIN = (
    "Usa il codice temporaneo {code} per completare l'accesso all'Area Clienti TIM dedicata ai "
    "servizi in Convenzione Mobile 8."
)
SMS_RECOVERY = (
    "Usa il codice temporaneo {code} per recuperare le credenziali di accesso all'Area Clienti "
    "TIM dedicata ai servizi in Convenzione Mobile 8."
)
SMS_REAUTH = (
    "Usa il codice temporaneo {code} per confermare la modifica di email o password dell'Area "
    "Clienti TIM dedicata ai servizi in Convenzione Mobile 8. Se non hai fatto tu la "
    "richiesta, non comunicarlo a nessuno."
)
SMS_USERNAME = (
    "La username per accedere all'Area Clienti TIM dedicata ai servizi in Convenzione Mobile 8 "
    "è {username}"
)

SMS_TEXTS = {
    "registration": SMS_REGISTRATION,
    "login": SMS_LOGIN,
    "recovery": SMS_RECOVERY,
    "reauth": SMS_REAUTH,
}


def sms_send(*, to: str, text: str, kind: str = "otp", secret: bool = True) -> None:
    """Every SMS of the account flows carries a code or the username: secret by default."""
    from portale.core.notifications import send_sms

    send_sms(
        to=to,
        text=text,
        sender=getattr(settings, "SMS_OTP_SENDER", "40134"),
        kind=kind,
        secret=secret,
    )


def email_send(
    *, to: str, subject: str, template: str, context: dict, kind: str, secret: bool = False
) -> None:
    """Render ``accounts/email/<template>.txt`` and ``.html`` and hand them to the outbox.
    ``secret``: the e-mail carries a link or credentials (blanked once delivered)."""
    from portale.core.notifications import send_email

    text = render_to_string(f"accounts/email/{template}.txt", context)
    html = render_to_string(f"accounts/email/{template}.html", context)
    send_email(to=to, subject=subject, text=text, html=html, kind=kind, secret=secret)


def email_send_text(*, to: str, subject: str, text: str, kind: str = "otp") -> None:
    """The login code of staff without a line: always secret."""
    from portale.core.notifications import send_email

    send_email(to=to, subject=subject, text=text, kind=kind, secret=True)
