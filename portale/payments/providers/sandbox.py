"""The portal's side of the sandbox PSP: a django-payments provider.

- ``get_form`` raises ``RedirectNeeded`` to the sandbox's hosted page, with the payment's
  session signed for the PSP (amount, kind, return and notification URLs).
- ``process_data`` receives, at the payment's process URL, either the user's **return**
  (a form POST from the hosted page, its fields signed) or the PSP's **notification** (a
  JSON POST signed in the ``X-Sandbox-Signature`` header). A bad signature answers 403,
  a body naming another order or amount 400; both change nothing. A good one goes to
  ``services.payment_outcome_apply`` (idempotent).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.core import signing as dj_signing
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from payments import PaymentError, PaymentStatus, RedirectNeeded
from payments.core import BasicProvider

from ..models import PaymentEvent
from ..signing import SIGNATURE_HEADER, canonical, verify
from . import Outcome

SESSION_SALT = "portale.payments.sandbox.session"
STATUSES = {
    "AUTORIZZATO": PaymentStatus.CONFIRMED,
    "RIFIUTATO": PaymentStatus.REJECTED,
    "ANNULLATO": PaymentStatus.CANCELLED,
    "ERRORE": PaymentStatus.ERROR,
}


class SandboxProvider(BasicProvider):
    def __init__(self, secret: str, capture: bool = True) -> None:
        super().__init__(capture=capture)
        self.secret = secret

    # --- out: to the hosted page ----------------------------------------------------------

    def session_for(self, payment) -> str:
        """The PSP's payment session, as a real PSP creates it from an API call."""
        saved = payment.saved_method
        data = {
            "ordine": str(payment.token),
            "numero": payment.order_number,
            "importo": f"{payment.total:.2f}",
            "valuta": payment.currency,
            "tipo": payment.kind,
            "metodo": payment.method,
            "descrizione": payment.description,
            "token": saved.psp_token if saved else "",
            "salva": bool(payment.save_method),
            "titolare": f"{payment.billing_first_name} {payment.billing_last_name}".strip(),
            "ritorno": payment.get_process_url(),
            "notifica": payment.get_process_url(),
        }
        return dj_signing.dumps(data, key=self.secret, salt=SESSION_SALT)

    def get_form(self, payment, data=None):
        raise RedirectNeeded(reverse("psp_sandbox:pay", args=[self.session_for(payment)]))

    # --- in: return and notification ------------------------------------------------------

    def get_token_from_request(self, payment, request) -> str | None:
        """For the static callback URL: the order the verified notification names."""
        if not verify(self.secret, request.body, request.headers.get(SIGNATURE_HEADER, "")):
            raise PaymentError("invalid signature", code=403)
        try:
            return json.loads(request.body)["ordine"]
        except (ValueError, KeyError, TypeError):
            raise PaymentError("malformed notification", code=400) from None

    def process_data(self, payment, request) -> HttpResponse:
        from ..services import payment_outcome_apply

        if request.method != "POST":
            # Reading the process URL changes nothing: back to the caller's result page.
            return HttpResponseRedirect(self._result_url(payment))
        if request.content_type == "application/json":
            if not verify(self.secret, request.body, request.headers.get(SIGNATURE_HEADER, "")):
                return JsonResponse({"errore": "firma non valida"}, status=403)
            try:
                fields = json.loads(request.body)
            except ValueError:
                return JsonResponse({"errore": "notifica non leggibile"}, status=400)
            source = PaymentEvent.Source.NOTIFICATION
        else:
            fields = {k: request.POST.get(k, "") for k in request.POST}
            if not verify(self.secret, canonical(fields), request.POST.get("firma", "")):
                return HttpResponse("firma non valida", status=403)
            source = PaymentEvent.Source.RETURN
        problem = self._mismatch(payment, fields)
        if problem:
            if source == PaymentEvent.Source.RETURN:
                return HttpResponse(problem, status=400)
            return JsonResponse({"errore": problem}, status=400)
        outcome = Outcome(
            status=STATUSES[fields["esito"]],
            event_id=str(fields["evento"]),
            transaction_id=str(fields.get("transazione", "")),
            card_brand=str(fields.get("circuito", "")),
            card_masked=str(fields.get("carta", "")),
            card_expiry=str(fields.get("scadenza", "")),
            psp_token=str(fields.get("token", "")),
        )
        payment, result = payment_outcome_apply(
            payment_id=payment.pk, outcome=outcome, source=source
        )
        if source == PaymentEvent.Source.RETURN:
            return HttpResponseRedirect(self._result_url(payment))
        return JsonResponse({"ordine": str(payment.token), "esito": result})

    @staticmethod
    def _mismatch(payment, fields: dict) -> str:
        if str(fields.get("ordine", "")) != str(payment.token):
            return "ordine diverso da quello del pagamento"
        if fields.get("esito") not in STATUSES or not fields.get("evento"):
            return "esito non riconosciuto"
        try:
            amount = Decimal(str(fields.get("importo", "")))
        except InvalidOperation:
            return "importo non leggibile"
        if amount != payment.total:
            return "importo diverso da quello del pagamento"
        return ""

    @staticmethod
    def _result_url(payment) -> str:
        if payment.status == PaymentStatus.CONFIRMED:
            return payment.get_success_url()
        return payment.get_failure_url()
