"""Background jobs of the requests engine (autodiscovered by the Huey worker)."""

from __future__ import annotations

import logging

from huey import crontab

from .platform import periodic_task
from .services import drafts_purge

logger = logging.getLogger(__name__)


@periodic_task(crontab(minute="23"))
def drafts_cleanup() -> int:
    """Hourly: requests abandoned on "Conferma dei dati" for more than 24 hours go, with
    their summary PDFs and uploaded documents (never a confirmed one)."""
    count = drafts_purge()
    if count:
        logger.info("removed %s abandoned request drafts", count)
    return count
