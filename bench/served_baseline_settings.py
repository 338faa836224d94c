"""Settings of the bare baseline (``served_baseline.py``): the portal's, without middleware."""

from portale.settings.base import *  # noqa: F403

ROOT_URLCONF = "served_baseline"
MIDDLEWARE: list[str] = []
