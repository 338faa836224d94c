"""Monitoraggio Ticket (F-7.7.7), declared with the list component."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portale.core.lists import DATE, Column, FilterForm, Table

from .models import Ticket, TicketState


class TicketFilter(FilterForm):
    stato = forms.ChoiceField(
        label=_("Stato"), choices=[("", _("Tutti")), *TicketState.choices], required=False
    )
    imei = forms.CharField(label=_("IMEI"), max_length=15, required=False)
    tipo = forms.ChoiceField(
        label=_("Tipo richiesta"), choices=[("", _("Tutti")), *Ticket.Problem.choices]
    )
    lookups = {"stato": "state", "imei": "device__imei__contains", "tipo": "problem"}


class TicketTable(Table):
    """Rows: ``views.tickets`` (case_number, device_imei, device_description: values of the
    ticket's row; coded states through ``choices``)."""

    number = Column(
        _("ID richiesta"),
        "case_number",
        sort="case_number",
        link=lambda t: reverse("support:ticket", args=[t.case_number]),
    )
    opened_at = Column(_("Data apertura"), sort=True, format=DATE)
    imei = Column(_("IMEI"), "device_imei", sort="device_imei")
    device = Column(_("Descrizione apparato"), "device_description")
    problem = Column(_("Tipo richiesta"), "problem", sort="problem", choices=Ticket.Problem)
    state = Column(_("Stato"), "state", sort="state", choices=TicketState)
    closed_at = Column(_("Data chiusura"), sort=True, format=DATE)

    class Meta:
        key_columns = ("number", "opened_at", "state")
        filter_form = TicketFilter
        default_order = "-opened_at"
        noun = _("ticket")
        export_name = "monitoraggio_ticket"
        export_formats = ("xlsx",)
        caption = _("Gli ultimi 30 ticket del contratto")
