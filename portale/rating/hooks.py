"""What runs after the rating engine has rated a batch: an explicit, ordered hook registry.

The rating service (``services.rate_events``) calls ``run_after_rating`` itself, once per
batch, after the batch's transaction has committed (``transaction.on_commit``): a hook sees
the events rated, the counters eroded and the credit decremented. There are no Django
signals: the only way in is ``after_rating``, and the only caller is the rating service.

Register a hook at import time of the app that owns it (e.g. in its ``AppConfig.ready``)::

    from portale.rating.hooks import RatedBatch, after_rating

    @after_rating
    def erode_thresholds(batch: RatedBatch) -> None:
        ...  # e.g. queue a task: thresholds_erode_task(batch.line_ids)

Rules for a hook:

* it receives one ``RatedBatch`` (read-only: ids, not model instances);
* it runs outside the rating transaction, in the rater's process: keep it short, queue the
  heavy work as a task (``portale.core.tasks``);
* an exception propagates to the caller of ``rate_events`` (the events stay rated); hooks
  after it in the registry do not run for that batch. Make hooks idempotent.

Hooks run in registration order; registering the same function twice is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass

from portale.core.hooks import HookRegistry


@dataclass(frozen=True)
class RatedBatch:
    """One committed rating batch."""

    event_ids: tuple[int, ...]
    line_ids: tuple[int, ...]
    # (threshold kind, lines) whose thresholds' consumption this batch moved (F-7.5)
    thresholds: tuple[tuple[str, tuple[int, ...]], ...] = ()


RATED: HookRegistry[RatedBatch] = HookRegistry("after-rating")

after_rating = RATED.register  # register ``fn`` to run after every committed rating batch
remove_hook = RATED.remove
registered = RATED.registered


def run_after_rating(batch: RatedBatch) -> None:
    """Called by the rating service only, once the batch has committed."""
    RATED.run(batch)
