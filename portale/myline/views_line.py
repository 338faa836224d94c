"""La mia linea (F-9.1): "La mia SIM", "Promemoria PIN/PUK", "Ricarica personale" and
"Storico ricariche personali".

Every page reads only the user's own line (``request.portal.line``); a SIM that is not on it
answers 404. The PIN/PUK memo never reaches the server (G-42): the page has no form that
posts, its script keeps the codes in the browser's localStorage, keyed by ICCID.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from payments import PaymentStatus

from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.core.tabs import window_title
from portale.inventory.selectors import current_imei
from portale.payments import selectors as payments
from portale.payments import services as payment_services
from portale.payments.models import Method, SavedMethod
from portale.rating.selectors import personal_counters
from portale.records import selectors as records

from . import selectors
from .forms import DENOMINATIONS, RECHARGE_PURPOSE, RechargeAmountForm, RechargeMethodForm
from .tables import PersonalRechargeTable
from .views import own_line

MY_LINE = _("La mia linea")
LINES_MENU = _("Linee e listino")
SIM_TITLE = _("La mia SIM")
RECHARGE_TITLE = _("Ricarica personale")
HISTORY_TITLE = _("Storico ricariche personali")
HISTORY_MONTHS = 6


def _prepaid_line(request):
    line = own_line(request)
    if not line.is_prepaid:
        raise Http404
    return line


def _crumbs(*items) -> list:
    return [(LINES_MENU, ""), (MY_LINE, ""), *items]


def _own_sim(line, pk: int):
    sim = selectors.own_sims(line).filter(pk=pk).first()
    if sim is None:
        raise Http404
    return sim


# --- La mia SIM (F-9.1.1) ---------------------------------------------------------------------


@capability_required("myline.sim")
def sim(request):
    line = own_line(request)
    sims = list(selectors.own_sims(line))
    main = next((s for s in sims if s.role == s.Role.MAIN), sims[0] if sims else None)
    counters = personal_counters(line=line, today=timezone.localdate())
    return render(
        request,
        "myline/sim.html",
        {
            "title": SIM_TITLE,
            "breadcrumbs": _crumbs((SIM_TITLE, "")),
            "line": line,
            "main": main,
            "sims": sims,
            "counters": counters,
        },
    )


@capability_required("myline.sim")
def sim_imei(request, pk: int):
    """G-12 "Richiedi": the IMEI of the device holding one of the line's SIMs (no pratica)."""
    line = own_line(request)
    own = _own_sim(line, pk)
    template = "inventory/_imei.html" if request.htmx else "myline/imei_page.html"
    return render(
        request,
        template,
        {
            "sim": own,
            "imei": current_imei(own),
            "title": _("IMEI"),
            "document_title": window_title(_("IMEI"), SIM_TITLE),
            "breadcrumbs": _crumbs((SIM_TITLE, reverse("myline:sim")), (_("IMEI"), "")),
        },
    )


@capability_required("myline.sim")
def pin_puk(request, pk: int):
    """G-42: a page with no server-side state; the codes stay in this browser."""
    line = own_line(request)
    own = _own_sim(line, pk)
    return render(
        request,
        "myline/pin_puk.html",
        {
            "title": _("Promemoria PIN/PUK"),
            "breadcrumbs": _crumbs(
                (SIM_TITLE, reverse("myline:sim")), (_("Promemoria PIN/PUK"), "")
            ),
            "line": line,
            "sim": own,
        },
    )


# --- Ricarica personale (F-9.1.2, P-28) -------------------------------------------------------


def _recharge_ctx(line, **extra) -> dict:
    return {
        "title": _("Gestione ricariche"),
        # The two pages share the guide's heading; the window says which one it is.
        "document_title": window_title(RECHARGE_TITLE, _("Gestione ricariche")),
        "breadcrumbs": _crumbs((RECHARGE_TITLE, "")),
        "line": line,
        **extra,
    }


@capability_required("myline.recharge")
def recharge(request):
    """Step 1: "Scegli l'importo della ricarica" (AVANTI → step 2, the amount in the URL)."""
    line = _prepaid_line(request)
    form = RechargeAmountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(f"{reverse('myline:recharge_pay')}?importo={form.cleaned_data['importo']}")
    return render(request, "myline/recharge_amount.html", _recharge_ctx(line, form=form))


def _amount(request) -> int:
    try:
        amount = int(request.GET.get("importo") or request.POST.get("importo") or 0)
    except ValueError:
        amount = 0
    return amount if amount in DENOMINATIONS else 0


@capability_required("myline.recharge")
def recharge_pay(request):
    """Step 2: the payment method (saved, new card, PayPal) → AVANTI → the PSP's page."""
    line = _prepaid_line(request)
    amount = _amount(request)
    if not amount:
        return redirect("myline:recharge")
    saved = list(payments.saved_methods_of_user(user=request.user))
    form = RechargeMethodForm(request.POST or None, saved=saved)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["metodo"]
        saved_id = int(choice) if choice in form.saved else None
        method = Method.PAYPAL if choice == form.NEW_PAYPAL else Method.CARD
        try:
            start = payment_services.payment_start(
                user=request.user,
                amount=Decimal(amount),
                purpose=RECHARGE_PURPOSE,
                description=f"Ricarica personale {line.msisdn}",
                return_url=reverse("myline:recharge_result"),
                reference={"line_id": line.pk},
                method=method,
                saved_method_id=saved_id,
                save_method=form.cleaned_data["salva"],
            )
        except payment_services.PaymentRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(start.redirect_url)
    return render(
        request,
        "myline/recharge_pay.html",
        _recharge_ctx(line, form=form, amount=amount, saved=saved),
    )


@capability_required("myline.recharge")
def recharge_method_delete(request, pk: int):
    """The trash icon of a saved method (only the user's own: another's is 404)."""
    _prepaid_line(request)
    if not payments.saved_methods_of_user(user=request.user).filter(pk=pk).exists():
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        payment_services.saved_method_delete(user=request.user, method_id=pk)
    except SavedMethod.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Metodo di pagamento eliminato."))
    amount = _amount(request)
    if amount:
        return redirect(f"{reverse('myline:recharge_pay')}?importo={amount}")
    return redirect("myline:recharge")


@capability_required("myline.recharge")
def recharge_result(request):
    """Step 3: where the PSP sends the user back, whatever the result."""
    line = _prepaid_line(request)
    if "pagamento" not in request.GET:
        return redirect("myline:recharge")  # no payment came back: start again
    payment = payments.payment_of_user(
        user=request.user, token=request.GET["pagamento"], purpose=RECHARGE_PURPOSE
    )
    if payment is None or payment.reference.get("line_id") != line.pk:
        raise Http404
    return render(
        request,
        "myline/recharge_result.html",
        _recharge_ctx(
            line,
            payment=payment,
            confirmed=payment.status == PaymentStatus.CONFIRMED,
            waiting=payment.status in (PaymentStatus.WAITING, PaymentStatus.INPUT),
            cancelled=payment.status == PaymentStatus.CANCELLED,
        ),
    )


# --- Storico ricariche personali (F-9.1.3) ----------------------------------------------------


@capability_required("myline.recharges")
def recharges(request):
    line = _prepaid_line(request)
    today = timezone.localdate()
    start = _months_back(today, HISTORY_MONTHS)
    since = datetime.datetime.combine(start, datetime.time(), timezone.get_current_timezone())
    table = PersonalRechargeTable.from_request(
        request, records.personal_recharges_of_line(line=line, since=since)
    )
    return render_list(
        request,
        table,
        "myline/recharges.html",
        {
            "title": _("Gestione ricariche"),
            "document_title": window_title(HISTORY_TITLE, _("Gestione ricariche")),
            "breadcrumbs": _crumbs((HISTORY_TITLE, "")),
            "line": line,
            "start": start,
            "today": today,
        },
        fragment_template="myline/_recharges_list.html",
    )


def _months_back(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months before (clamped to the month's end)."""
    import calendar

    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
