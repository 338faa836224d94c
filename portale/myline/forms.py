"""Forms of the employee's pages: traffic searches (F-9.2.2.1, F-9.2.2.2, F-9.2.3), the
personal recharge (F-9.1.2) and the TIM TUO prepaid options (F-9.2.1.3)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.cases.forms import OperationForm
from portale.cases.selectors import locking_cases
from portale.core.dates import DateField, check_period
from portale.core.lists import FilterForm
from portale.payments import selectors as payments
from portale.records import selectors as records
from portale.records.models import DualBillingOption

from . import catalog
from .selectors import PREPAID_CATEGORIES, SUBSCRIPTION_CATEGORIES, detail_window

CHARGING_CHOICES = [("AZIENDALE", _("Aziendale")), ("PERSONALE", _("Personale"))]


class _DetailForm(FilterForm):
    """The detail search; the view applies it (``filter`` leaves the queryset alone) and
    the list component carries its fields in the page and sort links."""

    categories: dict = {}
    dal = DateField(label=_("Dal"))
    al = DateField(label=_("Al"))
    solo_pagamento = forms.BooleanField(label=_("Estrai solo eventi a pagamento"))
    categoria = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    vedi = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, personal_enabled: bool = False, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.window = detail_window(self.today)
        self.personal_enabled = personal_enabled
        self.fields["categoria"].choices = [(k, v[0]) for k, v in self.categories.items()]

    def clean(self):
        data = super().clean()
        if not data.get("dal") and "dal" not in self.errors:
            self.add_error("dal", _("Inserisci la data di inizio (gg/mm/aaaa)."))
        if not data.get("al") and "al" not in self.errors:
            self.add_error("al", _("Inserisci la data di fine (gg/mm/aaaa)."))
        check_period(self, window=self.window)
        if not data.get("categoria"):
            self.add_error("categoria", _("Seleziona almeno una categoria."))
        return data

    def filter(self, queryset):
        return queryset

    def stored_categories(self) -> list[str]:
        out = []
        for key in self.cleaned_data["categoria"]:
            out += self.categories[key][1]
        return out

    def category_labels(self) -> str:
        return ", ".join(str(self.categories[k][0]) for k in self.cleaned_data["categoria"])


class SubscriptionDetailForm(_DetailForm):
    categories = SUBSCRIPTION_CATEGORIES
    tipologia = forms.MultipleChoiceField(
        choices=CHARGING_CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def clean_tipologia(self):
        value = self.cleaned_data.get("tipologia") or []
        if "PERSONALE" in value and not self.personal_enabled:
            raise forms.ValidationError(
                _('La tipologia "Personale" è disponibile solo se attivo il servizio TIM TUO.')
            )
        return value


class PrepaidDetailForm(_DetailForm):
    categories = PREPAID_CATEGORIES


PERIOD_CHOICES = [(str(n), f"{n} mes{'e' if n == 1 else 'i'}") for n in range(1, 7)]


class ServiceSmsForm(FilterForm):
    periodo = forms.ChoiceField(label=_("Seleziona periodo:"), choices=PERIOD_CHOICES)

    def filter(self, queryset):
        return queryset


# --- Operations of the employee's own prepaid line (F-9.1.2, F-9.2.1.3) ----------------------


DENOMINATIONS = [10, 20, 25, 30, 50, 100, 150]
RECHARGE_PURPOSE = "personal_recharge"
TIMTUORIC_OPS = tuple(catalog.ACTIVATE_OPS + catalog.CEASE_OPS)
ONE_REQUEST = _(
    "Non è possibile effettuare più richieste nella stessa sessione. Dopo aver effettuato una "
    "modifica, è necessario aspettare l'aggiornamento del pacchetto/plafond interessato prima "
    "di effettuare una nuova variazione anche su altri pacchetti/plafond."
)


class RechargeAmountForm(forms.Form):
    """Step 1 of "Ricarica personale": the denomination."""

    importo = forms.TypedChoiceField(
        label=_("Scegli l'importo della ricarica"),
        choices=[(d, f"{d} €") for d in DENOMINATIONS],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Scegli l'importo della ricarica.")},
    )


class RechargeMethodForm(forms.Form):
    """Step 2: a saved method, or a new card, or PayPal."""

    NEW_CARD, NEW_PAYPAL = "carta", "paypal"
    metodo = forms.ChoiceField(
        label=_("Metodo di pagamento"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Scegli come pagare.")},
    )
    salva = forms.BooleanField(
        label=_("Salva il metodo di pagamento per le prossime ricariche"), required=False
    )

    def __init__(self, *args, saved=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.saved = {str(m.pk): m for m in saved}
        self.fields["metodo"].choices = [
            *((pk, f"{m.brand} {m.masked}") for pk, m in self.saved.items()),
            (self.NEW_CARD, _("Aggiungi nuova carta")),
            (self.NEW_PAYPAL, _("Aggiungi Paypal")),
        ]


class _OwnPrepaidLineForm(OperationForm):
    """The line: the employee's own (``self.line``), or on another channel (back office) a
    prepaid line of the contract named in the parameters."""

    line_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_line_id(self):
        if self.line is not None:
            return self.line
        pk = self.cleaned_data.get("line_id")
        line = (
            records.lines_of_contract(contract=self.contract).filter(pk=pk).first() if pk else None
        )
        if line is None:
            raise forms.ValidationError(_("La linea non è di questo contratto."))
        return line

    def clean(self):
        data = super().clean()
        line = data.get("line_id")
        if line is not None and not line.is_prepaid:
            raise forms.ValidationError(
                _("La funzione è disponibile solo per le linee ricaricabili.")
            )
        return data

    def case_line(self):
        return self.cleaned_data["line_id"]


class PersonalRechargeForm(_OwnPrepaidLineForm):
    """ "Ricarica manuale web/app": filed once the payment is confirmed, never before."""

    amount = forms.TypedChoiceField(choices=[(d, d) for d in DENOMINATIONS], coerce=int)
    order = forms.RegexField(regex=r"^[0-9A-F]{10}$")

    def clean(self):
        data = super().clean()
        line, amount, order = data.get("line_id"), data.get("amount"), data.get("order")
        if line is None or amount is None or not order:
            return data
        payment = payments.confirmed_payment(order_number=order, purpose=RECHARGE_PURPOSE)
        if (
            payment is None
            or payment.reference.get("line_id") != line.pk
            or payment.total != Decimal(amount)
        ):
            raise forms.ValidationError(_("Il pagamento della ricarica non risulta eseguito."))
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        return {"line_id": d["line_id"].pk, "amount": f"{d['amount']:.2f}", "order": d["order"]}


def _pending_timtuoric(line) -> bool:
    return (
        locking_cases(contract=line.contract, operations=TIMTUORIC_OPS).filter(line=line).exists()
    )


class _PackageForm(_OwnPrepaidLineForm):
    family = forms.ChoiceField(choices=[(f.code, f.label) for f in catalog.FAMILIES])

    def clean(self):
        data = super().clean()
        line, family = data.get("line_id"), data.get("family")
        if line is None or family is None:
            return data
        fam = catalog.BY_CODE[family]
        if self.operation not in (fam.activate_op, fam.cease_op):
            raise forms.ValidationError(_("L'opzione non appartiene a questa richiesta."))
        if records.dual_billing_of_line(line=line) is None:
            raise forms.ValidationError(_("Sulla tua linea TIM TUO non è attivo."))
        if _pending_timtuoric(line):
            raise forms.ValidationError(ONE_REQUEST)
        return data


class PackageActivateForm(_PackageForm):
    """Attivazione (or replacement, G-43) of a personal option of a family."""

    option = forms.CharField(max_length=30, error_messages={"required": _("Scegli un'opzione.")})

    def clean(self):
        data = super().clean()
        line, family, code = data.get("line_id"), data.get("family"), data.get("option")
        if self.errors or line is None or not family or not code:
            return data
        fam = catalog.BY_CODE[family]
        offer = catalog.offer(family, code)
        if offer is None:
            raise forms.ValidationError(_("L'opzione scelta non è a listino."))
        self.offer = offer
        current = self._current(line, family)
        if current is not None and current.code == code:
            raise forms.ValidationError(_("L'opzione scelta è già attiva."))
        if fam.roaming and not records.line_has_company_roaming(line=line):
            raise forms.ValidationError(
                _(
                    "Per richiedere la opzione di traffico Roaming è necessario avere l'opzione "
                    "TIM TUO ROAMING ON EXTRA UE: richiedila al tuo referente amministrativo."
                )
            )
        if (
            family == DualBillingOption.Family.EXTRA_DATA
            and records.personal_options_history_of_line(
                line=line, family=family, since=timezone.localdate().replace(day=1)
            ).exists()
        ):
            raise forms.ValidationError(catalog.EXTRA_DATA_NOTE)
        return data

    @staticmethod
    def _current(line, family):
        return (
            records.dual_billing_options_of_line(line=line, scope="PERSONALE")
            .filter(family=family)
            .first()
        )

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "line_id": d["line_id"].pk,
            "family": d["family"],
            "code": self.offer.code,
            "name": self.offer.name,
            "price": f"{self.offer.price:.2f}",
        }


class PackageCeaseForm(_PackageForm):
    """Cessazione of the family's active personal option."""

    def clean(self):
        data = super().clean()
        line, family = data.get("line_id"), data.get("family")
        if self.errors or line is None or not family:
            return data
        current = PackageActivateForm._current(line, family)
        if current is None:
            raise forms.ValidationError(_("Non c'è un'opzione attiva da disattivare."))
        self.current = current
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "line_id": d["line_id"].pk,
            "family": d["family"],
            "code": self.current.code,
            "name": self.current.name,
        }
