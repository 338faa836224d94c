"""WSGI entry point (granian or gunicorn)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portale.settings.base")
application = get_wsgi_application()


def _freeze_startup_objects() -> None:
    """Load what every request needs (URL patterns and views, the translation catalogs),
    then move every object alive to the collector's permanent generation (issue 17).

    A full collection walked the ~140,000 objects of a started worker — 80-135 ms, once
    every few hundred requests, ~0.2-1 ms a request on average and a spike in one
    response — though none of them is ever garbage; frozen, it walks only what requests
    create. Measured in-process over 360 requests of the issue's pages: 10.4 → 9.8 ms of
    CPU a request. Objects freed by their reference count still are."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every app's URLconf and views now
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Home")  # loads the catalogs
    gc.collect()
    gc.freeze()


_freeze_startup_objects()
