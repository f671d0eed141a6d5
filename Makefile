# formgen: `make demo` and `make test` do all set-up themselves on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.formgen-installed

.PHONY: setup system demo test lint bench templates clean

setup: system $(STAMP)

system:
	@PYTHON=$(PYTHON) scripts/setup-system.sh

$(STAMP): pyproject.toml setup.py formgen/pdf/_eexec.c
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "formgen needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(BIN)/formgen demo --out outputs

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The portal's tests run on SQLite and on a real PostgreSQL: set up and started here when
# FORMGEN_TEST_DATABASE_URL is not given (scripts/setup-postgres.sh).
test: lint
	@if [ -z "$$FORMGEN_TEST_DATABASE_URL" ]; then eval "$$(scripts/setup-postgres.sh)"; fi; $(BIN)/pytest

bench: setup
	$(BIN)/python bench/bench_fill.py
	$(BIN)/python bench/bench_convert.py
	$(BIN)/python bench/bench_batch.py --packet sichuan-2023-110.enterprise --n 200 --rounds 3
	$(BIN)/python bench/bench_batch.py --packet sichuan-2023-110.provider --n 200 --rounds 3
	$(BIN)/python bench/bench_collect.py
	$(BIN)/python bench/bench_reset.py
	$(BIN)/python bench/bench_portal.py
	$(BIN)/python bench/bench_batch_write.py
	$(BIN)/python bench/bench_uploads.py
	$(BIN)/python bench/bench_notice_import.py

templates: setup
	$(BIN)/python -m formgen.workflows.templates
	$(BIN)/python -m formgen.workflows.rulebook > docs/rules.md

clean:
	rm -rf $(VENV) outputs/* .pytest_cache .mypy_cache .ruff_cache
