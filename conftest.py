"""Fixtures shared by every test: one user per profile on two contracts of one Ente."""

import pytest

from portale.records.models import Referent
from portale.records.tests import factories as f


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (ids are reused from one test to the next)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def contract(db):
    return f.ContractFactory()


@pytest.fixture
def other_contract(db):
    """A contract of another administration: nothing of it may leak."""
    return f.ContractFactory()


def _referent_user(contract, role, **kwargs):
    ref = f.ReferentFactory(contract=contract, role=role)
    return f.UserFactory(
        mobile=ref.mobile, entity_fiscal_code=contract.administration.fiscal_code, **kwargs
    )


@pytest.fixture
def roa(contract):
    return _referent_user(contract, Referent.Role.MASTER)


@pytest.fixture
def mandatario(contract):
    return _referent_user(contract, Referent.Role.MANDATARIO)


@pytest.fixture
def ebill(contract):
    return _referent_user(contract, Referent.Role.EBILL)


@pytest.fixture
def traffic_manager(contract):
    return _referent_user(contract, Referent.Role.TRAFFIC_MANAGER)


@pytest.fixture
def messaging(contract):
    return _referent_user(contract, Referent.Role.MESSAGING)


@pytest.fixture
def employee_line(contract):
    return f.SimFactory(line__contract=contract).line


@pytest.fixture
def employee(employee_line):
    return f.UserFactory(
        mobile=employee_line.msisdn,
        entity_fiscal_code=employee_line.contract.administration.fiscal_code,
    )


@pytest.fixture
def prepaid_employee(contract):
    plan = f.TariffPlanFactory(name="RICARICABILE Business VOLTE", category="RICARICABILE")
    line = f.SimFactory(line__contract=contract, line__tariff_plan=plan).line
    return f.UserFactory(mobile=line.msisdn)


@pytest.fixture
def staff(db):
    return f.UserFactory(is_staff=True, mobile="")


@pytest.fixture
def no_profile_user(db):
    return f.UserFactory(mobile="3470000000")


@pytest.fixture
def users_by_profile(
    roa,
    mandatario,
    ebill,
    traffic_manager,
    messaging,
    employee,
    prepaid_employee,
    staff,
    no_profile_user,
):
    return {
        "ROA": roa,
        "MAN": mandatario,
        "EB": ebill,
        "TM": traffic_manager,
        "MSG": messaging,
        "DIP": employee,
        "DIP_PREPAID": prepaid_employee,
        "STAFF": staff,
        "NONE": no_profile_user,
    }


@pytest.fixture
def queue_down(monkeypatch):
    """Redis unreachable: every enqueue raises, as huey's RedisStorage does. The list holds
    the refused calls; ``back()`` brings the queue back."""
    from portale.core.tasks import HUEY

    real_enqueue = HUEY.enqueue

    class Calls(list):
        def back(self):
            monkeypatch.setattr(HUEY, "enqueue", real_enqueue)

    calls = Calls()

    def refuse(*args, **kwargs):
        calls.append(args)
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(HUEY, "enqueue", refuse)
    return calls
