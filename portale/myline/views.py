"""The employee's pages: "Riepilogo consumi personali" (F-9.2.2) and "SMS di servizio" (F-9.2.3).

Every page reads only ``request.portal.line``, the line of the user's registered number.
A ``?linea=`` naming any other line answers 404 (never another employee's data).
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.core.capabilities import capability_required
from portale.core.lists import render_list
from portale.core.tabs import Tab, tabs
from portale.records import selectors as records
from portale.records.models import Bundle

from . import selectors as sel
from .forms import PrepaidDetailForm, SubscriptionDetailForm
from .tables import PrepaidTrafficTable, ServiceSmsTable, ServicesTable, SubscriptionTrafficTable

CONSUMPTION = _("Riepilogo consumi personali")
BILLING_MENU = _("Fatturazione e traffico")


def own_line(request):
    """The user's own line, read from the records (credits, bundles, options)."""
    _check_asked(request)
    line = request.portal.line
    if line is None:
        raise Http404
    return line


def own_line_ref(request):
    """The user's own line as the cached context knows it (id, number, contract,
    prepaid): for a page that needs no more, one query less (issue 17)."""
    return _check_asked(request)


def _check_asked(request):
    line = request.portal.own_line
    if line is None:
        raise Http404
    asked = request.GET.get("linea")
    if asked and asked != line.msisdn:
        raise Http404  # another employee's line: not found, never shown
    return line


def _tabs(line, active: str) -> list[Tab]:
    if line.is_prepaid:
        items = [
            ("credito", _("Credito residuo e offerte attive"), "myline:consumption"),
            ("dettaglio", _("Dettaglio traffico"), "myline:consumption_detail"),
            ("tipologia", _("Tipologia traffico"), "myline:consumption_types"),
        ]
    else:
        items = [
            ("servizi", _("Servizi attivi"), "myline:consumption"),
            ("riepilogo", _("Riepilogo dei consumi"), "myline:consumption_summary"),
            ("dettaglio", _("Dettaglio traffico"), "myline:consumption_detail"),
            ("tipologia", _("Tipologia traffico"), "myline:consumption_types"),
        ]
    return tabs(items, active=active)


def _ctx(line, active: str, **extra) -> dict:
    return {
        "title": CONSUMPTION,
        "breadcrumbs": [(BILLING_MENU, ""), (CONSUMPTION, "")],
        "line": line,
        "tabs": _tabs(line, active),
        "tabs_label": CONSUMPTION,
        "today": timezone.localdate(),
        **extra,
    }


def _personal_enabled(line) -> bool:
    return records.dual_billing_state_of_line(line=line.pk) in ("ATTIVO", "SOSPESO")


@capability_required("myline.consumption")
def consumption(request):
    line = own_line(request)
    if line.is_prepaid:
        options = list(records.dual_billing_options_of_line(line=line))
        bundles = list(records.bundles_of_line(line=line))
        return render(
            request,
            "myline/prepaid_credit.html",
            _ctx(line, "credito", options=options, bundles=bundles, now=timezone.now()),
        )
    table = ServicesTable.from_request(
        request, records.services_of_line(line=line, include_ceased=False)
    )
    return render_list(request, table, "myline/services.html", _ctx(line, "servizi"))


@capability_required("myline.consumption")
def consumption_summary(request):
    line = own_line(request)
    if line.is_prepaid:
        return redirect("myline:consumption")
    previous = request.GET.get("mese") == "precedente"
    start, end = sel.month_window(timezone.localdate(), previous)
    view = request.GET.get("vista", "")
    bundles = None
    if view in ("nazionali", "roaming"):
        scope = Bundle.Scope.NATIONAL if view == "nazionali" else Bundle.Scope.ROAMING
        bundles = list(records.bundles_of_line(line=line, scope=scope))
    return render(
        request,
        "myline/summary.html",
        _ctx(
            line,
            "riepilogo",
            previous=previous,
            start=start,
            end=end,
            summary=sel.over_bundle_summary(line, start, end),
            view=view,
            bundles=bundles,
        ),
    )


@capability_required("myline.consumption")
def consumption_detail(request):
    line = own_line_ref(request)
    prepaid = line.is_prepaid
    form_class = PrepaidDetailForm if prepaid else SubscriptionDetailForm
    table_class = PrepaidTrafficTable if prepaid else SubscriptionTrafficTable
    personal = _personal_enabled(line)
    submitted = "vedi" in request.GET
    data = request.GET if submitted else None
    today = timezone.localdate()
    form = form_class(data=data, personal_enabled=personal, today=today)
    ctx = _ctx(line, "dettaglio", form=form, personal_enabled=personal, prepaid=prepaid)
    lo, hi = form.window
    ctx.update(window_start=lo, window_end=hi)
    if not submitted or not form.is_valid():
        if not submitted:
            ctx["initial"] = {"dal": lo, "al": hi}
        return render(request, "myline/detail.html", ctx)
    cd = form.cleaned_data
    charging = cd.get("tipologia") or None if not prepaid else None
    qs = sel.events(
        line.pk, cd["dal"], cd["al"], form.stored_categories(), charging, cd["solo_pagamento"]
    )
    table = table_class.from_request(request, qs, form=form)
    ctx.update(
        table=table,
        categories_label=form.category_labels(),
        charging_label=(
            ", ".join(
                str(dict(SubscriptionDetailForm.base_fields["tipologia"].choices)[c])
                for c in charging
            )
            if charging
            else _("Tutti")
        ),
    )
    return render_list(
        request, table, "myline/detail.html", ctx, fragment_template="myline/_detail_list.html"
    )


@capability_required("myline.consumption")
def consumption_types(request):
    line = own_line(request)
    today = timezone.localdate()
    if line.is_prepaid:
        start, end = today - datetime.timedelta(days=15), today - datetime.timedelta(days=1)
        rows = sel.cost_by_type(line, start, end, sel.PREPAID_TYPES, sel.PREPAID_CATEGORIES)
        previous = False
    else:
        previous = request.GET.get("mese") == "precedente"
        start, end = sel.month_window(today, previous)
        if not previous:
            end = max(start, today - datetime.timedelta(days=1))
        rows = sel.cost_by_type(
            line, start, end, sel.SUBSCRIPTION_TYPES, sel.SUBSCRIPTION_CATEGORIES
        )
    detail = reverse("myline:consumption_detail")
    lo, hi = sel.detail_window(today)
    for r in rows:
        dal, al = max(start, lo), min(end, hi)
        r["url"] = f"{detail}?vedi=1&dal={dal:%Y-%m-%d}&al={al:%Y-%m-%d}&categoria={r['key']}"
    total = sum((r["cost"] for r in rows), start=type(rows[0]["cost"])(0)) if rows else 0
    return render(
        request,
        "myline/types.html",
        _ctx(line, "tipologia", rows=rows, total=total, start=start, end=end, previous=previous),
    )


SMS_DEPTH_MONTHS = 6


def _months_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=30 * n)


@capability_required("myline.service_sms")
def service_sms(request):
    line = own_line(request)
    try:
        months = min(SMS_DEPTH_MONTHS, max(1, int(request.GET.get("periodo", "1"))))
    except ValueError:
        months = 1
    if request.GET.get("export"):
        # The download icon exports every SMS received (the whole 6 months).
        every = records.service_sms_of_line(line=line, since=_months_ago(SMS_DEPTH_MONTHS))
        table = ServiceSmsTable(every, request.GET, path=request.path)
    else:
        qs = records.service_sms_of_line(line=line, since=_months_ago(months))
        table = ServiceSmsTable.from_request(request, qs)
    return render_list(
        request,
        table,
        "myline/service_sms.html",
        {
            "title": _("SMS di servizio"),
            "breadcrumbs": [(BILLING_MENU, ""), (_("SMS di servizio"), "")],
            "line": line,
            "months": months,
            "period_choices": range(1, SMS_DEPTH_MONTHS + 1),
        },
        fragment_template="myline/_service_sms_list.html",
    )
