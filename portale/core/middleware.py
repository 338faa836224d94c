from django.utils.functional import SimpleLazyObject

from .context import build_context


class PortalContextMiddleware:
    """Attach ``request.portal`` (profiles, selected contract, own line), computed lazily."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.portal = SimpleLazyObject(
            lambda: build_context(user=request.user, session=request.session)
        )
        return self.get_response(request)
