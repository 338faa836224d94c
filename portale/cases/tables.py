"""The histories' lists, declared with the list component (DESIGN §5.2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portale.core import exports
from portale.core.dates import INVALID, parse_date
from portale.core.lists import DATE, DATETIME, Column, FilterForm, Format, Table, render_list

from .models import CaseState, Channel


def window(anchor: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[anchor − 10 days, anchor], both days inclusive, in local time (G-16)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(anchor - datetime.timedelta(days=10), datetime.time.min)
    end = datetime.datetime.combine(anchor + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start, tz), timezone.make_aware(end, tz)


class DateWindowFilter(FilterForm):
    """P-13: one date (default today, never in the future) + CERCA → the 10 days before it."""

    data = forms.CharField(label=_("Data"), max_length=10, help_text=_("gg/mm/aaaa"))
    date_field = "opened_at"

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        key = f"{kwargs['prefix']}-data" if kwargs.get("prefix") else "data"
        if not data.get(key):
            data[key] = timezone.localdate().strftime("%d/%m/%Y")
        super().__init__(data, *args, **kwargs)

    def clean_data(self) -> datetime.date:
        value = parse_date(self.cleaned_data["data"])
        if value is None:
            raise forms.ValidationError(INVALID)
        if value > timezone.localdate():
            raise forms.ValidationError(_("La data non può essere nel futuro."))
        return value

    @property
    def anchor(self) -> datetime.date:
        self.is_valid()
        value = getattr(self, "cleaned_data", {}).get("data")
        return value if isinstance(value, datetime.date) else timezone.localdate()

    def filter(self, queryset):
        start, end = window(self.anchor)
        return queryset.filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lt": end})


class OrderDateFilter(DateWindowFilter):
    date_field = "created_at"


@dataclass(frozen=True)
class TruckFormat(Format):
    """ "Spedizione": a truck icon on screen (linked to the tracking), "Sì" in exports."""

    def html(self, value) -> str:
        if not value:
            return ""
        return format_html(
            '<svg class="portal-truck text-primary" viewBox="0 0 24 24" width="28" height="28" '
            'role="img" aria-label="{}"><path d="M2 6h12v10H2zM14 9h4.5L22 12.5V16h-8z" '
            'fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"/>'
            '<circle cx="6.5" cy="17.5" r="2" fill="currentColor"/>'
            '<circle cx="17.5" cy="17.5" r="2" fill="currentColor"/></svg>',
            _("Vedi lo stato della spedizione"),
        )

    def csv(self, value) -> str:
        return "Sì" if value else ""

    def xlsx(self, value):
        return "Sì" if value else ""


TRUCK = TruckFormat("text")


def _case_detail_url(case) -> str:
    """F-7.3.1: a pratica whose operation has its own page (the all-risk ticket) links to it."""
    from . import operations

    op = operations.REGISTRY.get(case.operation)
    return op.detail_url(case) if op is not None and op.detail_url else ""


class StateColumn(Column):
    """ "Stato" with the pratica's outcome beneath it, when it has one.

    The guide's Storico pratiche has no "Esito" column: the outcome (a rejection's reason,
    a closing note) belongs to the pratica, shown with its state rather than as a column.
    """

    def html(self, row) -> str:
        state = super().html(row)
        if not row.outcome:
            return state
        return format_html(
            '<span>{}<br><small class="text-secondary" data-outcome>{}</small></span>',
            state,
            row.outcome,
        )


class CaseTable(Table):
    number = Column(
        _("N° pratica"), sort=True, link=_case_detail_url, css_class="portale-keep"
    )  # "7-6391…" whole
    type_label = Column(_("Tipo pratica"), sort="description")
    # contract_code, line_msisdn: annotations of the list's queryset (views.history)
    contract = Column(_("Contratto"), "contract_code")
    line = Column(_("Linea"), lambda c: c.line_msisdn or "")
    channel = Column(_("Provenienza"), "channel", sort="channel", choices=Channel)
    state = StateColumn(_("Stato"), "state", sort="state", wrap=True, choices=CaseState)
    opened_at = Column(_("Apertura"), sort=True, format=DATE)
    closed_at = Column(_("Chiusura"), sort=True, format=DATE)

    class Meta:
        key_columns = ("number", "type_label", "state", "opened_at")
        filter_form = DateWindowFilter
        default_order = "-opened_at"
        noun = _("pratiche")
        noun_one = _("pratica")
        export_name = "storico_pratiche"
        caption = _("Storico pratiche")
        empty_text = _("Nessuna pratica creata nei 10 giorni precedenti la data indicata.")


def _has_shipment(order) -> bool:
    return bool(order.shipments.all())


# The export's per-line columns (legend: "puoi vedere lo stato del servizio esportando i dati
# dall'apposita icona"): each order line is one exported row, after its order's columns.
LINE_EXPORT_COLUMNS = [
    Column(_("Linea"), lambda item: item.line.msisdn if item.line_id else ""),
    Column(_("ICCID"), "iccid"),
    Column(_("Servizio"), "product"),
    Column(_("Quantità"), "quantity"),
    Column(_("Stato servizio"), "get_state_display"),
]


class OrderTable(Table):
    number = Column(
        _("ID ordine"),
        sort=True,
        css_class="portale-keep",
        link=lambda o: reverse("cases:order_detail", kwargs={"number": o.number}),
    )
    created_at = Column(_("Data creazione"), sort=True, format=DATETIME)
    channel = Column(_("Canale di acquisizione"), sort=True)
    state = Column(_("Stato lavorazione"), "get_state_display", sort="state")
    shipment = Column(
        _("Spedizione"),
        _has_shipment,
        format=TRUCK,
        link=lambda o: (
            reverse("cases:shipment", kwargs={"number": o.number}) if _has_shipment(o) else ""
        ),
    )

    class Meta:
        key_columns = ("number", "created_at", "state")
        filter_form = OrderDateFilter
        default_order = "-created_at"
        export_name = "storico_ordini"
        caption = _("Storico ordini")
        empty_text = _("Nessun ordine creato nei 10 giorni precedenti la data indicata.")

    @property
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.export] + LINE_EXPORT_COLUMNS

    def export_rows(self):
        """One row per order line (an order without lines: one row, line cells empty)."""
        order_columns = [c for c in self.columns if c.export]
        queryset = self.queryset.prefetch_related("items__line")
        blank = ("",) * len(LINE_EXPORT_COLUMNS)
        for order in queryset.iterator(chunk_size=exports.CHUNK_SIZE):
            head = tuple(c.value(order) for c in order_columns)
            items = list(order.items.all())
            if not items:
                yield head + blank
            for item in items:
                yield head + tuple(c.value(item) for c in LINE_EXPORT_COLUMNS)


def render_table(request, table_class, queryset, template_name, context):
    table = table_class.from_request(request, queryset)
    return render_list(request, table, template_name, context)
