import pytest
from django.db import connection

from portale.core.tasks import HUEY


@pytest.fixture
def empty_queue():
    """The task queue starts and ends empty, whatever a test left scheduled."""
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture
def server_binding(db):
    """Skips unless the database binds values on the server (PostgreSQL with prepared
    statements, as in production and CI)."""
    if connection.vendor != "postgresql":
        pytest.skip("server-side binding is PostgreSQL's")
    if not connection.settings_dict["OPTIONS"].get("server_side_binding"):
        pytest.skip("turned off for this run (DB_PREPARED_STATEMENTS=0)")
