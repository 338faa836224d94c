"""Back-office staff publish news and read the registers in the admin, and nothing more."""

import pytest
from django.urls import reverse

from portale.backoffice.services import operator_grant, operator_group_ensure


@pytest.fixture
def operator(staff):
    operator_grant(user=staff)
    return staff


@pytest.mark.django_db
def test_an_operator_manages_news_and_reads_the_audit_log(client, operator):
    client.force_login(operator)
    assert client.get(reverse("admin:public_news_changelist")).status_code == 200
    assert client.get(reverse("admin:public_news_add")).status_code == 200
    assert client.get(reverse("admin:accounts_securityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:records_line_changelist")).status_code == 200


@pytest.mark.django_db
def test_an_operator_cannot_change_the_records_or_users(client, operator):
    client.force_login(operator)
    assert client.get(reverse("admin:records_line_add")).status_code == 403
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert not operator.has_perm("accounts.change_user")
    assert not operator.has_perm("accounts.delete_securityevent")


@pytest.mark.django_db
def test_staff_without_the_group_has_no_admin_rights(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:public_news_changelist")).status_code == 403


@pytest.mark.django_db
def test_the_group_is_idempotent():
    first = operator_group_ensure()
    count = first.permissions.count()
    assert count > 0
    assert operator_group_ensure().permissions.count() == count
