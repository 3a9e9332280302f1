# The two quick-start commands are `make run` and `make test`; `make check` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= sqlite:///var/demo.sqlite3
# Who you are in the demo: an email, the name before its @, or a role (make run AS=lead).
# (make itself defines AS, the assembler: replace that default, not one given by you.)
ifeq ($(origin AS),default)
AS := mentee
endif
AS ?= mentee

.PHONY: run chat demo test lint format check bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# `run` loads (or refreshes) the demo, lists its people, then chats as $(AS); `chat` only chats.
run: $(VENV)/.installed
	@mkdir -p var
	@$(BIN)/mentorbot scheme load --demo --db $(DEMO_DB)
	@echo
	@$(BIN)/mentorbot chat --user $(AS) --db $(DEMO_DB)

chat: $(VENV)/.installed
	@test -f var/demo.sqlite3 || [ "$(DEMO_DB)" != "sqlite:///var/demo.sqlite3" ] || { echo "make: no demo yet: run make run first" >&2; exit 2; }
	@$(BIN)/mentorbot chat --user $(AS) --db $(DEMO_DB)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: lint test

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_dates.py
	$(BIN)/python bench/nudge_sweep.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/cold_start.py
	$(BIN)/python bench/sealing.py

# A narrated month of the demo scheme in about a minute, on a throw-away database; the health
# charts are kept in var/demo-files/. MENTORBOT_DEMO_PAUSE=0 make demo: no pauses.
demo: $(VENV)/.installed
	@$(BIN)/mentorbot demo

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
