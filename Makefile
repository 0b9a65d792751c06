# One task runner for people and CI. `make run` and `make test` are the README's two commands.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
RAW ?= ../shared/data/raw

.PHONY: run test setup setup-test lint format snapshot refresh bench load audit clean

setup:
	@bash scripts/setup.sh run

setup-test:
	@bash scripts/setup.sh test

run: setup
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: setup-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2 --dist loadgroup -q

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

snapshot: setup
	$(PY) -m indicators build --raw $(RAW)

refresh: setup
	$(PY) -m indicators refresh

bench: setup-test
	$(PY) -m benchmarks.run

audit: setup
	$(PY) -m pip_audit -r requirements.lock --progress-spinner off

clean:
	rm -rf .pytest_cache .ruff_cache .benchmarks .hypothesis
