# Two commands for a newcomer: `make run` and `make test`. Both bootstrap .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/videobot run

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/provider_requests.py
	$(BIN)/python bench/http_transport.py
	$(BIN)/python bench/start.py
	$(BIN)/python bench/dead_provider.py
	$(BIN)/python bench/load.py 200 10 35
	$(BIN)/python bench/load.py 200 50 35
	$(BIN)/python bench/load.py 200 60 5 2000
	$(BIN)/python bench/load.py 200 60 5 2000 --limits
	$(BIN)/python bench/instances.py 100 10

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
