"""Settings of the floor server (``served_floor.py``): the portal's, with its URLs and the
bare views."""

from portale.settings.base import *  # noqa: F403

ROOT_URLCONF = "served_floor"
