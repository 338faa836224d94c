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
    every few hundred requests, paid by the one response it lands in — though none of them
    is ever garbage; frozen, it walks only what requests create (~8 ms). Measured
    in-process over 600 requests of the issue's pages: the full collections' share went
    from 0.13-0.14 to 0.014 ms of CPU a request (the mean CPU a request moved less than its
    run-to-run noise). Objects freed by their reference count still are."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every app's URLconf and views now
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Home")  # loads the catalogs
    gc.collect()
    gc.freeze()


_freeze_startup_objects()
