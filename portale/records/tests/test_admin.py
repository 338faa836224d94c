"""Every records model has a working admin: changelist (with search and a filter), add form
and change form."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from portale.records import models as m
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db

RECORDS_MODELS = [
    model for model in admin.site._registry if model._meta.app_label == "records"
]  # fmt: skip


def test_every_records_model_is_registered():
    names = {model.__name__ for model in RECORDS_MODELS}
    assert names >= set(m.__all__) - {
        "LineState",
        "DualBillingState",
        "PaymentState",
        "ServiceState",
    }


@pytest.fixture
def admin_client_with_data(client):
    user = f.UserFactory(is_staff=True, is_superuser=True, mobile="")
    client.force_login(user)
    sim = f.SimFactory()
    f.SimFactory(line=sim.line, role=m.Sim.Role.SECONDARY)
    f.LineServiceFactory(line=sim.line)
    f.DeviceFactory(contract=sim.contract, line=sim.line)
    f.ContractServiceFactory(contract=sim.contract)
    f.ReferentFactory(contract=sim.contract)
    f.LegalRepresentativeFactory(administration=sim.contract.administration)
    billing = f.DualBillingFactory(line=sim.line)
    f.PersonalInvoiceFactory(dual_billing=billing)
    f.DualBillingOptionFactory(line=sim.line)
    f.BundleFactory(line=sim.line)
    f.ThresholdFactory(line=sim.line)
    f.InvoiceFactory(contract=sim.contract)
    f.TrafficEventFactory(line=sim.line, sim=sim)
    f.ServiceSmsFactory(line=sim.line)
    m.PersonalRecharge.objects.create(
        line=sim.line, amount=20, channel="WEB", recharged_at=timezone.now()
    )
    f.ServicePointFactory()
    f.PriceItemFactory()
    f.NetworkCategoryFactory()
    f.RifProfileFactory()
    f.CostCentreFactory(contract=sim.contract)
    sums = {"month": "2021-09-01", "category": "VOCE", "charging": "AZIENDALE", "events": 1}
    m.UsageLineMonth.objects.create(
        line=sim.line, first_day="2021-09-03", last_day="2021-09-03", **sums
    )
    m.UsageContractMonth.objects.create(contract=sim.contract, **sums)
    return client


@pytest.mark.parametrize("model", RECORDS_MODELS, ids=lambda model: model.__name__)
def test_admin_pages_render(admin_client_with_data, model):
    client = admin_client_with_data
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "3"}).status_code == 200
    # Read-only models (the usage aggregates, maintained by rating) refuse the add form.
    read_only = model in (m.UsageLineMonth, m.UsageContractMonth)
    expected = 403 if read_only else 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == expected
    obj = model.objects.first()
    assert obj is not None
    change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    assert client.get(change).status_code == 200


def test_a_thresholds_engine_fields_are_shown_not_edited(admin_client_with_data):
    """Consumption and the erosion mark are kept by rating and the threshold engine
    (records/thresholds.py): a change in the admin must not write them."""
    client = admin_client_with_data
    threshold = m.Threshold.objects.get()
    m.Threshold.objects.filter(pk=threshold.pk).update(consumption="3.5000")
    change = reverse("admin:records_threshold_change", args=[threshold.pk])
    form = client.get(change).context["adminform"].form
    assert not {"consumption", "consumption_period", "erosion_due_at"} & set(form.fields)
    data = {name: form[name].value() for name in form.fields}
    data.update(line=threshold.line_id, value="20", consumption="999", erosion_due_at="")
    data = {k: ("" if v is None else v) for k, v in data.items()}
    assert client.post(change, data).status_code == 302
    threshold.refresh_from_db()
    assert (threshold.value, threshold.consumption) == (20, Decimal("3.5"))


def test_every_app_is_named_in_italian_in_the_admin(admin_client_with_data):
    """The admin's headings are the apps' names: Django's default is the English label."""
    from django.apps import apps

    ours = [c for c in apps.get_app_configs() if c.name.startswith("portale.")]
    assert [c.name for c in ours if c.verbose_name == c.label.title()] == []
    body = admin_client_with_data.get(reverse("admin:index")).content.decode()
    assert "Sistemi di riferimento" in body and "Pratiche e ordini" in body
    assert ">Records<" not in body and ">Accounts<" not in body
