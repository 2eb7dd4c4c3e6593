# The two commands a new user needs: `make run` (the sandbox demo) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIND ?= 127.0.0.1:8000
# BIND=host:port make run: the demo integration calls its sandboxes where the hub listens, so
# the base URL (and the allowed host) follow BIND unless HUB_BASE_URL is set in the environment.
ifneq ($(origin BIND),file)
export HUB_BASE_URL ?= http://$(BIND)
export HUB_ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(firstword $(subst :, ,$(BIND)))
endif

.PHONY: install install-test run test lint format bench soak clean lock audit

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

.env:
	$(PY) scripts/env_create.py .env

## run: install, migrate, seed the sandbox demo, start web (http://$(BIND)) + worker
run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py hub demo
	$(PY) manage.py hub schedules
	BIND=$(BIND) exec bash scripts/run.sh  # exec: a signal to make reaches run.sh, which stops both

## test: install the test dependencies and run the whole suite
test: install-test
	$(PY) -m pytest

## bench: time the hub's code paths beside baselines (SCALE=full rewrites docs/performance.md)
SCALE ?= small
bench: install .env
	HUB_SANDBOX=1 $(PY) manage.py migrate --noinput --verbosity 0
	HUB_SANDBOX=1 $(PY) manage.py hub bench --scale $(SCALE)

## soak: the long chaos soak (web + worker, faults, worker kills) on a fresh SQLite file in var/
SOAK_MINUTES ?= 15
SOAK_ENV = HUB_SANDBOX=1 DATABASE_URL=sqlite:///$(CURDIR)/var/soak.sqlite3 \
	HUB_BASE_URL=http://127.0.0.1:8799 HUB_ALLOWED_HOSTS=127.0.0.1 HUB_TASK_TIMEOUT=90
soak: install .env
	mkdir -p var && rm -f var/soak.sqlite3 var/soak.sqlite3-wal var/soak.sqlite3-shm
	$(SOAK_ENV) $(PY) manage.py migrate --noinput --verbosity 0
	$(SOAK_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SOAK_ENV) $(PY) manage.py hub soak --minutes $(SOAK_MINUTES) --kills 10 --drain-minutes 15

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/ .pytest_cache .ruff_cache

## lock: pin the production dependencies with hashes (requirements.lock, pip-tools)
lock: install
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

## audit: known vulnerabilities of requirements.lock (OSV; says so when it cannot be reached)
audit:
	$(PYTHON) scripts/deps_audit.py requirements.lock
