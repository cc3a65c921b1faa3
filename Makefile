# Two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both build .venv from the pinned dependencies on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test test-dates lint typecheck browser bench clean

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

# The browser tests need Debian's chromium and axe-core (npm, pinned in tests/e2e/package-lock.json); the HTTP
# benchmark's smoke test needs Debian's wrk.
browser: tests/e2e/node_modules/.installed
	.ci/install-test-tools.sh

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --silent
	touch $@

test: lint typecheck browser
	$(BIN)/python -m pytest -q

# The whole suite with the process clock (libfaketime) at a Saturday, a Sunday, 24 and 31 December, 1 January,
# 29 February 2028 and two years from now; two days at a time. Not part of `make test`. DATABASE_URL as for it;
# DATES="2031-12-24 ..." other days, TESTS="tests/web ..." some test paths instead of the whole suite.
test-dates: lint typecheck browser
	TESTS="$(TESTS)" tests/run_at_dates.sh $(DATES)

# Every benchmark, one command (not part of `make test`; needs Debian's `wrk`): the rules, the bulk upsert,
# then size $(BENCH_SIZE) generated and the report and HTTP benchmarks run on it. On PostgreSQL:
# make bench BENCH_DATABASE_URL=postgresql+psycopg://user@host/bench_m  (the database is dropped and re-created)
BENCH_SIZE ?= M
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench/data/$(BENCH_SIZE).sqlite
bench: $(VENV)/.test
	$(BIN)/python -m bench.bench_rules
	$(BIN)/python -m bench.bench_bulk $(if $(findstring postgresql,$(BENCH_DATABASE_URL)),--database-url $(BENCH_DATABASE_URL))
	$(BIN)/python -m bench.generate --size $(BENCH_SIZE) --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python -m bench.bench_reports --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python -m bench.bench_http --database-url $(BENCH_DATABASE_URL) --size $(BENCH_SIZE)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
