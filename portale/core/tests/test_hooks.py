"""HookRegistry: ordered, idempotent registration; on commit, a failing hook is logged and
the others still run; directly, an exception stops the run."""

from __future__ import annotations

import pytest

from portale.core.hooks import HookRegistry


def test_hooks_run_in_order_once_each():
    seen = []
    registry = HookRegistry("test")
    first, second = (lambda e: seen.append(("a", e))), (lambda e: seen.append(("b", e)))
    registry.register(first)
    registry.register(second)
    registry.register(first)  # a no-op
    registry.run(1)
    assert seen == [("a", 1), ("b", 1)]
    registry.remove(first)
    assert registry.registered() == (second,)


@pytest.mark.django_db
def test_on_commit_a_failing_hook_is_logged_and_the_others_run(
    django_capture_on_commit_callbacks, caplog
):
    seen = []
    registry = HookRegistry("test")

    def broken(event):
        raise RuntimeError("down")

    registry.register(broken)
    registry.register(seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        registry.run_on_commit("event")
        assert seen == []  # not before the commit
    assert seen == ["event"]
    assert "test hook" in caplog.text and "down" in caplog.text


def test_run_stops_at_a_failing_hook():
    seen = []
    registry = HookRegistry("test")
    registry.register(lambda e: 1 / 0)
    registry.register(seen.append)
    with pytest.raises(ZeroDivisionError):
        registry.run("event")
    assert seen == []
