"""Notifications: the one interface for SMS and e-mail (DESIGN §5.5).

    from portale.core.notifications import send_email, send_sms

    send_sms(to="3331234567", text="Codice OTP: 123456", kind="otp")
    send_email(to="mario.rossi@ente.it", subject="Pratica 123", text="...",
               attachments=[("riepilogo.pdf", pdf_bytes, "application/pdf")], kind="pratica")

Both store an ``OutboxMessage`` in the caller's transaction and queue the delivery after
the commit. Backends: settings NOTIFY_EMAIL_BACKEND ("outbox", "smtp", "django") and
NOTIFY_SMS_BACKEND ("outbox", "http"); see ``backends.py`` to add a provider.
"""

from .services import EMAIL_FOOTER, deliver, deliver_now, send_email, send_sms

__all__ = ["EMAIL_FOOTER", "deliver", "deliver_now", "send_email", "send_sms"]
