"""Home widgets (F-5, E-40): chosen among the functions the user's profiles allow."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portale.accounts.models import WidgetPreference
from portale.core.capabilities import REGISTRY, Capability

DEFAULT_COUNT = 6


@dataclass(frozen=True)
class Shortcut:
    """A widget of the guide's F-5 list that opens a page inside a function ("Dati del
    contratto", "Servizi su linea STS"): shown to whoever the function allows."""

    code: str
    label: str
    capability: str
    url_name: str
    args: tuple = ()
    widget: bool = True
    prepares_file: bool = False

    def allows(self, ctx) -> bool:
        cap = REGISTRY.get(self.capability)
        return cap is not None and cap.allows(ctx)

    @property
    def url(self) -> str | None:
        try:
            return reverse(self.url_name, args=self.args)
        except NoReverseMatch:
            return None


# The guide's widget names (F-5) for pages that are part of a function.
SHORTCUTS = [
    Shortcut("widget.contract", _("Dati del contratto"), "company.addresses", "company:addresses"),
    Shortcut(
        "widget.sts",
        _("Servizi su linea STS"),
        "inventory.aggregate",
        "inventory:aggregate_list",
        ("sts",),
    ),
    Shortcut(
        "widget.line_services",
        _("Servizi su linea"),
        "inventory.detail",
        "inventory:detail_list",
        ("sts",),
    ),
]
KNOWN_CODES = set(REGISTRY) | {s.code for s in SHORTCUTS}


def widget_catalogue(*, ctx) -> list[Capability | Shortcut]:
    """Widgets the user may place: registry entries marked ``widget`` that their profiles
    allow and that are implemented (their URL resolves), then the guide's shortcuts to
    pages inside the functions they may use."""
    functions = [c for c in REGISTRY.values() if c.widget and c.allows(ctx) and c.url]
    return functions + [s for s in SHORTCUTS if s.allows(ctx) and s.url]


def widgets_for(*, user, ctx) -> list[Capability | Shortcut]:
    """The user's widgets in their order; the first allowed ones when nothing was chosen.

    A stored widget the user is no longer entitled to (a profile lost in the records) is
    simply not shown, and comes back if the profile does.
    """
    available = {c.code: c for c in widget_catalogue(ctx=ctx)}
    prefs = list(WidgetPreference.objects.filter(user=user).values_list("code", flat=True))
    if not prefs:
        return list(available.values())[:DEFAULT_COUNT]
    return [available[code] for code in prefs if code in available]


def has_saved_widgets(*, user) -> bool:
    return WidgetPreference.objects.filter(user=user).exists()


@transaction.atomic
def widgets_save(*, user, ctx, codes: list[str]) -> list[str]:
    """Store the chosen widgets in the given order; codes not allowed are ignored."""
    available = {c.code for c in widget_catalogue(ctx=ctx)}
    # Keep widgets the user chose under another profile/contract they cannot see right now.
    hidden = [
        p
        for p in WidgetPreference.objects.filter(user=user).values_list("code", flat=True)
        if p not in available and p in KNOWN_CODES
    ]
    chosen = []
    for code in codes:
        if code in available and code not in chosen:
            chosen.append(code)
    WidgetPreference.objects.filter(user=user).delete()
    WidgetPreference.objects.bulk_create(
        [
            WidgetPreference(user=user, code=code, position=i)
            for i, code in enumerate(chosen + hidden)
        ]
    )
    return chosen
