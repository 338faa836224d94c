"""``values_update`` lives in ``portale.records.bulk`` (the records' services use it too)."""

from portale.records.bulk import values_update

__all__ = ["values_update"]
