import datetime

import pytest
from django.utils import timezone

# A Tuesday at 10:00 (open), a Sunday (closed), 2 June (Festa della Repubblica, closed).
OPEN = timezone.make_aware(datetime.datetime(2026, 12, 1, 10, 0))
SUNDAY = timezone.make_aware(datetime.datetime(2026, 11, 29, 10, 0))
REPUBLIC_DAY = timezone.make_aware(datetime.datetime(2026, 6, 2, 10, 0))


@pytest.fixture
def clock(monkeypatch):
    """Freeze ``timezone.now`` at a given moment: ``clock(OPEN)``."""

    def set_clock(moment):
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return set_clock
