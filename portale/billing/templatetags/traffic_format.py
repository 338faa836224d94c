"""Italian formats for amounts, traffic quantities and durations (P-23, G-48)."""

from django import template

from portale.core.lists.formats import euro, italian_number

register = template.Library()
eur = register.filter("eur", euro)  # 1234.5 → "1.234,50 €"


@register.filter
def num(value, places: int = 2) -> str:
    return italian_number(value, int(places)) if value not in (None, "") else ""


@register.filter
def hms(seconds) -> str:
    """Seconds → "hh:mm:ss"."""
    if not seconds:
        return ""
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
