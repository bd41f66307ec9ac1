# North Star: `make run` for the site on embedded defaults, `make test` for the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test bench lint format clean

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

## Run the site, a Celery worker and Celery beat on the embedded defaults (Ctrl-C stops all
## three). supervisord (site/supervisord.conf) starts any of them again if it crashes.
run: export DEBUG ?= true
run: export CELERY_POLLING_INTERVAL ?= 0.05
run: export SITE_URL ?= http://localhost:$(PORT)
run: export NORTHSTAR_VAR_DIR ?= $(CURDIR)/var
run: $(VENV)/.installed
	mkdir -p "$$NORTHSTAR_VAR_DIR" media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	@echo "Open http://localhost:$(PORT)/ (staff: http://localhost:$(PORT)/admin/)"
	PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/supervisord -c site/supervisord.conf

## Lint, then the whole suite on PostgreSQL, Redis and a real Celery worker.
test: $(VENV)/.installed-dev
	bash tests/run_suite.sh

## Benchmarks under tests/bench/, written to docs/benchmarks.md.
bench: $(VENV)/.installed-dev
	bash tests/run_suite.sh --bench

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var static_root
