# Yantai joint enterprise-inspection platform.
#   make run    serve the platform with demo data on http://$(HOST):$(PORT)/ (plus a Celery worker and beat)
#   make test   lint, migration check and the whole test suite (browser tests included)
# DATABASE_URL / REDIS_URL from the environment are respected; unset, the platform runs on SQLite
# with kombu's file-system broker under var/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

HOST ?= 127.0.0.1
PORT ?= 8000
VENV ?= .venv
PYTHON := $(VENV)/bin/python
# Unset, DJANGO_ENV means production (yantai_inspect/settings.py): these targets are the development set-up.
DEV_ENV := DJANGO_ENV=$${DJANGO_ENV:-local}
MANAGE := $(DEV_ENV) $(PYTHON) manage.py
# var/ is the settings default; set VAR_DIR in the environment (or make VAR_DIR=...) to move it.
VAR_DIR ?= var
CREDENTIALS := $(VAR_DIR)/demo-credentials.json
# The address printed in QR codes, PDFs and the apps' links: this server's, unless SITE_URL is given
# (listening on every interface, the machine's first address: the one a phone on the network can open).
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),$(firstword $(shell hostname -I 2>/dev/null) 127.0.0.1),$(HOST)):$(PORT)
PYTEST_ARGS ?=
# make test runs pytest in one process per core (pytest-xdist; worksteal hands the long tests at the end to the
# idle process). Coverage is measured on the embedded-default pass (no DATABASE_URL): it costs about 70% more
# CPU, and the PostgreSQL pass runs the same code. COVERAGE=1 measures it on any pass.
PYTEST_WORKERS ?= auto
COVERAGE ?= $(if $(DATABASE_URL),,1)
COVERAGE_ARGS := $(if $(COVERAGE),--cov --cov-report=term:skip-covered)

.PHONY: help venv system-deps services compilemessages lint check-migrations test run bench messages clean distclean

help:
	@echo "make run        serve the platform with demo data on http://$(HOST):$(PORT)/ (HOST/PORT overridable)"
	@echo "make test       ruff, migration check, pytest on every core (browser tests included; coverage without DATABASE_URL)"
	@echo "make lint       ruff check ."
	@echo "make bench      run bench/*.py"
	@echo "make messages   update and compile the zh_Hans and en translations"
	@echo "make clean      remove caches and generated files (make distclean: also .venv, var/, db.sqlite3)"

venv: $(VENV)/.installed

# Reinstalls only when a requirements file changed since the last install.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PYTHON) || { echo "venv: creating $(VENV)"; python3 -m venv $(VENV); }
	@echo "venv: installing requirements-dev.txt (a fresh venv: about 70 packages, 460 MB installed)"
	@# scripts/pip-progress.sh says what pip is doing, a line per package; pip's status still counts (pipefail)
	@$(PYTHON) -m pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt 2>&1 \
		| bash scripts/pip-progress.sh
	@touch $@

system-deps:
	@bash scripts/install-system-deps.sh

# Local PostgreSQL/Redis are started only when the environment points at them.
services:
	@if [[ -n "$${DATABASE_URL:-}$${REDIS_URL:-}" ]]; then bash scripts/ensure-services.sh; fi

# Only when there is a catalogue to compile (Django refuses to run without a locale directory), and only
# when a .po file is newer than its .mo (a Django start-up saved on every repeated run).
compilemessages: venv
	@if ! command -v msgfmt >/dev/null 2>&1; then echo "compilemessages: msgfmt not found, skipped"; \
	elif [[ -z "$$(find . -path ./$(VENV) -prune -o -name '*.po' -print -quit)" ]]; then \
		echo "compilemessages: no .po files, skipped"; \
	elif stale=0; while IFS= read -r po; do [[ "$$po" -nt "$${po%.po}.mo" ]] && stale=1; done \
		< <(find . -path ./$(VENV) -prune -o -name '*.po' -print); [[ $$stale -eq 0 ]]; then :; \
	else $(MANAGE) compilemessages --ignore='$(VENV)' --verbosity 0; fi

lint: venv
	$(VENV)/bin/ruff check .

check-migrations: venv
	$(MANAGE) makemigrations --check --dry-run

# Lint, migration check and pytest all run, so one report shows every failure; any failure fails.
test: venv system-deps services compilemessages
	@status=0; \
	echo "== ruff check ."; $(VENV)/bin/ruff check --output-format=concise . || status=1; \
	echo "== makemigrations --check"; $(MANAGE) makemigrations --check --dry-run || status=1; \
	echo "== pytest"; $(PYTHON) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(COVERAGE_ARGS) -q -p no:cacheprovider $(PYTEST_ARGS) \
		|| status=1; \
	exit $$status

# A repeated run starts in seconds: migrate and seed_demo run only when a migration, the seed or the
# catalogue changed since the last run on this database, or the demo was seeded on another day (its plans
# are dated from today). No collectstatic: outside production WhiteNoise serves static files from the apps.
DB_KEY := $(shell printf '%s' "$${DATABASE_URL:-sqlite}" | md5sum | cut -c1-12)
DB_STAMP := $(VAR_DIR)/seeded-$(DB_KEY)
SEED_INPUTS := $(wildcard */migrations/*.py) portals/management/commands/seed_demo.py catalogue/data

run: venv system-deps services compilemessages
	@mkdir -p $(VAR_DIR)/celery-broker/queue $(VAR_DIR)/celery-broker/processed
	@if [[ -f $(DB_STAMP) && -f $(CREDENTIALS) && ( -n "$${DATABASE_URL:-}" || -f db.sqlite3 ) \
		&& $$(date -r $(DB_STAMP) +%F) == $$(date +%F) \
		&& -z "$$(find $(SEED_INPUTS) -newer $(DB_STAMP) -print -quit)" ]]; then \
		echo "database: migrated and seeded today, nothing changed since (rm $(DB_STAMP) to redo)"; \
	else \
		echo "$(MANAGE) migrate --noinput" && $(MANAGE) migrate --noinput \
		&& echo "$(MANAGE) seed_demo --credentials $(CREDENTIALS)" && $(MANAGE) seed_demo --credentials $(CREDENTIALS) \
		&& touch $(DB_STAMP); \
	fi
	@$(DEV_ENV) HOST=$(HOST) PORT=$(PORT) SITE_URL=$(SITE_URL) PYTHON=$(PYTHON) CREDENTIALS=$(CREDENTIALS) bash scripts/run.sh

bench: venv
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [[ $${#scripts[@]} -eq 0 ]]; then echo "bench: no bench/*.py"; exit 0; fi; \
	for f in "$${scripts[@]}"; do echo "== $$f"; PYTHONPATH=. DJANGO_SETTINGS_MODULE=yantai_inspect.settings $(DEV_ENV) $(PYTHON) "$$f"; done

messages: venv
	@mkdir -p locale
	$(MANAGE) makemessages -l zh_Hans -l en --no-location --no-obsolete --ignore='$(VENV)' --ignore=var \
		--ignore=staticfiles --ignore=htmlcov --ignore=node_modules
	$(MANAGE) compilemessages --ignore='$(VENV)'

clean:
	rm -rf staticfiles htmlcov .coverage .coverage.* .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(VAR_DIR) db.sqlite3 db.sqlite3-wal db.sqlite3-shm
