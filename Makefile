# Hearth: `make demo` and `make test` are the whole set-up (README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := sqlite:///var/demo.sqlite3
PG_URL ?= postgres://postgres@127.0.0.1:5432/hearth
# Each checkout gets its own PostgreSQL test database name, so two runs never collide.
PG_TEST_NAME ?= hearth_$(shell pwd | md5sum | cut -c1-8)
PYTEST_WORKERS ?= 2

.PHONY: demo test lint typecheck test-sqlite test-postgres bench bench-smoke system-packages venv clean serve

$(BIN)/.installed: requirements/base.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

venv: $(BIN)/.installed

# Debian packages for PDFs and browser tests: installed when missing and running as root.
system-packages:
	@missing=$$(sed 's/#.*//' requirements/apt-packages.txt | xargs -n1 | while read p; do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q "install ok installed" || echo "$$p"; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then echo "Installing Debian packages: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages (run as root, or: sudo apt-get install $$missing)"; exit 1; fi; \
	fi

demo: venv
	@mkdir -p var
	HEARTH_DEMO=1 DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py migrate --noinput
	HEARTH_DEMO=1 DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py seed_demo --if-empty
	HEARTH_DEMO=1 DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py demo_logins
	@echo "Hearth is at http://127.0.0.1:8000 (Ctrl-C stops the web server and the task worker)."
	@trap 'kill 0' INT TERM EXIT; \
	HEARTH_DEMO=1 DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py db_worker & \
	HEARTH_DEMO=1 DATABASE_URL=$(DEMO_DB) $(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy apps hearth bench

test-sqlite: venv system-packages
	DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-postgres: venv system-packages
	@if [ "$$HEARTH_SKIP_POSTGRES" = "1" ]; then echo "HEARTH_SKIP_POSTGRES=1: skipping the PostgreSQL run."; exit 0; fi; \
	$(BIN)/python -c "import psycopg; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=5).close()" 2>/dev/null || { \
	  echo "PostgreSQL is not answering on 127.0.0.1:5432."; \
	  echo "Start it with: pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start"; \
	  echo "(or set HEARTH_SKIP_POSTGRES=1 to run on SQLite only)."; exit 1; }; \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(PG_TEST_NAME) $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test: venv system-packages lint typecheck test-sqlite test-postgres

bench: venv
	$(BIN)/python -m bench

bench-smoke: venv
	$(BIN)/python -m bench --smoke

clean:
	rm -rf var/test.sqlite3* var/static .mypy_cache .ruff_cache
