from django import template

from portale.core.lists.formats import italian_number

register = template.Library()


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def getfield(form, name: str):
    return form[name] if name in form.fields else None


@register.filter
def eur(value) -> str:
    if value is None or value == "":
        return ""
    return f"{italian_number(value, 2)} €"


@register.filter
def measure(value, m) -> str:
    """A report figure in its measure's unit, Italian style."""
    match m.unit:
        case "€":
            return eur(value)
        case "min":
            return f"{italian_number(value, 2)} min"
        case "GB":
            return f"{italian_number(value, 3)} GB"
    return italian_number(value, 0)
