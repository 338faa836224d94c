"""factory_boy factories for the systems of record (shared by every app's tests)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum import luhn

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

    # a numeric codice fiscale with its check digit (FatturaPA validates it)
    fiscal_code = factory.Sequence(
        lambda n: f"{8000000 + n:07d}054" + luhn.calc_check_digit(f"{8000000 + n:07d}054")
    )
    name = factory.Sequence(lambda n: f"Comune di Prova {n}")
    ipa_code = factory.Sequence(lambda n: f"c_p{n:03d}")
    seat = factory.SubFactory(AddressFactory)


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = models.Contract

    code = factory.Sequence(lambda n: f"{888010000000 + n:012d}")
    administration = factory.SubFactory(AdministrationFactory)
    activation_date = datetime.date(2021, 3, 1)
    invoice_address = factory.SubFactory(AddressFactory)
    docs_address = factory.SubFactory(AddressFactory)
    office_code = factory.Sequence(lambda n: f"UF{n:04d}")
    cig = factory.Sequence(lambda n: f"Z{n:09d}")


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


class LegalRepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = models.LegalRepresentative

    administration = factory.SubFactory(AdministrationFactory)
    first_name = "Mario"
    last_name = "Rossi"
    email = factory.Sequence(lambda n: f"sindaco{n}@pec.example.it")
    mobile = factory.Sequence(lambda n: f"338{4000000 + n:07d}")
    fiscal_code = "RSSMRA80A01H501U"


class NetworkCategoryFactory(DjangoModelFactory):
    class Meta:
        model = models.NetworkCategory
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CAT{n}")
    description = factory.Sequence(lambda n: f"Direttrice {n}")


class RifProfileFactory(DjangoModelFactory):
    class Meta:
        model = models.RifProfile
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"RIF{n:02d}")
    description = factory.Sequence(lambda n: f"Profilo RIF {n}")


class LineServiceFactory(DjangoModelFactory):
    class Meta:
        model = models.LineService

    line = factory.SubFactory(LineFactory)
    description = "BLOCCO SATELLITARE"
    activation_date = datetime.date(2021, 4, 1)
    monthly_fee = Decimal("0.00")


class ContractServiceFactory(DjangoModelFactory):
    class Meta:
        model = models.ContractService

    contract = factory.SubFactory(ContractFactory)
    description = "TIM TUO A CONTRATTO"
    code = "TIMTUO"
    activation_date = datetime.date(2021, 3, 1)


class DeviceFactory(DjangoModelFactory):
    class Meta:
        model = models.Device

    imei = factory.Sequence(lambda n: f"35332811{n:07d}")
    description = "NOLEGGIO Samsung Galaxy S5 Black TIM"
    nmu_code = "705935"
    service_type = models.Device.ServiceType.RENTAL
    contract = factory.SubFactory(ContractFactory)
    brand = "Samsung"
    model = "Galaxy S5"
    os = "Android"
    activation_date = datetime.date(2021, 4, 1)


class DualBillingFactory(DjangoModelFactory):
    class Meta:
        model = models.DualBilling

    line = factory.SubFactory(LineFactory)
    kind = models.DualBilling.Kind.SUBSCRIPTION
    code = factory.Sequence(lambda n: f"{888200090000 + n:012d}")
    activation_date = datetime.date(2021, 5, 1)
    employee_fiscal_code = "SPSSVT84D17F839Z"
    employee_first_name = "SALVATORE"
    employee_last_name = "ESPOSITO"
    holder_first_name = "Salvatore"
    holder_last_name = "Esposito"
    holder_fiscal_code = "SPSSVT84D17F839Z"
    payment_method = models.DualBilling.PaymentMethod.CARD
    direct_debit_state = "DOMICILIATA"
    card_masked = "**** **** **** 4242"
    invoice_email = "dipendente@example.it"


class DualBillingOptionFactory(DjangoModelFactory):
    class Meta:
        model = models.DualBillingOption

    line = factory.SubFactory(LineFactory)
    scope = models.DualBillingOption.Scope.PERSONAL
    family = models.DualBillingOption.Family.NATIONAL_PACK
    code = "S4"
    name = "Pacchetto S4"
    price = Decimal("5.00")
    activation_date = datetime.date(2021, 6, 1)


class BundleFactory(DjangoModelFactory):
    class Meta:
        model = models.Bundle

    line = factory.SubFactory(LineFactory)
    name = factory.Sequence(lambda n: f"Bundle dati {n}")
    unit = models.Bundle.Unit.GB
    scope = models.Bundle.Scope.NATIONAL
    total = Decimal("50")
    remaining = Decimal("20")
    updated_at = factory.LazyFunction(timezone.now)


class ThresholdFactory(DjangoModelFactory):
    class Meta:
        model = models.Threshold

    line = factory.SubFactory(LineFactory)
    kind = models.Threshold.Kind.SPENDING
    type = models.Threshold.Type.INFORMATIVE
    period = models.Threshold.Period.MONTHLY
    description = models.Threshold.Description.INFO_SPENDING
    value = Decimal("50.00")
    available = Decimal("50.000")
    activation_date = datetime.date(2021, 6, 1)


class InvoiceFactory(DjangoModelFactory):
    class Meta:
        model = models.Invoice

    contract = factory.SubFactory(ContractFactory)
    number = factory.Sequence(lambda n: f"7X{311 + n:08d}")
    bimester = factory.Sequence(lambda n: f"{n % 6 + 1}/{2021 + n // 6}")
    amount = Decimal("1234.56")
    emission_date = datetime.date(2021, 9, 15)
    due_date = datetime.date(2021, 10, 15)


class PersonalInvoiceFactory(DjangoModelFactory):
    class Meta:
        model = models.PersonalInvoice

    dual_billing = factory.SubFactory(DualBillingFactory)
    number = factory.Sequence(lambda n: f"8T{n:08d}")
    bimester = factory.Sequence(lambda n: f"{n % 6 + 1}/{2021 + n // 6}")
    emission_date = datetime.date(2021, 9, 15)
    due_date = datetime.date(2021, 10, 15)
    total = Decimal("33.45")


class TrafficEventFactory(DjangoModelFactory):
    class Meta:
        model = models.TrafficEvent

    line = factory.SubFactory(LineFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    category = models.TrafficEvent.Category.DATA
    type = "GPRS"
    detail = "Navigazione internet"
    apn = "ibox.tim.it"
    volume_kb = 2784
    gross_amount = Decimal("0.0272")
    net_amount = Decimal("0")
    rating_unit = "Kbyte"


class ServiceSmsFactory(DjangoModelFactory):
    class Meta:
        model = models.ServiceSms

    line = factory.SubFactory(LineFactory)
    text = "Ti confermiamo l'attivazione dell'opzione richiesta."
    sent_at = factory.LazyFunction(timezone.now)
    state = models.ServiceSms.State.DELIVERED


class ServicePointFactory(DjangoModelFactory):
    class Meta:
        model = models.ServicePoint

    name = factory.Sequence(lambda n: f"TIM Business Point {n}")
    street = "Via del Corso 10"
    province = "RM"
    city = "Roma"
    cap = "00186"
    latitude = Decimal("41.902800")
    longitude = Decimal("12.496400")


class PriceListFactory(DjangoModelFactory):
    class Meta:
        model = models.PriceList

    version = factory.Sequence(lambda n: f"8.{n}")
    date = datetime.date(2021, 3, 1)
    is_current = False


class PriceItemFactory(DjangoModelFactory):
    class Meta:
        model = models.PriceItem

    price_list = factory.SubFactory(PriceListFactory)
    kind = models.PriceItem.Kind.OPTION
    code = factory.Sequence(lambda n: f"OPT{n}")
    description = "Pacchetto S4"
    unit = "€/mese"
    price = Decimal("5.0000")


class CostCentreFactory(DjangoModelFactory):
    class Meta:
        model = models.CostCentre

    contract = factory.SubFactory(ContractFactory)
    code = factory.Sequence(lambda n: f"CDC-{n:03d}")
    name = factory.Sequence(lambda n: f"Ufficio {n}")
