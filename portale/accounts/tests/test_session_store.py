"""The portal's session engines (``portale.accounts.sessions``). With REDIS_URL the sessions live in the shared cache too ("cached_db"); ending a user's
sessions (G-51) must remove the cached copy, not only the database row."""

import os
from importlib import import_module

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from portale.accounts.services import user_cease

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_TEST_URL, reason="REDIS_TEST_URL is not set (CI sets it)"
)
REDIS_CACHE = {
    "default": {
        "BACKEND": "portale.core.redis_cache.RedisCache",
        "LOCATION": REDIS_TEST_URL,
        "KEY_PREFIX": f"portale-test-{os.getpid()}",
    }
}


@pytest.mark.django_db
@needs_redis
@override_settings(CACHES=REDIS_CACHE, SESSION_ENGINE="portale.accounts.sessions.cached_db")
def test_ending_the_sessions_removes_the_cached_copy(employee):
    caches["default"].clear()
    store = import_module("portale.accounts.sessions.cached_db").SessionStore
    session = store()
    session["_auth_user_id"] = str(employee.pk)
    session.create()
    key = session.session_key
    assert store(session_key=key).load()["_auth_user_id"] == str(employee.pk)  # from Redis

    user_cease(user=employee)

    assert store(session_key=key).load() == {}
    caches["default"].clear()


@needs_redis
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
        "portale.core.redis_cache.RedisCache",
        "portale.accounts.sessions.cached_db",
    ]


def _logged_in(user) -> Client:
    c = Client()
    c.force_login(user, backend="portale.accounts.backends.SecondFactorBackend")
    assert c.get(reverse("home:index")).status_code == 200
    return c


@pytest.mark.django_db
def test_ceasing_ends_the_user_s_sessions_found_by_the_user_column(employee, roa):
    """Each session row carries its user's id (written with the session), so a ceased
    registration ends that user's sessions with one indexed read, and nobody else's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portale.accounts.models import UserSession

    mine = [_logged_in(employee), _logged_in(employee)]
    other = _logged_in(roa)
    assert sorted(UserSession.objects.values_list("user_id", flat=True)) == sorted(
        [employee.pk, employee.pk, roa.pk]
    )
    anonymous = Client()
    anonymous.get(reverse("accounts:login"))
    with CaptureQueriesContext(connection) as c:
        user_cease(user=employee)
    reads = [q["sql"] for q in c if "accounts_usersession" in q["sql"] and "SELECT" in q["sql"]]
    assert reads and all('"user_id" =' in sql for sql in reads[:1])
    for client in mine:
        assert client.get(reverse("home:index")).status_code == 302  # to the login page
    assert other.get(reverse("home:index")).status_code == 200
    assert not UserSession.objects.filter(user_id=employee.pk).exists()
