# Chartroom. Two commands set everything up on a fresh machine:
#   make report   build the demo warehouse and run the monthly report on it
#   make test     ruff and the whole pytest suite (notebooks and the browser test included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8866
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: setup report test lint bench bench-small lab app demo clean

# The venv is (re)built when it is missing or older than pyproject.toml.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/kit demo

# The demo's default artist, country and month (reports.yaml); prints the HTML and workbook paths.
report: $(STAMP)
	$(BIN)/kit demo
	$(BIN)/kit report --config reports.yaml

lint: $(STAMP)
	$(BIN)/ruff check kit tests bench
	$(BIN)/ruff format --check kit tests bench

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/kit bench

bench-small: $(STAMP)
	$(BIN)/kit bench --small

# The Explorer; both build the demo warehouse first when there is no warehouse yet.
lab: $(STAMP)
	test -e "$${CHARTROOM_WAREHOUSE:-data/warehouse}" || $(BIN)/kit demo
	$(BIN)/jupyter lab --ip=127.0.0.1 --allow-root notebooks/explore.ipynb

app: $(STAMP)
	test -e "$${CHARTROOM_WAREHOUSE:-data/warehouse}" || $(BIN)/kit demo
	$(BIN)/voila --no-browser --Voila.ip=127.0.0.1 --port=$(PORT) notebooks/explore.ipynb

clean:
	rm -rf $(VENV) data/warehouse data/cache reports
