# Two commands on a fresh machine: `make run` (install, ingest the sample, start the app)
# and `make test` (install everything the tests need, lint, run the tests).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STORE ?= data/store
SAMPLES := data/samples
# Bundled datasets, ingested with the sample: files, not data/datasets itself (the folder
# also holds their licences, which would be read as digests).
DATASETS := data/datasets/ucdp_ged_ukraine.csv.gz
AS_OF := 2024-11-15
PORT ?= 8501

.PHONY: install system-deps sample run test lint format bench clean screenshots

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# Debian packages the browser tests need, only when missing.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The sample store is stale when the sample, the bundled datasets, the taxonomy, the claimants,
# the schema or the extractors changed.
$(STORE)/manifest.json: $(wildcard $(SAMPLES)/*) $(DATASETS) data/taxonomy.toml data/claimants.toml dashboard/schema.py $(wildcard dashboard/extractors/*.py) \
		$(wildcard dashboard/extractors/casualties/*.py) $(wildcard dashboard/readers/*.py) $(wildcard dashboard/data/*) | install
	rm -rf $(STORE)
	$(PY) -m dashboard ingest $(SAMPLES) $(DATASETS) --as-of $(AS_OF) --store $(STORE) --quiet

sample: $(STORE)/manifest.json

# Listens on this machine only; `make run ADDRESS=0.0.0.0` exposes it (README, "Running it safely").
run: install sample
	DASHBOARD_STORE=$(STORE) $(VENV)/bin/streamlit run dashboard/app/main.py \
		--server.address $(or $(ADDRESS),localhost) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install system-deps lint
	$(VENV)/bin/pytest -q

# Refresh the README's screenshots from the browser test.
screenshots: install system-deps
	UPDATE_SCREENSHOTS=1 $(VENV)/bin/pytest -q tests/test_browser.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	$(PY) benchmarks/extraction_speed.py

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache .ruff_cache
