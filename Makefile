# Every target builds what it needs from nothing but python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
BENCH_STAMP := $(VENV)/.installed-bench
DOCS_OUT := docs/_build

.PHONY: help demo test lint typecheck pytest docs docs-doctest bench clean

help:
	@echo "make demo    run the quickstart on the embedded SQLite default"
	@echo "make test    lint, type-check, pytest (with doctests) and the docs doctests"
	@echo "make lint    ruff check, ruff format --check, mypy --strict and the import contracts"
	@echo "make docs    build the HTML docs with warnings as errors"
	@echo "make bench   print the benchmark figures, one JSON object per line"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[testing,docs,lint]'
	@touch $(STAMP)

# The peers the benchmarks compare with are installed only for `make bench`.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	@touch $(BENCH_STAMP)

# The demo needs only the run-time dependencies, not the testing, docs or lint extras.
$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $(RUNTIME_STAMP)

demo: $(RUNTIME_STAMP)
	$(BIN)/python examples/quickstart.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples docs
	$(BIN)/ruff format --check src tests benchmarks examples docs
	$(BIN)/mypy --strict src examples/host_store.py
	$(BIN)/lint-imports --no-cache

typecheck: lint

docs-doctest: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b doctest docs $(DOCS_OUT)/doctest

pytest: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: lint docs-doctest pytest

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs $(DOCS_OUT)/html
	@echo "docs built in $(DOCS_OUT)/html/index.html"

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(DOCS_OUT) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
