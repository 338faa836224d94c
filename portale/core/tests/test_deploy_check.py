"""The README's production variables pass `check --deploy` with no warning (issue 15.11)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"
BLOCK = re.compile(r"<!-- production-env -->\s*```sh\n(.*?)```\s*<!-- /production-env -->", re.S)


def production_env() -> dict[str, str]:
    match = BLOCK.search(README.read_text())
    assert match, "README: the production variables block is missing"
    values = dict(
        line.split("=", 1) for line in match.group(1).splitlines() if line and "=" in line
    )
    values["SECRET_KEY"] = secrets.token_urlsafe(50)  # the README shows a placeholder
    return values


def test_the_readme_production_variables_pass_check_deploy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV")}
    env.update(production_env())
    env.update(
        DJANGO_SETTINGS_MODULE="portale.settings.base",
        STATIC_ROOT=str(tmp_path / "static"),
        HUEY_SQLITE_FILE=str(tmp_path / "huey.sqlite3"),
    )
    assert "BEHIND_TLS_PROXY" in env and "TRUSTED_PROXIES" in env
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
