# Two targets do all set-up on a fresh machine with only python3 and make:
#   make demo   create .venv, install, start the workbench on the demo engine
#   make test   create .venv, install with the dev extras, run the whole test suite
#   make lint   ruff (src, tests, bench), mypy (src) and the import contracts (lint-imports)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test processes: two, as the machines CI runs on have two cores (`make test TEST_JOBS=4`).
TEST_JOBS ?= 2

.PHONY: demo test lint install bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/basketbench

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_JOBS)

# Settings in pyproject.toml. Never `ruff format`: the code keeps its own wrapping.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) src/*.egg-info .pytest_cache .hypothesis .mypy_cache .ruff_cache \
		.import_linter_cache
