import pytest

from . import data


@pytest.fixture
def populated(contract, other_contract):
    """The guide's example contract, and another contract whose rows must never show."""
    lines = data.populate(contract, prefix="331254")
    data.populate(other_contract, prefix="339999")
    return lines


@pytest.fixture
def roa_client(client, roa):
    client.force_login(roa)
    return client
