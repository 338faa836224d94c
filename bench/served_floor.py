"""The floor of the served benchmark (``bench/served.py --floor``): the bare baseline's
views behind the portal's whole middleware stack, for a logged-in user.

    granian --interface wsgi --workers 2 --blocking-threads 4 served_floor:application

The portal's settings and middleware (session, CSRF, authentication, the session checks,
the portal context, CSP, compression…) and the portal's URLs, plus ``/floor/lines/``,
``/floor/traffic/`` and ``/floor/tem/``: the bare baseline's queries and template,
answered only to a user who is logged in with both factors and whose portal context is
built, as every portal page is. What it serves per second is the most any portal page could
serve with the same query: it splits a page's distance from the bare baseline into what the
middleware costs and what the page itself costs.

``/floor/frame/`` is the other bound: the portal's page frame (``base_private.html``: header,
menus, breadcrumb, footer, the user's context) with nothing in it and no query of its own.
No portal page serves more per second than this empty page, whatever its own work costs.
"""

from __future__ import annotations

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "served_floor_settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

# Its views only: the settings are this module's already (its own setting of the variable
# comes after Django has read them and changes nothing).
import served_baseline  # noqa: E402
from django.core.exceptions import PermissionDenied  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import include, path  # noqa: E402

# The page frame alone: every portal page extends it and fills its content block.
EMPTY_PAGE = engines["django"].from_string(
    '{% extends "base_private.html" %}{% block content %}{% endblock %}'
)


def _logged_in(view):
    def wrapped(request):
        if not request.user.is_authenticated or not request.portal.profiles:
            raise PermissionDenied
        return view(request)

    return wrapped


def frame(request):
    return HttpResponse(EMPTY_PAGE.render({"title": "Pagina vuota"}, request))


urlpatterns = [
    path("floor/frame/", _logged_in(frame)),
    path("floor/lines/", _logged_in(served_baseline.lines)),
    path("floor/traffic/", _logged_in(served_baseline.traffic)),
    path("floor/tem/", _logged_in(served_baseline.tem)),
    path("", include("portale.urls")),
]
