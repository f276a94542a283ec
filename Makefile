# Chartroom. Two commands set everything up on a fresh machine:
#   make report   build the demo warehouse and run the monthly report on it
#   make test     ruff and the whole pytest suite (notebooks and the browser test included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
BENCH_ARGS ?=
export JUPYTER_PLATFORM_DIRS := 1

# Each command installs what it needs: the runtime dependencies for report, lab, app and
# demo; the test and spark extras besides for test, lint and bench. A stamp per set, each
# rebuilt when it is missing or older than pyproject.toml.
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: setup report test lint bench bench-small lab app demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

# The extras include the runtime dependencies, so the runtime stamp is fresh too.
$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(RUNTIME) $(DEV)

setup: $(DEV)

demo: $(RUNTIME)
	$(BIN)/kit demo

# The demo's default artist, country and month (reports.yaml); prints the HTML and workbook paths.
report: $(RUNTIME)
	$(BIN)/kit demo
	$(BIN)/kit report --config reports.yaml

lint: $(DEV)
	$(BIN)/ruff check kit tests bench
	$(BIN)/ruff format --check kit tests bench

test: lint
	$(BIN)/python -m pytest

# The benchmarks live in bench/, outside the package; BENCH_ARGS adds options, such as
# BENCH_ARGS="--work DIR --out PATH".
bench: $(DEV)
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-small: $(DEV)
	$(BIN)/python -m bench --small $(BENCH_ARGS)

# The Explorer; both build the demo warehouse first when there is no warehouse yet.
lab: $(RUNTIME)
	test -e "$${CHARTROOM_WAREHOUSE:-data/warehouse}" || $(BIN)/kit demo
	$(BIN)/jupyter lab --ip=127.0.0.1 --allow-root notebooks/explore.ipynb

app: $(RUNTIME)
	test -e "$${CHARTROOM_WAREHOUSE:-data/warehouse}" || $(BIN)/kit demo
	$(BIN)/voila --no-browser --Voila.ip=127.0.0.1 --port=$(PORT) notebooks/explore.ipynb

clean:
	rm -rf $(VENV) data/warehouse data/cache reports
