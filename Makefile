# Two entry points for a fresh clone: `make site` and `make test`. Each creates .venv itself.
VENV ?= .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test lint bench clean

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

site: $(BIN)/.installed  ## check the reference knowledge base and build it into site/
	$(BIN)/pmkb check --strict
	$(BIN)/mkdocs build --strict

serve: $(BIN)/.installed  ## live preview on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dirty --no-strict

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint  ## lint, type-check and run the whole test suite
	$(BIN)/pytest -n 2

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_check.py --count 10000

clean:
	rm -rf $(VENV) site benchmarks/out
