import datetime

from django.utils import timezone

from portale.support import hours

from .conftest import OPEN, REPUBLIC_DAY, SUNDAY


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_weekdays_nine_to_six():
    assert hours.is_open(OPEN)
    assert hours.is_open(at(2026, 12, 1, 9, 0))
    assert not hours.is_open(at(2026, 12, 1, 8, 59))
    assert not hours.is_open(at(2026, 12, 1, 18, 0))


def test_saturday_nine_to_two():
    assert hours.is_open(at(2026, 12, 5, 13, 59))
    assert not hours.is_open(at(2026, 12, 5, 14, 0))


def test_sunday_and_national_holidays_are_closed():
    assert not hours.is_open(SUNDAY)
    assert not hours.is_open(REPUBLIC_DAY)  # a Tuesday
    assert not hours.is_open(at(2026, 12, 8, 10, 0))  # Immacolata, a Tuesday
