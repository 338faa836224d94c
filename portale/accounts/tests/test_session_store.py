"""With REDIS_URL the sessions live in the shared cache too ("cached_db"); ending a user's
sessions (G-51) must remove the cached copy, not only the database row."""

import os
from importlib import import_module

import pytest
from django.core.cache import caches
from django.test import override_settings

from portale.accounts.services import user_cease

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REDIS_TEST_URL, reason="REDIS_TEST_URL is not set (CI sets it)"),
]
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_TEST_URL,
        "KEY_PREFIX": f"portale-test-{os.getpid()}",
    }
}


@override_settings(CACHES=REDIS_CACHE, SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_ending_the_sessions_removes_the_cached_copy(employee):
    caches["default"].clear()
    store = import_module("django.contrib.sessions.backends.cached_db").SessionStore
    session = store()
    session["_auth_user_id"] = str(employee.pk)
    session.create()
    key = session.session_key
    assert store(session_key=key).load()["_auth_user_id"] == str(employee.pk)  # from Redis

    user_cease(user=employee)

    assert store(session_key=key).load() == {}
    caches["default"].clear()


def test_settings_use_redis_for_cache_and_sessions_when_redis_url_is_set():
    from portale.core.tests.test_settings import _manage

    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    )
    env = {"REDIS_URL": REDIS_TEST_URL, "DJANGO_SETTINGS_MODULE": "portale.settings.base"}
    result = _manage("shell", "-c", code, env={**env, "PORTALE_DEMO": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
