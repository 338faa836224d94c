from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import capabilities


def portal(request) -> dict:
    ctx = getattr(request, "portal", None)
    private = ctx is not None and request.user.is_authenticated
    if private:
        # Built now if no view used it (the context then replaces the lazy object on the
        # request, ``PortalContextMiddleware``): the frame reads the context itself.
        getattr(ctx, "profiles", None)  # builds it
        ctx = request.portal
    data = {"PORTALE_DEMO": settings.PORTALE_DEMO, "portal": ctx}
    if private:
        # The menu's HTML is cached by its key (frame_cache): the list is built only on a miss.
        key = capabilities.menu_key(ctx)
        data["menu_key"] = key
        # The menu marks the current page: the path is part of the key only when it is one
        # of the menu's own URLs (other paths share one entry; the store stays small).
        data["menu_path"] = request.path if request.path in capabilities.menu_urls() else ""
        data["main_menu"] = SimpleLazyObject(lambda: capabilities.menu_for(ctx))
    return data
