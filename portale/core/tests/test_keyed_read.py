"""``KeyedRead``: one row by a unique key, its statement compiled once — the same instance
the ORM builds, and never a stale row."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portale.accounts.backends import SecondFactorBackend
from portale.core.keyed_read import KeyedRead
from portale.records.models import Line, Sim

User = get_user_model()


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_it_builds_the_instance_the_orm_builds(employee):
    employee.last_login = datetime.datetime(2026, 11, 30, 8, 15, tzinfo=datetime.UTC)
    employee.is_staff = True
    employee.save()
    read = KeyedRead(User)
    got, orm = read.get(employee.pk), User.objects.get(pk=employee.pk)
    assert _fields(got) == _fields(orm)
    # The backend's converters ran (SQLite gives 0/1 and naive text without them).
    assert got.is_active is True and got.is_staff is True
    assert got.date_joined.tzinfo is not None and got.last_login == employee.last_login
    assert not got._state.adding and got._state.db == "default"
    got.first_name = "Anna"
    got.save(update_fields=["first_name"])  # a loaded instance: an UPDATE, not an INSERT
    assert User.objects.get(pk=employee.pk).first_name == "Anna"


def test_it_compiles_once_and_reads_the_row_every_time(employee):
    read = KeyedRead(User)
    read.get(employee.pk)
    User.objects.filter(pk=employee.pk).update(is_active=False, first_name="Nuovo")
    with CaptureQueriesContext(connection) as queries:
        again = read.get(employee.pk)
    assert again.is_active is False and again.first_name == "Nuovo"  # no row is cached
    assert len(queries) == 1 and list(read._compiled) == ["default"]


def test_a_missing_or_malformed_key_is_none(employee):
    read = KeyedRead(User)
    assert read.get(employee.pk + 1000) is None
    assert read.get(str(employee.pk)).pk == employee.pk  # the session stores it as text
    with CaptureQueriesContext(connection) as queries:
        assert read.get("abc") is None
    assert len(queries) == 0


def test_it_reads_by_another_unique_field(employee_line):
    sim = Sim.objects.get(line=employee_line)
    got = KeyedRead(Sim, "iccid").get(sim.iccid)
    assert _fields(got) == _fields(sim)
    assert KeyedRead(Sim, "iccid").get("nessuna") is None


def test_a_field_that_is_not_unique_is_refused(db):
    with pytest.raises(ValueError, match="not unique"):
        KeyedRead(Line, "state")


def test_the_session_backend_refuses_an_inactive_user(employee):
    backend = SecondFactorBackend()
    assert backend.get_user(employee.pk).pk == employee.pk
    User.objects.filter(pk=employee.pk).update(is_active=False)
    assert backend.get_user(employee.pk) is None
    assert backend.get_user(employee.pk + 1000) is None


def test_a_deactivated_user_is_logged_out_at_the_next_request(client, employee):
    client.force_login(employee)
    home = reverse("home:index")
    assert client.get(home).status_code == 200
    User.objects.filter(pk=employee.pk).update(is_active=False)
    response = client.get(home)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
