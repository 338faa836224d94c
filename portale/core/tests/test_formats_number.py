"""``italian_number`` (issue 17: Python's grouping, separators swapped) writes what the former
grouping written out wrote, for integers, floats, strings and Decimals of every size and
precision, negative figures rounding to zero included."""

import random
from decimal import Decimal

from portale.core.lists.formats import italian_number


def former(value, places: int = 2, *, grouping: bool = True) -> str:
    if value is None or value == "":
        return ""
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    text = f"{abs(d):.{places}f}"
    int_part, _sep, frac = text.partition(".")
    if grouping:
        out = []
        while len(int_part) > 3:
            out.insert(0, int_part[-3:])
            int_part = int_part[:-3]
        out.insert(0, int_part)
        int_part = ".".join(out)
    sign = "-" if d < 0 and Decimal(text) != 0 else ""
    return f"{sign}{int_part},{frac}" if places else f"{sign}{int_part}"


def test_the_same_text_as_the_former_grouping():
    rnd = random.Random(17)
    values = [None, "", 0, 1, -1, 0.5, -0.004, -0.005, -0.0051, 999, 1000, -1000, 999.995]
    values += [Decimal("-0.000"), Decimal("1E+3"), Decimal("-1E-7"), "3.14159", 1234567.891]
    for _ in range(3000):
        scale = Decimal(10) ** rnd.randint(-3, 5)
        values.append(Decimal(rnd.randint(-(10**8), 10**8)).scaleb(-rnd.randint(0, 8)) * scale)
        values.append(rnd.uniform(-1e7, 1e7))
        values.append(rnd.randint(-(10**12), 10**12))
    for value in values:
        for places in (0, 1, 2, 3, 4):
            for grouping in (True, False):
                expected = former(value, places, grouping=grouping)
                assert italian_number(value, places, grouping=grouping) == expected, value


def test_the_eur_filter_of_every_template_library_is_one_function():
    from django.template import engines

    from portale.billing.templatetags import traffic_format
    from portale.core.lists.formats import euro
    from portale.core.templatetags import portal
    from portale.tem.templatetags import tem

    assert portal.register.filters["eur"] is euro
    assert traffic_format.register.filters["eur"] is euro and tem.register.filters["eur"] is euro
    assert euro(Decimal("1234.5")) == "1.234,50 €" and euro("0.1234", 4) == "0,1234 €"
    assert euro(None) == "" and euro("") == ""
    page = engines["django"].from_string("{% load portal %}{{ a|eur }} {{ b|eur:4 }}|{{ c|eur }}")
    assert page.render({"a": "20.00", "b": Decimal("-3.14159"), "c": None}) == "20,00 € -3,1416 €|"
