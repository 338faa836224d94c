"""Administrations, contracts, referents, contract services and demo users."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from portale.records import models as m

from . import catalog, italian
from .logins import CONTRACT_CODES, DEMO_LOGINS, DEMO_PASSWORD, DemoLogin
from .people import Person, Source

# (name, seat city, CF base digits, contract codes)
ADMINISTRATIONS = [
    ("Comune di Perugia", "Perugia", "0000316047", CONTRACT_CODES[0:2]),
    ("Azienda Sanitaria Locale di Bari", "Bari", "9301287072", CONTRACT_CODES[2:4]),
    ("Provincia di Ancona", "Ancona", "8000767042", CONTRACT_CODES[4:5]),
]
MARKER_FISCAL_CODE = italian.entity_fiscal_code(ADMINISTRATIONS[0][2])
# Electronic invoicing: the IPA code of each administration, and per contract the office
# receiving its invoices ("Codice Univoco Ufficio"), the derived CIG and an optional CUP
# and order reference (demo values in the right formats).
IPA_CODES = ["c_g478", "asl_ba", "p_an"]
EINVOICING = {
    CONTRACT_CODES[0]: ("UFG478", "9183264A1B", "", "ORD-PG-2021-01"),
    CONTRACT_CODES[1]: ("UFG479", "9183264A1B", "J91H21000030002", ""),
    CONTRACT_CODES[2]: ("UFBA01", "91832651C2", "", ""),
    CONTRACT_CODES[3]: ("UFBA02", "91832651C2", "", "DEL-412-2021"),
    CONTRACT_CODES[4]: ("UFAN07", "9183266D3E", "", ""),
}
BULK_EINVOICING = ("UFBA03", "91832651C2")
R = m.Referent.Role
# Extra (generated) referents per contract code, after the demo users' rows.
EXTRA_REFERENTS = {
    CONTRACT_CODES[0]: [],
    CONTRACT_CODES[1]: [R.EBILL, R.TRAFFIC_MANAGER],
    CONTRACT_CODES[2]: [R.MANDATARIO, R.TRAFFIC_MANAGER, R.EBILL],
    CONTRACT_CODES[3]: [R.MASTER, R.EBILL],
    CONTRACT_CODES[4]: [R.TRAFFIC_MANAGER, R.MESSAGING],
}
# Referent rows of the demo users: username -> [(contract code, role)]
DEMO_REFERENTS = {
    "roa@demo.it": [(CONTRACT_CODES[0], R.MASTER), (CONTRACT_CODES[1], R.MASTER)],
    "mandatario@demo.it": [(CONTRACT_CODES[0], R.MANDATARIO)],
    "ebill@demo.it": [(CONTRACT_CODES[0], R.EBILL)],
    "traffic@demo.it": [(CONTRACT_CODES[0], R.TRAFFIC_MANAGER)],
    "messaggistica@demo.it": [(CONTRACT_CODES[0], R.MESSAGING)],
    "roa.linea@demo.it": [(CONTRACT_CODES[2], R.MASTER)],
    "roa.provincia@demo.it": [(CONTRACT_CODES[4], R.MASTER)],
}
# Which contract services (catalog codes) each contract has; the first has all.
CONTRACT_SAC = {
    CONTRACT_CODES[0]: [code for code, _ in catalog.CONTRACT_SERVICES],
    CONTRACT_CODES[1]: ["TIMTUO", "EMM"],
    CONTRACT_CODES[2]: ["TIMTUO", "FLEET", "SMAS"],
    CONTRACT_CODES[3]: ["TIMTUO"],
    CONTRACT_CODES[4]: ["TIMTUO", "MESSAGING", "SMART_WORKING"],
}


def demo_person(login: DemoLogin) -> Person:
    return Source.make_person(
        login.first_name,
        login.last_name,
        login.female,
        login.birth_date,
        italian.comune(login.birthplace),
    )


def address(src: Source, city: str | None = None, attention_of: str = "") -> m.Address:
    com = italian.comune(city) if city else src.rng.choice(italian.birthplaces())
    toponym, street, number = src.street()
    return m.Address.objects.create(
        toponym=toponym,
        street=street,
        number=number,
        province=com.province,
        city=com.name,
        cap=com.cap(src.rng),
        attention_of=attention_of,
    )


def create_organisations(src: Source) -> list[m.Contract]:
    contracts = []
    for index, (name, city, cf_base, codes) in enumerate(ADMINISTRATIONS):
        admin = m.Administration.objects.create(
            fiscal_code=italian.entity_fiscal_code(cf_base),
            name=name,
            seat=address(src, city),
            ipa_code=IPA_CODES[index],
        )
        rep = src.person()
        m.LegalRepresentative.objects.create(
            administration=admin,
            first_name=rep.first_name,
            last_name=rep.last_name,
            email=f"{rep.email_local}@pec.ente{index + 1}.example.it",
            mobile=src.mobile(),
            fiscal_code=rep.fiscal_code,
        )
        for n, code in enumerate(codes):
            office_code, cig, cup, order_reference = EINVOICING[code]
            contracts.append(
                m.Contract.objects.create(
                    code=code,
                    administration=admin,
                    activation_date=datetime.date(2021, 1 + 2 * index, 15 + n),
                    invoice_address=address(src, city, attention_of="Ufficio Economato"),
                    docs_address=address(src, city, attention_of="Servizi Informativi"),
                    office_code=office_code,
                    cig=cig,
                    cup=cup,
                    order_reference=order_reference,
                )
            )
    return contracts


def create_referents(src: Source, contracts: list[m.Contract]) -> None:
    by_code = {c.code: c for c in contracts}
    rows = []
    for login in DEMO_LOGINS:
        person = demo_person(login)
        for code, role in DEMO_REFERENTS.get(login.username, []):
            rows.append(
                m.Referent(
                    contract=by_code[code],
                    role=role,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    fiscal_code=person.fiscal_code,
                    mobile=login.mobile,
                    email=login.username,
                )
            )
    for code, roles in EXTRA_REFERENTS.items():
        for role in roles:
            person = src.person()
            rows.append(
                m.Referent(
                    contract=by_code[code],
                    role=role,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    fiscal_code=person.fiscal_code,
                    mobile=src.mobile(("335", "347", "348")),
                    email=f"{person.email_local}@ente.example.it",
                )
            )
    m.Referent.objects.bulk_create(rows)


def create_bulk_referents(contract: m.Contract, login: DemoLogin) -> None:
    """The large contract's ROA (``login``), unless the contract has its master already."""
    if m.Referent.objects.filter(contract=contract, role=R.MASTER).exists():
        return
    person = demo_person(login)
    m.Referent.objects.create(
        contract=contract,
        role=R.MASTER,
        first_name=person.first_name,
        last_name=person.last_name,
        fiscal_code=person.fiscal_code,
        mobile=login.mobile,
        email=login.username,
    )


def create_contract_services(contracts: list[m.Contract]) -> None:
    names = dict(catalog.CONTRACT_SERVICES)
    m.ContractService.objects.bulk_create(
        m.ContractService(
            contract=contract,
            code=code,
            description=names[code],
            activation_date=contract.activation_date,
        )
        for contract in contracts
        for code in CONTRACT_SAC[contract.code]
    )


def create_users(contracts: list[m.Contract], logins: list[DemoLogin] = DEMO_LOGINS) -> list:
    User = get_user_model()
    admin_cfs = [italian.entity_fiscal_code(base) for _n, _c, base, _codes in ADMINISTRATIONS]
    users = []
    for login in logins:
        person = demo_person(login)
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "email": login.username,
                "first_name": login.first_name,
                "last_name": login.last_name,
                "mobile": login.mobile,
                "fiscal_code": person.fiscal_code,
                "entity_fiscal_code": (
                    admin_cfs[login.administration] if login.administration is not None else ""
                ),
                "is_staff": login.is_staff,
                "is_superuser": False,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users
