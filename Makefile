# dichvucong: `make run` serves the demo, `make test` runs every check and the suite.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= python3
# PostgreSQL used by the second test run (CI has it on 127.0.0.1:5432, trust auth).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/dichvucong
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: help install run serve test lint typecheck migrations-check schema schema-check \
        test-sqlite test-postgres oidc-provider vnpay-client messages bench clean

help:
	@echo "make run    - set up, migrate, load the demo data and serve http://127.0.0.1:$(PORT)"
	@echo "make test   - lint, type-check, schema and migration checks, tests on SQLite and PostgreSQL"
	@echo "make bench  - run the benchmarks under bench/ (needs PostgreSQL)"

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced

# The site's own address follows PORT, so payment links and the sandbox's IPN reach it.
# The demo dossiers' national-sync entries wait for the stand-in, which is this server:
# once it answers, they are sent (docs/national-sync.md); later changes go at once.
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	export DICHVUCONG_SITE_URL="$${DICHVUCONG_SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	( for i in $$(seq 60); do sleep 2; $(PY) -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + '/healthz/', timeout=2)" "$$DICHVUCONG_SITE_URL" 2>/dev/null && break; done; \
	  $(MANAGE) national_sync_retry --all >/dev/null 2>&1 ) & \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy .

migrations-check: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

schema: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --file openapi.yaml --validate --fail-on-warn

schema-check: install
	@DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --file var/openapi.generated.yaml --validate --fail-on-warn
	@diff -u openapi.yaml var/openapi.generated.yaml || (echo "openapi.yaml is out of date: run 'make schema' and commit it." && exit 1)

deploy-check: install
	DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) check --deploy --fail-level WARNING

# The OpenID Connect provider the accounts tests start (panva/oidc-provider under Node).
# Without npm the step says so and those tests skip, unless REQUIRE_OIDC_PROVIDER is set.
OIDC_PROVIDER := tests/oidc_provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund && touch node_modules/.installed; \
	else \
		echo "npm is missing: the OpenID Connect tests will be skipped."; \
	fi

oidc-provider: $(OIDC_PROVIDER)/node_modules/.installed

# An independent client of the VNPay protocol (the vnpay package) that the sandbox
# gateway's tests run. Without npm the step says so and those tests skip, unless
# REQUIRE_VNPAY_CLIENT is set.
VNPAY_CLIENT := tests/vnpay_client
$(VNPAY_CLIENT)/node_modules/.installed: $(VNPAY_CLIENT)/package.json $(VNPAY_CLIENT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(VNPAY_CLIENT) && npm ci --no-audit --no-fund && touch node_modules/.installed; \
	else \
		echo "npm is missing: the vnpay client tests will be skipped."; \
	fi

vnpay-client: $(VNPAY_CLIENT)/node_modules/.installed

test-sqlite: install oidc-provider vnpay-client
	env -u DATABASE_URL $(VENV)/bin/pytest

test-postgres: install oidc-provider vnpay-client
	@if $(PY) scripts/db_reachable.py "$(TEST_POSTGRES_URL)"; then \
		DATABASE_URL="$(TEST_POSTGRES_URL)" $(VENV)/bin/pytest; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL) and REQUIRE_POSTGRES is set."; exit 1; \
	else \
		echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL): skipping the PostgreSQL run."; \
	fi

test: lint typecheck migrations-check schema-check deploy-check test-sqlite test-postgres

# Vietnamese is the source language; English lives in dichvucong/locale/en/.
messages: install
	cd dichvucong && ../$(PY) ../manage.py makemessages -l en --no-obsolete --ignore "*/tests/*"
	cd dichvucong && ../$(PY) ../manage.py compilemessages -l en -l vi

bench: install
	@command -v wrk >/dev/null || (echo 'make bench needs wrk: apt-get install wrk' && exit 1)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(TOOLS) var
