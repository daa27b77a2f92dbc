# The two commands: `make run` and `make test`. Both create the environment when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test install lint load clean

$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask run

test: install
	bash tests/run.sh

lint: install
	$(BIN)/ruff check .

# Load harness (not part of `make test`): 500 one-time links submitted concurrently to gunicorn,
# on SQLite and then on PostgreSQL (127.0.0.1:5432); fails on any loss, duplicate, 5xx or slow p99.
LOAD_ARGS ?=
load: install
	@status=0; \
	$(BIN)/python benchmarks/load_submit.py --db sqlite $(LOAD_ARGS) || status=1; \
	$(BIN)/python benchmarks/load_submit.py --db postgres $(LOAD_ARGS) || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) instance .pytest_cache
