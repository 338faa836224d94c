from django.conf import settings

from . import capabilities


def portal(request) -> dict:
    ctx = getattr(request, "portal", None)
    data = {"PORTALE_DEMO": settings.PORTALE_DEMO, "portal": ctx}
    if ctx is not None and request.user.is_authenticated:
        data["main_menu"] = capabilities.menu_for(ctx)
    return data
