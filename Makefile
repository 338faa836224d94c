# Two commands do all the set-up on a fresh clone: `make demo` and `make test` (README).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install demo test lint format smoke-sqlite chromium bench clean

install: .venv/.installed node_modules/.installed var/build/bootstrap-italia/.built

.venv/.installed: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --python python3
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The portal's Bootstrap Italia (only the components it uses), built from the package's sources.
var/build/bootstrap-italia/.built: node_modules/.installed $(wildcard assets/*)
	npm run --silent build
	@touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: install
	HOST=$(HOST) PORT=$(PORT) ./bin/demo

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

test: install chromium
	.venv/bin/ruff check .
	DJANGO_SETTINGS_MODULE=portale.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# A short pass on SQLite, as the demo runs: migrate a fresh file, load the demo data, smoke tests.
smoke-sqlite: install
	rm -f var/ci-smoke.sqlite3
	DATABASE_URL=sqlite:///var/ci-smoke.sqlite3 PORTALE_DEMO=1 $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:///var/ci-smoke.sqlite3 PORTALE_DEMO=1 $(PY) manage.py demo_setup
	SMOKE_DATABASE=1 DATABASE_URL=sqlite:///var/ci-smoke.sqlite3 $(PY) -m pytest tests/smoke

bench: install
	$(PY) -m bench $(BENCH)

clean:
	rm -rf .venv node_modules var staticfiles
