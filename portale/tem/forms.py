"""The TEM filter form: multi-select filters, period, grouping and measure (G-56)."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _

from . import selectors
from .selectors import DIMS, MEASURES, Filters, TemScope, recent_months

BILLING = [("", _("Tutto")), ("fatturato", _("Fatturato")), ("non_fatturato", _("Non fatturato"))]
SCOPED = ("contratto", "sede", "cdc")  # values naming objects: another contract's are a 404


def _month_choices() -> list[tuple[str, str]]:
    return [(f"{m:%Y-%m}", f"{m:%m/%Y}") for m in recent_months(13)]


def _multi(label):
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple
    )


class TemFilterForm(forms.Form):
    contratto = _multi(_("Contratto"))
    sede = _multi(_("Sede"))
    cdc = _multi(_("Centro di costo"))
    tipo = _multi(_("Tipologia traffico"))
    zona = _multi(_("Località"))
    addebito = _multi(_("Addebito"))
    linee = forms.CharField(
        label=_("Linee"),
        required=False,
        max_length=2000,
        help_text=_("Uno o più numeri, separati da spazi o virgole"),
    )
    fatturazione = forms.ChoiceField(label=_("Stato"), choices=BILLING, required=False)
    da = forms.ChoiceField(label=_("Dal mese"))
    a = forms.ChoiceField(label=_("Al mese"))
    righe = forms.ChoiceField(label=_("Raggruppa per"), initial="cdc")
    colonne = forms.ChoiceField(label=_("Suddividi per"), required=False, initial="tipo")
    misura = forms.ChoiceField(label=_("Misura"), initial="netto")

    def __init__(self, data, *, scope: TemScope, defaults: dict | None = None):
        months = _month_choices()
        base = {
            "da": months[1][0],
            "a": months[0][0],
            "righe": "cdc",
            "colonne": "tipo",
            "misura": "netto",
            **(defaults or {}),
        }
        merged = data.copy() if data is not None else QueryDict(mutable=True)
        for key, value in base.items():
            if key not in merged:
                if isinstance(value, list):
                    merged.setlist(key, value)
                else:
                    merged[key] = value
        super().__init__(merged)
        self.scope = scope
        options = selectors.choices_of(scope)
        for name in ("contratto", "sede", "cdc", "tipo", "zona", "addebito"):
            self.fields[name].choices = options[name]
        for name in ("da", "a"):
            self.fields[name].choices = months
        # Labels translated once here, not again by every option drawn (issue 17).
        dims = [(d.code, str(d.label)) for d in DIMS.values()]
        self.fields["righe"].choices = dims
        self.fields["colonne"].choices = [("", str(_("Nessuna suddivisione"))), *dims]
        self.fields["misura"].choices = [(m.code, str(m.label)) for m in MEASURES.values()]
        self.fields["fatturazione"].choices = [(k, str(label)) for k, label in BILLING]
        self.check_scope(options)

    def check_scope(self, options) -> None:
        """A contract, sede or cost centre outside the user's scope is not found (404)."""
        for name in SCOPED:
            allowed = {k for k, _l in options[name]}
            if any(v not in allowed for v in self.data.getlist(name)):
                raise Http404

    def clean_linee(self) -> list[int]:
        numbers = [n for n in re.split(r"[\s,;]+", self.cleaned_data["linee"]) if n]
        if not numbers:
            return []
        found = selectors.lines_by_msisdn(self.scope, numbers)
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("Linee non presenti sui tuoi contratti: %(n)s") % {"n": ", ".join(missing[:10])}
            )
        return [found[n] for n in numbers]

    def clean(self):
        data = super().clean()
        if data.get("da") and data.get("a") and data["da"] > data["a"]:
            self.add_error("a", _("Il mese finale deve seguire quello iniziale."))
        return data

    def filters(self) -> Filters:
        d = self.cleaned_data

        def month(text: str) -> datetime.date:
            return datetime.date.fromisoformat(f"{text}-01")

        return Filters(
            start=month(d["da"]),
            end=month(d["a"]),
            contracts=[int(x) for x in d["contratto"]],
            seats=[int(x) for x in d["sede"]],
            centres=[int(x) for x in d["cdc"]],
            lines=d["linee"],
            categories=d["tipo"],
            zones=[selectors.ZONE_OF_CODE[z] for z in d["zona"]],
            charging=d["addebito"],
            billing=d["fatturazione"],
        )
