# Two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both build .venv from the pinned dependencies on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test lint typecheck browser bench clean

$(VENV)/.runtime: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.test: $(VENV)/.runtime
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python -m api.serve

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.test
	$(BIN)/mypy --strict domain/rules domain/errors.py

# The browser tests need Debian's chromium and axe-core (npm, pinned in tests/e2e/package-lock.json).
browser: tests/e2e/node_modules/.installed
	.ci/install-browser.sh

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --silent
	touch $@

test: lint typecheck browser
	$(BIN)/python -m pytest -q

bench: $(VENV)/.test
	$(BIN)/python -m bench.bench_rules

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
