"""factory_boy factories for the systems of record (shared by every app's tests)."""

import datetime

import factory
from factory.django import DjangoModelFactory

from portale.records import models


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = models.Address

    toponym = "VIA"
    street = factory.Sequence(lambda n: f"Roma {n}")
    number = "1"
    province = "RM"
    city = "Roma"
    cap = "00184"


class AdministrationFactory(DjangoModelFactory):
    class Meta:
        model = models.Administration

    fiscal_code = factory.Sequence(lambda n: f"{80000000000 + n:011d}")
    name = factory.Sequence(lambda n: f"Comune di Prova {n}")
    seat = factory.SubFactory(AddressFactory)


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = models.Contract

    code = factory.Sequence(lambda n: f"{888010000000 + n:012d}")
    administration = factory.SubFactory(AdministrationFactory)
    activation_date = datetime.date(2021, 3, 1)
    invoice_address = factory.SubFactory(AddressFactory)
    docs_address = factory.SubFactory(AddressFactory)


class ReferentFactory(DjangoModelFactory):
    class Meta:
        model = models.Referent

    contract = factory.SubFactory(ContractFactory)
    role = models.Referent.Role.MASTER
    first_name = "Gina"
    last_name = "Deiana"
    fiscal_code = "DNEGNI80A41H501X"
    mobile = factory.Sequence(lambda n: f"335{1000000 + n:07d}")
    email = factory.Sequence(lambda n: f"referente{n}@comune.example.it")


class TariffPlanFactory(DjangoModelFactory):
    class Meta:
        model = models.TariffPlan
        django_get_or_create = ["name"]

    name = "PA 8"
    category = models.TariffPlan.Category.CONSUMPTION


class LineFactory(DjangoModelFactory):
    class Meta:
        model = models.Line

    msisdn = factory.Sequence(lambda n: f"339{2000000 + n:07d}")
    contract = factory.SubFactory(ContractFactory)
    tariff_plan = factory.SubFactory(TariffPlanFactory)
    activation_date = datetime.date(2021, 4, 1)


class SimFactory(DjangoModelFactory):
    class Meta:
        model = models.Sim

    iccid = factory.Sequence(lambda n: f"893901000{n:010d}")
    line = factory.SubFactory(LineFactory)
    contract = factory.SelfAttribute("line.contract")
    activation_date = datetime.date(2021, 4, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"utente{n}@example.it")
    email = factory.SelfAttribute("username")
    first_name = "Gina"
    last_name = "Deiana"
    mobile = factory.Sequence(lambda n: f"347{3000000 + n:07d}")
    password = factory.django.Password("Password.123")
