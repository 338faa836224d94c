"""Reference data of the demo: plans, direttrici, RIF profiles, price list, service points."""

from __future__ import annotations

import datetime
from decimal import Decimal

from portale.records import models as m

from . import catalog, italian
from .people import Source


def load_reference(src: Source) -> dict[str, m.TariffPlan]:
    plans = {}
    for name, category, fee in catalog.TARIFF_PLANS:
        plan, _ = m.TariffPlan.objects.get_or_create(
            name=name, defaults={"category": category, "monthly_fee": fee}
        )
        plans[name] = plan
    for pos, (code, description) in enumerate(catalog.NETWORK_CATEGORIES):
        m.NetworkCategory.objects.get_or_create(
            code=code, defaults={"description": description, "position": pos}
        )
    for pos, (code, description) in enumerate(catalog.RIF_PROFILES):
        m.RifProfile.objects.get_or_create(
            code=code, defaults={"description": description, "position": pos}
        )
    _price_list()
    _service_points(src)
    return plans


def _price_list() -> None:
    if m.PriceList.objects.filter(version=catalog.PRICE_LIST_VERSION).exists():
        return
    price_list = m.PriceList.objects.create(
        version=catalog.PRICE_LIST_VERSION, date=datetime.date(2021, 3, 1), is_current=True
    )
    items = [
        m.PriceItem(
            price_list=price_list,
            kind=m.PriceItem.Kind.TARIFF,
            code=name,
            description=f"Profilo tariffario {name}",
            unit="€/mese",
            price=fee,
        )
        for name, _category, fee in catalog.TARIFF_PLANS
    ]
    items += [
        m.PriceItem(
            price_list=price_list,
            kind=m.PriceItem.Kind.OPTION,
            code=code,
            description=name,
            unit="€/mese" if family not in ("PACC_EXTUE", "PACC_EXTUE_X") else "€/giorno",
            price=price,
        )
        for family, code, name, price in catalog.PERSONAL_OPTIONS
    ]
    items += [
        m.PriceItem(
            price_list=price_list,
            kind=m.PriceItem.Kind.OPTION,
            code=code,
            description=name,
            unit="€/mese",
            price=Decimal("0.00"),
        )
        for code, name, _kind in catalog.COMPANY_OPTIONS
    ]
    seen = set()
    for description, fee in catalog.STS_SUBSCRIPTION + catalog.STS_PREPAID:
        if description in seen:
            continue
        seen.add(description)
        items.append(
            m.PriceItem(
                price_list=price_list,
                kind=m.PriceItem.Kind.STS,
                code=description.upper().replace(" ", "_")[:40],
                description=description,
                unit="€/mese",
                price=fee,
            )
        )
    items += [
        m.PriceItem(
            price_list=price_list,
            kind=m.PriceItem.Kind.DEVICE,
            code=nmu,
            description=description,
            unit="€/mese",
            price=Decimal(12 + 3 * i),
        )
        for i, (description, nmu, *_rest) in enumerate(catalog.DEVICES)
    ]
    items += [
        m.PriceItem(
            price_list=price_list,
            kind=m.PriceItem.Kind.SERVICE,
            code=code,
            description=description,
            unit="€/mese",
            price=Decimal("0.00") if code == "TIMTUO" else Decimal("25.00"),
        )
        for code, description in catalog.CONTRACT_SERVICES
    ]
    items += [
        m.PriceItem(
            price_list=price_list,
            kind=m.PriceItem.Kind.TRAFFIC,
            code=code,
            description=description,
            unit=unit,
            price=price,
        )
        for code, description, unit, price in catalog.TRAFFIC_PRICES
    ]
    m.PriceItem.objects.bulk_create(items)


def _service_points(src: Source) -> None:
    if m.ServicePoint.objects.exists():
        return
    rng = src.rng
    points = []
    for city, (lat, lon) in italian.CITY_COORDINATES.items():
        com = italian.comune(city)
        if not com.caps:
            continue
        for n in range(3 if city in ("Roma", "Milano", "Napoli") else 2):
            toponym, street, number = src.street()
            points.append(
                m.ServicePoint(
                    name=f"TIM Business Point {city} {n + 1}",
                    street=f"{toponym.title()} {street} {number}",
                    province=com.province,
                    city=com.name,
                    cap=com.cap(rng),
                    latitude=Decimal(f"{lat + rng.uniform(-0.03, 0.03):.6f}"),
                    longitude=Decimal(f"{lon + rng.uniform(-0.03, 0.03):.6f}"),
                    phone=f"0{rng.randint(10, 99)}{rng.randrange(10**6):06d}",
                    opening_hours="Lun-Ven 09:00-13:00 / 15:00-19:00; Sab 09:00-13:00",
                )
            )
    m.ServicePoint.objects.bulk_create(points)
