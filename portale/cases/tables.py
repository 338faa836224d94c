"""The histories' lists, declared with the list component (DESIGN §5.2)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portale.core.lists import DATE, DATETIME, Column, Format, Table, render_list


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


class CaseTable(Table):
    number = Column(_("N pratica"), sort=True)
    type_label = Column(_("Tipo pratica"), sort="description")
    contract = Column(_("Contratto"), "contract.code")
    line = Column(_("Linea"), lambda c: c.line.msisdn if c.line_id else "")
    channel = Column(_("Provenienza"), "get_channel_display", sort="channel")
    state = Column(_("Stato"), "get_state_display", sort="state")
    outcome = Column(_("Esito"), "outcome")
    opened_at = Column(_("Apertura"), sort=True, format=DATE)
    closed_at = Column(_("Chiusura"), sort=True, format=DATE)

    class Meta:
        default_order = "-opened_at"
        noun = _("pratiche")
        export_name = "storico_pratiche"
        caption = _("Storico pratiche")
        empty_text = _("Nessuna pratica creata nei 10 giorni precedenti la data indicata.")


def _has_shipment(order) -> bool:
    return bool(order.shipments.all())


class OrderTable(Table):
    number = Column(
        _("ID ordine"),
        sort=True,
        link=lambda o: reverse("cases:order_detail", kwargs={"number": o.number}),
    )
    created_at = Column(_("Data creazione"), sort=True, format=DATETIME)
    channel = Column(_("Canale di acquisizione"), sort=True)
    state = Column(_("Stato lavorazione"), "get_state_display", sort="state")
    description = Column(_("Tipo pratica"), lambda o: o.case.type_label)
    shipment = Column(
        _("Spedizione"),
        _has_shipment,
        format=TRUCK,
        link=lambda o: (
            reverse("cases:shipment", kwargs={"number": o.number}) if _has_shipment(o) else ""
        ),
    )

    class Meta:
        default_order = "-created_at"
        export_name = "storico_ordini"
        caption = _("Storico ordini")
        empty_text = _("Nessun ordine creato nei 10 giorni precedenti la data indicata.")


def render_table(request, table_class, queryset, template_name, context):
    table = table_class.from_request(request, queryset)
    return render_list(request, table, template_name, context)
