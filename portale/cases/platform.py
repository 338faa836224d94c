"""The platform services the requests engine uses (PDF, tasks, notifications).

They live in ``portale.core`` (pdf, tasks, notifications). This module imports them and,
while a core module is not there yet, falls back to a minimal equivalent with the same
signature, so the requests engine works and is tested either way.
"""

from __future__ import annotations

import io

from django.db import transaction

try:  # pragma: no cover - depends on what core ships
    from portale.core.pdf import pdf_response, pdf_text, render_pdf
except ImportError:  # pragma: no cover
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    def render_pdf(template_name, context, *, request=None) -> bytes:
        from weasyprint import HTML

        html = render_to_string(template_name, context, request=request)
        base = request.build_absolute_uri("/") if request is not None else None
        return HTML(string=html, base_url=base).write_pdf()

    def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
        response = HttpResponse(pdf, content_type="application/pdf")
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        return response

    def pdf_text(pdf: bytes) -> str:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


try:  # pragma: no cover
    from portale.core.tasks import enqueue_on_commit, periodic_task, task
except ImportError:  # pragma: no cover
    from huey.contrib.djhuey import db_periodic_task, db_task

    def task(*args, **kwargs):
        kwargs.setdefault("retries", 3)
        kwargs.setdefault("retry_delay", 5)
        return db_task(*args, **kwargs)

    def periodic_task(crontab, *args, **kwargs):
        return db_periodic_task(crontab, *args, **kwargs)

    def enqueue_on_commit(task_fn, *args, **kwargs):
        transaction.on_commit(lambda: task_fn(*args, **kwargs))


try:  # pragma: no cover
    from portale.core.notifications import send_email
except ImportError:  # pragma: no cover
    from django.core.mail import EmailMultiAlternatives

    def send_email(*, to, subject, text, html="", attachments=None, kind=""):
        recipients = [to] if isinstance(to, str) else list(to)
        msg = EmailMultiAlternatives(subject=subject, body=text, to=recipients)
        if html:
            msg.attach_alternative(html, "text/html")
        for name, content, mimetype in attachments or []:
            msg.attach(name, content, mimetype)
        transaction.on_commit(msg.send)


__all__ = [
    "enqueue_on_commit",
    "pdf_response",
    "pdf_text",
    "periodic_task",
    "render_pdf",
    "send_email",
    "task",
]
