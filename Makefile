# Lantern's two everyday commands:
#   make demo   install, migrate, seed a synthetic population if empty, serve on localhost
#   make test   install and run the whole test suite (unit, integration and browser)
# Both need only Python 3.11 on the machine: PostgreSQL is embedded (pgserver).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench-caseload install

# Two stamps: .runtime-installed for what the app needs to run (the demo), .installed for
# that and the dev extras (tests, linters, benchmarks). Installing the dev extras also
# stamps the runtime, so `make demo` after `make test` installs nothing, while `make test`
# after `make demo` still installs the test toolchain.
$(VENV)/.runtime-installed: pyproject.toml
	@echo "Installing what Lantern needs to run into $(VENV) (a minute or two the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -e .
	touch $@

$(VENV)/.installed: pyproject.toml
	@echo "Installing Lantern and its test and lint tools into $(VENV) (a few minutes the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -e ".[dev]"
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.installed

demo: $(VENV)/.runtime-installed
	$(BIN)/python manage.py demo --addrport $(HOST):$(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

bench-caseload: $(VENV)/.installed
	$(BIN)/python bench/caseload.py

# Every speed benchmark at 1,000,000 people against one database seeded once (.lantern/bench-all):
# each figure beside its floor and target, then one JSON line holding them all.
# ARGS="--only risk_recompute,load" for some of them.
.PHONY: bench
bench: $(VENV)/.installed
	$(BIN)/python bench/all.py $(ARGS)

# Import 100,000 and 1,000,000 people from CSV into a separate database; ends with a JSON line.
.PHONY: bench-import
bench-import: $(VENV)/.installed
	$(BIN)/python bench/import.py

# The nightly risk recompute at 1,000,000 people against the per-person loop; ends with a JSON line.
.PHONY: bench-risk
bench-risk: $(VENV)/.installed
	$(BIN)/python bench/risk_recompute.py

# The commissioner CSV extract of 100,000 and 1,000,000 people through the real view,
# against the csv.writer pattern; ends with a JSON line.
.PHONY: bench-export
bench-export: $(VENV)/.installed
	$(BIN)/python bench/export.py

# A month's NDTMS submission of 1,000,000 people prepared and validated, beside a server-side
# COPY of the same rows, and the data quality page; against the database `make bench` seeds
# (ARGS="--data-dir DIR" for another); ends with a JSON line.
.PHONY: bench-ndtms
bench-ndtms: $(VENV)/.installed
	$(BIN)/python bench/ndtms.py $(ARGS)

# The governance dashboard and review list with 10,000 reviews; ends with a JSON line.
.PHONY: bench-reviews
bench-reviews: $(VENV)/.installed
	$(BIN)/python bench/review_dashboard.py

# The commissioner figures over 1,000,000 people against a per-person loop; ends with a JSON line.
# Pass ARGS=--skip-seed to reuse the last run's data.
.PHONY: bench-figures
bench-figures: $(VENV)/.installed
	$(BIN)/python bench/figures.py $(ARGS)

# The data quality view for every team over 12 months of 1,000,000 people, against the
# per-person TOP rule; ends with a JSON line. ARGS=--skip-seed reuses the last run's data.
.PHONY: bench-data-quality
bench-data-quality: $(VENV)/.installed
	$(BIN)/python bench/data_quality.py $(ARGS)

# The backtest of the active rule set and the newest draft over 12 monthly dates on the
# 1,000,000-person validation population (deaths and overdoses drawn from the evidence);
# ends with a JSON line. ARGS="--versions 1 2 3" for others.
.PHONY: bench-backtest
bench-backtest: $(VENV)/.installed
	$(BIN)/python bench/backtest.py $(ARGS)

# Rewrite the README's pictures (docs/screenshots/) from the demo data, through the browser test
# that checks those pages; an ordinary `make test` checks the same pages and writes nothing there.
.PHONY: screenshots
screenshots: $(VENV)/.installed
	LANTERN_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_demo_tour.py -q

# Twenty signed-in keyworkers and team leads against gunicorn over 1,000,000 people, pausing a
# second between pages (ARGS="--think-ms 0" for a stress run); ends with a JSON line and fails
# if the 95th percentile reaches 500 ms or any request fails.
# Pass ARGS=--skip-seed to reuse the last run's data (ARGS="--skip-seed --seconds 120" etc.).
.PHONY: bench-load
bench-load: $(VENV)/.installed
	$(BIN)/python bench/load.py $(ARGS)
