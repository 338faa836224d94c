"""Declared lists of the employee pages (P-03 component)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portale.core.lists import DATE, DATETIME, DATETIME_SECONDS, Column, Table, money
from portale.core.lists.formats import TEXT, Format, data_volume
from portale.records.models import PersonalRecharge, ServiceSms

from .forms import PrepaidDetailForm, ServiceSmsForm, SubscriptionDetailForm
from .selectors import MAX_EVENTS

AMOUNT4 = money(4)  # traffic amounts: 4 decimals, with "€" like every amount (P-23)
PERCENT = Format("decimal", 0, xlsx_num_format="0")
FEE = money(2)


def _hms(seconds) -> str:
    if not seconds:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _kb(ev) -> str:
    return data_volume(ev.volume_kb) if ev.category == "DATI" and ev.volume_kb else ""


def _duration_or_volume(ev) -> str:
    return _kb(ev) if ev.category == "DATI" else _hms(ev.duration_seconds)


def _cost(ev) -> str:
    if ev.rated_at is None:
        return "n.d."
    return Format("money", 2).html(ev.net_amount)


class ServicesTable(Table):
    description = Column(_("Descrizione"), "display_description", sort="description")
    activation_date = Column(_("Attivazione"), sort=True, format=DATE)
    state = Column(_("Stato"), sort=True)
    pct_employee = Column(_("% ripartizione dipendente"), sort=True, format=PERCENT)
    monthly_fee = Column(_("Canone €"), sort=True, format=FEE)

    class Meta:
        key_columns = ("description", "state", "monthly_fee")
        default_order = "description"
        export_formats = ()
        caption = _("Servizi attivi")


class SubscriptionTrafficTable(Table):
    type = Column(_("Tipologia"), sort=True)
    detail = Column(_("Dettaglio"))
    called = Column(_("Chiamato"), "masked_called_number")
    operator = Column(_("Operatore"))
    occurred_at = Column(_("Data e ora"), sort=True, format=DATETIME_SECONDS)
    duration = Column(_("Durata"), lambda e: _hms(e.duration_seconds))
    volume = Column(_("Pacch./Kbyte"), _kb)
    gross_amount = Column(_("Imp. lordo"), sort=True, format=AMOUNT4)
    net_amount = Column(_("Imp. netto"), sort=True, format=AMOUNT4)
    option = Column(_("Opzione"))
    rating_unit = Column(_("Tariffazione"))

    class Meta:
        key_columns = ("type", "occurred_at", "net_amount")
        filter_form = SubscriptionDetailForm
        default_order = "-occurred_at"
        export_name = "dettaglio_traffico"
        caption = _("Dettaglio del tuo traffico online netto bundle")
        # G-44: the newest 3,000 events are shown and exported, sorted as asked.
        max_rows = MAX_EVENTS
        cap_order = ("-occurred_at", "-pk")


class PrepaidTrafficTable(Table):
    type = Column(_("Tipologia traffico"), sort=True)
    apn = Column(_("Dettaglio APN"), lambda e: e.apn or "n.d.")
    called = Column(_("Numerazione"), lambda e: e.masked_called_number or "n.d.")
    operator = Column(_("Operatore"), lambda e: e.operator or "n.d.")
    occurred_at = Column(_("Data e ora"), sort=True, format=DATETIME_SECONDS)
    amount = Column(_("Durata/Volume"), _duration_or_volume)
    cost = Column(_("Costo"), _cost, sort="net_amount", css_class="text-end", format=TEXT)
    rating_unit = Column(_("Tariffazione"))

    class Meta:
        key_columns = ("type", "occurred_at", "cost")
        filter_form = PrepaidDetailForm
        default_order = "-occurred_at"
        export_name = "dettaglio_traffico"
        caption = _("Dettaglio del tuo traffico dati")
        # G-44: the newest 3,000 events are shown and exported, sorted as asked.
        max_rows = MAX_EVENTS
        cap_order = ("-occurred_at", "-pk")


class ServiceSmsTable(Table):
    sender = Column(_("Mittente"), sort=True)
    kind = Column(_("Tipologia"), sort=True)
    text = Column(_("Testo SMS"), sort=True, wrap=True)
    sent_at = Column(_("Data/ora invio"), sort=True, format=DATETIME)
    delivered_at = Column(_("Data/ora consegna"), sort=True, format=DATETIME)
    state = Column(_("Stato"), "state", sort="state", choices=ServiceSms.State)

    class Meta:
        key_columns = ("sender", "text", "sent_at")
        filter_form = ServiceSmsForm
        default_order = "-sent_at"
        counter_label = _("Tot. SMS")
        noun = _("SMS")
        export_name = "sms_di_servizio"
        caption = _("SMS di servizio")


class PersonalRechargeTable(Table):
    """ "Storico ricariche personali" (F-9.1.3): every channel, company recharges excluded."""

    recharged_at = Column(_("Data e ora"), sort=True, format=DATETIME)
    amount = Column(_("Importo"), sort=True, format=FEE)
    kind = Column(_("Tipo di ricarica"), "kind_label")
    detail = Column(_("Dettaglio"), "channel", sort="channel", choices=PersonalRecharge.Channel)

    class Meta:
        key_columns = ("recharged_at", "amount", "detail")
        default_order = "-recharged_at"
        export_formats = ()
        counter_label = _("Tot. record")
        noun = _("ricariche")
        noun_one = _("ricarica")
        caption = _("Ricariche personali degli ultimi 6 mesi")
