"""The database itself rejects bad records (not only the forms)."""

import datetime
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from portale.records import models as m
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def rejected(fn):
    # A value longer than the column is a DataError on PostgreSQL, a CHECK failure on SQLite.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        fn()


def test_duplicate_msisdn_is_rejected():
    line = f.LineFactory()
    rejected(lambda: f.LineFactory(msisdn=line.msisdn))


def test_invalid_line_state_is_rejected_even_by_update():
    line = f.LineFactory()
    rejected(lambda: m.Line.objects.filter(pk=line.pk).update(state="ATTIVA"))
    rejected(lambda: f.LineFactory(state="BOH"))


def test_msisdn_must_be_a_mobile_number():
    rejected(lambda: f.LineFactory(msisdn="0612345678"))


def test_cessation_cannot_precede_activation():
    rejected(
        lambda: f.LineFactory(
            activation_date=datetime.date(2022, 1, 10),
            cessation_date=datetime.date(2022, 1, 9),
        )
    )


def test_duplicate_iccid_is_rejected():
    sim = f.SimFactory()
    rejected(lambda: f.SimFactory(iccid=sim.iccid))


@pytest.mark.parametrize(
    "iccid", ["893901000123456789", "89390100012345678901", "89390100012345678X"]
)
def test_iccid_must_be_19_digits(iccid):
    rejected(lambda: f.SimFactory(iccid=iccid))


def test_only_one_active_main_sim_per_line():
    sim = f.SimFactory()
    rejected(lambda: f.SimFactory(line=sim.line))
    f.SimFactory(line=sim.line, role=m.Sim.Role.SECONDARY)  # One Number: fine


def test_invalid_sim_state_is_rejected():
    rejected(lambda: f.SimFactory(state="PERSA"))


def test_device_imei_is_unique_and_15_digits():
    device = f.DeviceFactory()
    rejected(lambda: f.DeviceFactory(imei=device.imei))
    rejected(lambda: f.DeviceFactory(imei="35332811000001"))


def test_line_service_percentages_and_apn_filter():
    rejected(lambda: f.LineServiceFactory(pct_charged_to_entity=Decimal("120")))
    rejected(lambda: f.LineServiceFactory(kind=m.LineService.Kind.APN_FILTER, apn=""))
    rejected(lambda: f.LineServiceFactory(state="FINITO"))
    sts = f.LineServiceFactory(
        kind=m.LineService.Kind.APN_FILTER, description="Filtro APN", apn="ibox.tim.it"
    )
    assert sts.display_description == "Filtro APN – ibox.tim.it"


def test_bundle_remaining_cannot_exceed_total():
    rejected(lambda: f.BundleFactory(total=Decimal(10), remaining=Decimal(11)))
    rejected(lambda: f.BundleFactory(unit="TB"))


def test_threshold_states_and_values():
    rejected(lambda: f.ThresholdFactory(state="SPENTA"))
    rejected(lambda: f.ThresholdFactory(value=Decimal("-1")))
    # 0 only for DISPOSITIVA (G-34)
    rejected(lambda: f.ThresholdFactory(value=Decimal(0), available=Decimal(0)))
    f.ThresholdFactory(
        value=Decimal(0),
        available=Decimal(0),
        type=m.Threshold.Type.BLOCKING,
        description=m.Threshold.Description.DISPO_SPENDING,
    )


def test_one_live_threshold_per_description_and_line():
    threshold = f.ThresholdFactory()
    rejected(lambda: f.ThresholdFactory(line=threshold.line))
    threshold.state = m.Threshold.State.CEASED
    threshold.save()
    f.ThresholdFactory(line=threshold.line)


def test_one_open_tim_tuo_per_line_and_masked_payment_data_only():
    billing = f.DualBillingFactory()
    rejected(lambda: f.DualBillingFactory(line=billing.line))
    rejected(lambda: f.DualBillingFactory(card_masked="4111111111111111"))
    rejected(lambda: f.DualBillingFactory(iban_masked="IT60X0542811101000000123456"))
    rejected(lambda: f.DualBillingFactory(code="12345"))
    billing.state = m.DualBillingState.CEASED
    billing.save()
    f.DualBillingFactory(line=billing.line)


def test_personal_option_one_live_per_family():
    option = f.DualBillingOptionFactory()
    rejected(lambda: f.DualBillingOptionFactory(line=option.line, code="M20"))
    rejected(lambda: f.DualBillingOptionFactory(scope="AZIENDALE"))  # family mismatch


def test_invoice_number_unique_bimester_format_and_state():
    invoice = f.InvoiceFactory()
    rejected(lambda: f.InvoiceFactory(number=invoice.number))
    rejected(lambda: f.InvoiceFactory(bimester="7/2021"))
    rejected(lambda: f.InvoiceFactory(payment_state="Boh"))
    rejected(
        lambda: f.InvoiceFactory(
            emission_date=datetime.date(2021, 9, 15), due_date=datetime.date(2021, 9, 1)
        )
    )


def test_traffic_event_category_and_amounts():
    rejected(lambda: f.TrafficEventFactory(category="ALTRO"))
    rejected(lambda: f.TrafficEventFactory(net_amount=Decimal("-0.0001")))
    event = f.TrafficEventFactory(called_number="3399902123")
    assert event.masked_called_number == "3399902***"
    event.called_number = "0012"
    assert event.masked_called_number == "00**"


def test_external_cdr_id_is_unique():
    event = f.TrafficEventFactory(external_id="CDR-1")
    rejected(lambda: f.TrafficEventFactory(line=event.line, external_id="CDR-1"))


def test_service_point_coordinates_and_single_current_price_list():
    rejected(lambda: f.ServicePointFactory(latitude=Decimal("91")))
    f.PriceListFactory(is_current=True)
    rejected(lambda: f.PriceListFactory(is_current=True))


def test_tariff_plan_category_and_referent_role_are_checked():
    rejected(lambda: f.TariffPlanFactory(name="X", category="ALTRO"))
    rejected(lambda: f.ReferentFactory(role="CAPO"))
