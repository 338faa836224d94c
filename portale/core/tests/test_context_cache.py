"""The cached portal context (issue 17): kept under the user's ``portal_version``, which the
database triggers of ``accounts/portal_version.py`` bump with every change of the records
that give the profiles, on PostgreSQL and on SQLite alike."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portale.accounts.models import User
from portale.core.capabilities import Profile
from portale.core.context import build_context
from portale.records.models import LineState, Referent
from portale.records.tests import factories as f

pytestmark = pytest.mark.django_db


def version(user) -> int:
    return User.objects.values_list("portal_version", flat=True).get(pk=user.pk)


def fresh(user) -> User:
    """The user as the next request reads it."""
    return User.objects.get(pk=user.pk)


def test_referent_changes_bump_the_version_of_the_numbers_concerned(roa, contract, employee):
    start, untouched = version(roa), version(employee)
    ref = Referent.objects.get(mobile=roa.mobile)
    ref.first_name = "Altro"
    ref.save()  # a name is not part of the context
    assert version(roa) == start

    ref.role = Referent.Role.EBILL
    ref.save()
    assert version(roa) == start + 1
    second = f.ReferentFactory(contract=f.ContractFactory(), mobile=roa.mobile)
    assert version(roa) == start + 2
    second.delete()
    assert version(roa) == start + 3
    ref.mobile = employee.mobile  # moved to another number: both contexts change
    ref.save()
    assert version(roa) == start + 4
    assert version(employee) == untouched + 1


def test_line_changes_bump_the_version_but_credits_do_not(employee, employee_line):
    start = version(employee)
    employee_line.company_credit = Decimal("12.50")
    employee_line.save(update_fields=["company_credit"])
    employee_line.personal_credit = Decimal("3")
    employee_line.save()  # a full save that changes no column of the context
    assert version(employee) == start

    employee_line.state = LineState.SUSPENDED
    employee_line.save(update_fields=["state"])
    assert version(employee) == start + 1
    employee_line.tariff_plan = f.TariffPlanFactory(name="PA 8 Ricaricabile")
    employee_line.save()
    assert version(employee) == start + 2


def test_a_new_line_of_the_number_bumps_the_version(contract):
    user = f.UserFactory(mobile="3399000111")
    start = version(user)
    f.SimFactory(line__contract=contract, line__msisdn="3399000111")
    assert version(user) == start + 1


def test_contract_and_administration_changes_bump_their_users(roa, employee, contract):
    outsider = f.UserFactory(mobile="3399000222")
    roa_start, employee_start, outsider_start = version(roa), version(employee), version(outsider)
    contract.office_code = "UFX9Z1"
    contract.save()
    assert (version(roa), version(employee)) == (roa_start + 1, employee_start + 1)
    administration = contract.administration
    administration.name = "Comune rinominato"
    administration.save()
    assert (version(roa), version(employee)) == (roa_start + 2, employee_start + 2)
    assert version(outsider) == outsider_start


def test_a_stale_user_saved_later_does_not_take_the_version_back(roa):
    stale = fresh(roa)
    f.ReferentFactory(contract=f.ContractFactory(), mobile=roa.mobile)
    bumped = version(roa)
    assert bumped > stale.portal_version
    stale.first_name = "Gina"
    stale.save()  # writes every column, portal_version included
    assert version(roa) == bumped


def test_the_context_follows_a_referent_change_at_the_next_request(roa, contract):
    ctx = build_context(user=fresh(roa), session={})
    assert ctx.profiles == {Profile.ROA, Profile.USER}
    Referent.objects.filter(mobile=roa.mobile).update(role=Referent.Role.EBILL)
    assert build_context(user=fresh(roa), session={}).profiles == {Profile.EB, Profile.USER}
    Referent.objects.filter(mobile=roa.mobile).delete()
    ctx = build_context(user=fresh(roa), session={})
    assert ctx.profiles == {Profile.USER} and ctx.contract is None


def test_the_context_follows_the_line_state(employee, employee_line):
    assert Profile.DIP in build_context(user=fresh(employee), session={}).profiles
    employee_line.state = LineState.CEASED
    employee_line.save(update_fields=["state"])
    assert Profile.DIP not in build_context(user=fresh(employee), session={}).profiles


def test_a_cached_context_reads_no_records(roa, employee, django_assert_num_queries):
    build_context(user=fresh(roa), session={})
    user = fresh(roa)
    with django_assert_num_queries(0):
        ctx = build_context(user=user, session={})
        assert ctx.contract is not None and ctx.contract.code
    build_context(user=fresh(employee), session={})
    user = fresh(employee)
    with django_assert_num_queries(0):
        ctx = build_context(user=user, session={})
        assert ctx.line_id is not None and ctx.line_contract.code
    with django_assert_num_queries(1):  # the line itself is read when a page asks for it
        assert ctx.line.pk == ctx.line_id


def test_a_page_reads_the_profiles_once_then_from_the_cache(client, roa):
    client.force_login(roa)
    url = reverse("home:index")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "records_referent" not in tables
    assert "records_line" not in tables


def test_a_removed_referent_loses_the_page_at_once(client, roa):
    client.force_login(roa)
    url = reverse("company:referents")
    assert client.get(url).status_code == 200
    Referent.objects.filter(mobile=roa.mobile).delete()
    assert client.get(url).status_code in (403, 404)
