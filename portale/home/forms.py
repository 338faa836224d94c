"""The "I miei widget" form (E-40): which widgets the home shows, and in what order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

POSITION_ERROR = _("Indica la posizione con un numero da 1 a 99.")
UNNUMBERED = 999  # a ticked widget with no position goes after the numbered ones


class WidgetsForm(forms.Form):
    """One tick ("widget", the capability's code) and one optional position a widget.

    ``ordered_codes()`` is the ticked widgets by position, ties and blanks in page order.
    A position is read only for a ticked widget; a bad one is said next to its field."""

    # The ticks as sent: a code the profile cannot have (a stale page, a tampered post) is
    # dropped, as ``widgets_save`` would, rather than refusing the whole choice.
    widget = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalogue = list(catalogue)
        for cap in self.catalogue:
            self.fields[f"pos_{cap.code}"] = forms.CharField(required=False)

    def clean_widget(self) -> list[str]:
        codes = [cap.code for cap in self.catalogue]
        return [c for c in dict.fromkeys(self.cleaned_data["widget"] or []) if c in codes]

    def clean(self):
        data = super().clean()
        chosen = data.get("widget") or []
        positions = {}
        for code in chosen:
            raw = (data.get(f"pos_{code}") or "").strip()
            if not raw:
                positions[code] = UNNUMBERED
            elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 99:
                positions[code] = int(raw)
            else:
                self.add_error(f"pos_{code}", POSITION_ERROR)
        data["ordered"] = sorted(
            chosen, key=lambda c: (positions.get(c, UNNUMBERED), chosen.index(c))
        )
        return data

    def ordered_codes(self) -> list[str]:
        return self.cleaned_data["ordered"]

    def rows(self, current: list[str]) -> list[dict]:
        """The page's rows: a bound form shows what was sent, as sent; an unbound one the
        saved widgets first, in their order, then the others."""
        if self.is_bound:
            ticked = self.data.getlist("widget")
            rows = [
                {
                    "cap": cap,
                    "checked": cap.code in ticked,
                    "position": self.data.get(f"pos_{cap.code}", "").strip(),
                    "error": " ".join(self.errors.get(f"pos_{cap.code}", [])),
                }
                for cap in self.catalogue
            ]
            return rows
        rows = [
            {
                "cap": cap,
                "checked": cap.code in current,
                "position": current.index(cap.code) + 1 if cap.code in current else "",
                "error": "",
            }
            for cap in self.catalogue
        ]
        rows.sort(key=lambda r: (not r["checked"], r["position"] or UNNUMBERED))
        return rows
