from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portale.core.lists import DATETIME, Column, Table

from .forms import CaseFilter, OrderFilter


class ConsoleCaseTable(Table):
    number = Column(
        _("N pratica"),
        sort=True,
        link=lambda c: reverse("fulfilment:case_detail", kwargs={"pk": c.pk}),
    )
    type_label = Column(_("Tipo pratica"), sort="description")
    contract = Column(_("Contratto"), "contract.code", sort="contract__code")
    line = Column(_("Linea"), lambda c: c.line.msisdn if c.line_id else "")
    channel = Column(_("Provenienza"), "get_channel_display", sort="channel")
    state = Column(_("Stato"), "get_state_display", sort="state")
    attention = Column(_("Da verificare"), lambda c: _("Sì") if c.needs_attention else "")
    assignee = Column(_("In carico a"), lambda c: c.assignee.username if c.assignee_id else "")
    opened_at = Column(_("Apertura"), sort=True, format=DATETIME)

    class Meta:
        key_columns = ("number", "type_label", "state", "opened_at")
        filter_form = CaseFilter
        default_order = "opened_at"
        noun = _("pratiche")
        export_name = "console_pratiche"
        caption = _("Pratiche da lavorare")


class ConsoleOrderTable(Table):
    number = Column(_("ID ordine"), sort=True)
    case = Column(
        _("N pratica"),
        "case.number",
        link=lambda o: reverse("fulfilment:case_detail", kwargs={"pk": o.case_id}),
    )
    contract = Column(_("Contratto"), "contract.code", sort="contract__code")
    created_at = Column(_("Data creazione"), sort=True, format=DATETIME)
    channel = Column(_("Canale di acquisizione"), sort=True)
    state = Column(_("Stato lavorazione"), "get_state_display", sort="state")

    class Meta:
        key_columns = ("number", "created_at", "state")
        filter_form = OrderFilter
        default_order = "-created_at"
        export_name = "console_ordini"
