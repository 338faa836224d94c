"""Production settings come from the environment; with production values the deploy check is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "portale.settings.base",
    "SECRET_KEY": "k" * 20 + "production-secret-from-the-environment-0123456789",
    "DEBUG": "0",
    "PORTALE_DEMO": "0",
    "ALLOWED_HOSTS": "portale.example.it",
    "SECURE_SSL_REDIRECT": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def _manage(*args, env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    # Nor the database tuning a developer may have exported: these tests check the defaults.
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE", "DB_PREPARED_STATEMENTS"}
    dropped |= {"DB_PREPARE_THRESHOLD"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def _db_options(**env) -> dict:
    return _db_setting("OPTIONS", **env)


def _db_setting(key: str, **env):
    code = f"from django.conf import settings as s; print(repr(s.DATABASES['default'][{key!r}]))"
    env = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/nothing_to_connect_to",
        **env,
    }
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr of a dict


def test_postgresql_prepares_repeated_statements_unless_turned_off():
    """Issue 17: parameters bound by the server and repeated statements prepared; off for a
    pooler that cannot keep them (PgBouncer in transaction mode)."""
    assert _db_options() == {"server_side_binding": True, "prepare_threshold": 2}
    assert _db_options(DB_PREPARE_THRESHOLD="5")["prepare_threshold"] == 5
    assert "server_side_binding" not in _db_options(DB_PREPARED_STATEMENTS="0")


def test_server_side_binding_uses_the_engine_that_takes_long_statements():
    """Bound on the server, a statement carries at most 65,535 values: the portal's engine
    binds a longer one on the client (test_postgresql_engine.py)."""
    assert _db_setting("ENGINE") == "portale.core.postgresql"
    assert _db_setting("ENGINE", DB_PREPARED_STATEMENTS="0") == "django.db.backends.postgresql"


def test_a_repeated_query_is_prepared_on_the_connection(server_binding):
    """On PostgreSQL (CI) the test settings keep the production option: the second run of a
    statement prepares it, so the server no longer plans it on each request."""
    from django.db import connection

    from portale.records.models import Contract

    for _ in range(3):
        list(Contract.objects.filter(code="no-such-contract-for-prepare"))
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cur.fetchall()]
    assert any("no-such-contract" not in s and '"records_contract"' in s for s in prepared)
