import pytest

from portale.core.tasks import HUEY


@pytest.fixture
def empty_queue():
    """The task queue starts and ends empty, whatever a test left scheduled."""
    HUEY.flush()
    yield
    HUEY.flush()
