"""The sandbox PSP: a stand-in for the payment provider, served by the project.

It plays the provider's part of the flow, so the demo and the tests pay for real: the
hosted payment page (card or PayPal), the 3-D Secure challenge, the signed return to the
merchant and the signed server-to-server notification, delivered by a durable job.

Test cards (any future expiry, any 3-digit CVV):

=====================  ==========  ===========================================
4242 4242 4242 4242    VISA        authorised (no challenge)
5555 5555 5555 4444    MASTERCARD  authorised (no challenge)
4000 0000 0000 3220    VISA        3-D Secure challenge: code 123456 authorises
4000 0000 0000 0002    VISA        declined by the issuer
=====================  ==========  ===========================================

PayPal: any e-mail with the password ``sandbox`` authorises; an e-mail starting with
``rifiuta`` is declined.

The card number is read only here, in memory, to pick the test behaviour: what leaves the
sandbox (to the portal) is a token, the brand, the last four digits and the expiry.
"""

from __future__ import annotations

import json
import secrets
import uuid

from django import forms
from django.conf import settings
from django.core import signing as dj_signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

from portale.core.capabilities import public_view

from .models import SandboxNotification
from .providers.sandbox import SESSION_SALT
from .signing import RETURN_FIELDS, canonical, sign

CHALLENGE_SALT = "portale.payments.sandbox.challenge"
CHALLENGE_CODE = "123456"
SESSION_MAX_AGE = 30 * 60  # a hosted page stays usable for 30 minutes

OK, CHALLENGE, DECLINED = "ok", "3ds", "ko"
TEST_CARDS = {
    "4242424242424242": ("VISA", OK),
    "5555555555554444": ("MASTERCARD", OK),
    "4000000000003220": ("VISA", CHALLENGE),
    "4000000000000002": ("VISA", DECLINED),
}


def _secret() -> str:
    return settings.PAYMENT_SANDBOX_SECRET


def _session(blob: str) -> dict:
    try:
        return dj_signing.loads(blob, key=_secret(), salt=SESSION_SALT, max_age=SESSION_MAX_AGE)
    except dj_signing.BadSignature:
        raise Http404 from None


def _token(behaviour: str, brand: str, last4: str) -> str:
    """The PSP's reusable token: opaque to the portal (the sandbox reads it back)."""
    return f"sbx_{behaviour}_{brand.lower()}_{last4}_{secrets.token_hex(6)}"


def _from_token(token: str) -> tuple[str, str, str]:
    try:
        _p, behaviour, brand, last4, _r = token.split("_")
    except ValueError:
        raise Http404 from None
    return behaviour, brand.upper(), last4


def _mask_email(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


class CardForm(forms.Form):
    titolare = forms.CharField(label=_("Titolare della carta"), max_length=80)
    numero = forms.CharField(
        label=_("Numero della carta"),
        max_length=23,
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    scadenza = forms.RegexField(
        label=_("Scadenza (MM/AA)"),
        regex=r"^(0[1-9]|1[0-2])/\d{2}$",
        error_messages={"invalid": _("Scrivi la scadenza come MM/AA.")},
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "MM/AA"}),
    )
    cvv = forms.RegexField(
        label=_("CVV"),
        regex=r"^\d{3,4}$",
        error_messages={"invalid": _("Il CVV è di 3 o 4 cifre.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )

    def clean_numero(self) -> str:
        number = self.cleaned_data["numero"].replace(" ", "").replace("-", "")
        if not number.isdigit() or not luhn.is_valid(number):
            raise forms.ValidationError(_("Il numero della carta non è valido."))
        if number not in TEST_CARDS:
            raise forms.ValidationError(_("Nell'ambiente di prova usa una delle carte di prova."))
        return number

    def clean_scadenza(self) -> str:
        value = self.cleaned_data["scadenza"]
        month, year = int(value[:2]), 2000 + int(value[3:])
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError(_("La carta è scaduta."))
        return value


class PayPalForm(forms.Form):
    email = forms.EmailField(label=_("E-mail PayPal"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data["password"] != "sandbox":
            raise forms.ValidationError(_("Credenziali PayPal non corrette (prova: sandbox)."))
        return data


class ChallengeForm(forms.Form):
    codice = forms.CharField(
        label=_("Codice di verifica"),
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _page(request, template: str, session: dict, **extra) -> HttpResponse:
    return render(
        request,
        f"payments/sandbox/{template}",
        {"session": session, "test_cards": TEST_CARDS, "challenge_code": CHALLENGE_CODE, **extra},
    )


@public_view
def pay(request, blob: str):
    """The hosted payment page: card (new or saved) or PayPal, PAGA or ANNULLA."""
    session = _session(blob)
    paypal = session["metodo"] == "PAYPAL"
    saved = session["token"]
    form_class = PayPalForm if paypal and not saved else CardForm
    form = None if saved else form_class()
    if request.method == "POST":
        if "annulla" in request.POST:
            return _complete(request, session, "ANNULLATO")
        if saved:
            behaviour, brand, last4 = _from_token(saved)
            card = {"circuito": brand, "carta": last4, "scadenza": "", "token": saved}
            return _authorise(request, session, behaviour, card)
        form = form_class(request.POST)
        if form.is_valid():
            if paypal:
                email = form.cleaned_data["email"]
                behaviour = DECLINED if email.startswith("rifiuta") else OK
                masked = _mask_email(email)
                card = {
                    "circuito": "PAYPAL",
                    "carta": masked,
                    "scadenza": "",
                    "token": _token(behaviour, "PAYPAL", secrets.token_hex(2)),
                }
            else:
                number = form.cleaned_data["numero"]
                brand, behaviour = TEST_CARDS[number]
                card = {
                    "circuito": brand,
                    "carta": "*****" + number[-4:],
                    "scadenza": form.cleaned_data["scadenza"],
                    "token": _token(behaviour, brand, number[-4:]),
                }
            return _authorise(request, session, behaviour, card)
    return _page(request, "pay.html", session, form=form, paypal=paypal, saved=saved)


def _authorise(request, session: dict, behaviour: str, card: dict) -> HttpResponse:
    if card["carta"].isdigit():  # a saved card's last four digits
        card = {**card, "carta": "*****" + card["carta"]}
    if behaviour == CHALLENGE:
        state = dj_signing.dumps(
            {"session": session, "card": card}, key=_secret(), salt=CHALLENGE_SALT
        )
        return redirect("psp_sandbox:challenge", blob=state)
    if behaviour == DECLINED:
        return _complete(request, session, "RIFIUTATO")
    return _complete(request, session, "AUTORIZZATO", card)


@public_view
def challenge(request, blob: str):
    """The issuer's 3-D Secure page: the code "sent by SMS" (in the sandbox: 123456)."""
    try:
        state = dj_signing.loads(blob, key=_secret(), salt=CHALLENGE_SALT, max_age=SESSION_MAX_AGE)
    except dj_signing.BadSignature:
        raise Http404 from None
    session, card = state["session"], state["card"]
    form = ChallengeForm()
    if request.method == "POST":
        if "annulla" in request.POST:
            return _complete(request, session, "ANNULLATO")
        form = ChallengeForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["codice"] == CHALLENGE_CODE:
                return _complete(request, session, "AUTORIZZATO", card)
            return _complete(request, session, "RIFIUTATO")
    return _page(request, "challenge.html", session, form=form, card=card)


def _complete(request, session: dict, result: str, card: dict | None = None) -> HttpResponse:
    """The end of the PSP's flow: queue the signed notification, send the user back."""
    from portale.core.jobs import wake

    from .tasks import SANDBOX_NOTIFICATIONS

    card = card or {}
    if not session["salva"] and session["tipo"] != "MANDATO" and not session["token"]:
        card = {**card, "token": ""}  # a token is issued only when the merchant keeps one
    fields = {
        "ordine": session["ordine"],
        "evento": uuid.uuid4().hex,
        "esito": result,
        "importo": session["importo"],
        "transazione": f"SBX{secrets.token_hex(6).upper()}" if result == "AUTORIZZATO" else "",
        "circuito": card.get("circuito", ""),
        "carta": card.get("carta", ""),
        "scadenza": card.get("scadenza", ""),
        "token": card.get("token", ""),
    }
    body = json.dumps(fields)
    notification = SandboxNotification.objects.create(
        url=session["notifica"], body=body, signature=sign(_secret(), body.encode())
    )
    wake(SANDBOX_NOTIFICATIONS, notification.pk)
    signed = {k: fields[k] for k in RETURN_FIELDS}
    signed["firma"] = sign(_secret(), canonical(signed))
    return _page(
        request,
        "return.html",
        session,
        result=result,
        fields=signed,
        action=session["ritorno"],
    )


@public_view
def cards(request):
    """The sandbox's help page: its test cards and PayPal accounts."""
    return render(
        request,
        "payments/sandbox/cards.html",
        {"test_cards": TEST_CARDS, "challenge_code": CHALLENGE_CODE},
    )
