# The two commands a new user needs: `make run` (the sandbox demo) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIND ?= 127.0.0.1:8000

.PHONY: install install-test run test lint format bench soak clean

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
	BIND=$(BIND) bash scripts/run.sh

## test: install the test dependencies and run the whole suite
test: install-test
	$(PY) -m pytest

## bench: time the hub's code paths beside baselines (SCALE=full rewrites docs/performance.md)
SCALE ?= small
bench: install .env
	HUB_SANDBOX=1 $(PY) manage.py migrate --noinput --verbosity 0
	HUB_SANDBOX=1 $(PY) manage.py hub bench --scale $(SCALE)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/ .pytest_cache .ruff_cache
