"""The PSP's doors into the portal: the payment's process URL (the user's return and the
per-payment notification) and the static notification URL of a variant.

Both are django-payments' views (``payments.urls``), marked public: the PSP has no portal
session, it proves itself with its signature, checked by the provider; CSRF does not apply
(a cross-site POST from the PSP is the point).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from payments import urls as payments_urls

from portale.core.capabilities import public_view


@public_view
@csrf_exempt
def process(request, token):
    return payments_urls.process_data(request, str(token))


@public_view
@csrf_exempt
def callback(request, variant: str):
    if variant not in settings.PAYMENT_VARIANTS:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return payments_urls.static_callback(request, variant)
