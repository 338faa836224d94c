"""The SQLite pass of CI: tests run against the migrated demo database as it is.

``make smoke-sqlite`` migrates a fresh SQLite file, loads the demo data and runs these tests
on that file (``SMOKE_DATABASE=1``); each test still runs in a transaction that is rolled back.
They are skipped in the ordinary run, which uses a throw-away test database.
"""

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees every collected item: touch only the ones of this folder.
    for item in items:
        if not Path(str(item.fspath)).is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.smoke)
        if not os.environ.get("SMOKE_DATABASE"):
            item.add_marker(pytest.mark.skip(reason="needs the demo database (make smoke-sqlite)"))


@pytest.fixture(scope="session")
def django_db_setup():
    """Use the configured database (the demo file) instead of creating a test database."""
