"""Home widgets (F-5, E-40): chosen among the functions the user's profiles allow."""

from __future__ import annotations

from django.db import transaction

from portale.accounts.models import WidgetPreference
from portale.core.capabilities import REGISTRY, Capability

DEFAULT_COUNT = 6


def widget_catalogue(*, ctx) -> list[Capability]:
    """Widgets the user may place: registry entries marked ``widget`` that their profiles
    allow and that are implemented (their URL resolves)."""
    return [c for c in REGISTRY.values() if c.widget and c.allows(ctx) and c.url]


def widgets_for(*, user, ctx) -> list[Capability]:
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
        if p not in available and p in REGISTRY
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
