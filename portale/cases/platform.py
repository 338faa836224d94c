"""The platform services the requests engine uses, in one place (DESIGN §5.5, §5.6)."""

from portale.core.notifications import send_email
from portale.core.pdf import pdf_response, pdf_text, render_pdf
from portale.core.tasks import enqueue_on_commit, periodic_task, task

__all__ = [
    "enqueue_on_commit",
    "pdf_response",
    "pdf_text",
    "periodic_task",
    "render_pdf",
    "send_email",
    "task",
]
