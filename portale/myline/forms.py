"""Search forms of the employee's traffic pages (F-9.2.2.1, F-9.2.2.2, F-9.2.3)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portale.core.lists import FilterForm

from .selectors import PREPAID_CATEGORIES, SUBSCRIPTION_CATEGORIES, detail_window

CHARGING_CHOICES = [("AZIENDALE", _("Aziendale")), ("PERSONALE", _("Personale"))]


class _DetailForm(FilterForm):
    """The detail search; the view applies it (``filter`` leaves the queryset alone) and
    the list component carries its fields in the page and sort links."""

    categories: dict = {}
    dal = forms.DateField(label=_("Dal"), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    al = forms.DateField(label=_("Al"), input_formats=["%Y-%m-%d", "%d/%m/%Y"])
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
        lo, hi = self.window
        dal, al = data.get("dal"), data.get("al")
        if not dal:
            self.add_error("dal", _("Inserisci la data di inizio (gg/mm/aaaa)."))
        if not al:
            self.add_error("al", _("Inserisci la data di fine (gg/mm/aaaa)."))
        reversed_period = bool(dal and al and dal > al)
        if reversed_period:
            self.add_error(
                "al",
                _('La data "Al" non può precedere la data "Dal": correggi una delle due.'),
            )
        msg = _("Il periodo deve essere compreso tra il %(lo)s e il %(hi)s.") % {
            "lo": lo.strftime("%d/%m/%Y"),
            "hi": hi.strftime("%d/%m/%Y"),
        }
        if dal and not lo <= dal <= hi:
            self.add_error("dal", msg)
        if al and not reversed_period and not lo <= al <= hi:
            self.add_error("al", msg)  # one message a field: the order error comes first
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
