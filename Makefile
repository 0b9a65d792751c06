# One task runner for people and CI. `make run` and `make test` are the README's two commands.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
REPLICAS ?= $(shell nproc 2>/dev/null || echo 2)
BIND ?= 0.0.0.0
RAW ?= ../shared/data/raw
FUZZ_EXAMPLES ?= 500
FUZZ_REPORT := .hypothesis/fuzz-report.jsonl

.PHONY: run serve test setup setup-test lint typecheck format snapshot refresh bench load audit fuzz clean

setup:
	@bash scripts/setup.sh run

setup-test:
	@bash scripts/setup.sh test

run: setup
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# REPLICAS Streamlit processes behind nginx on $(BIND):$(PORT), each viewer kept on one replica
# (deploy/serve.py, deploy/nginx.conf.template); Ctrl-C stops nginx and every replica
serve:
	@bash scripts/setup.sh serve
	$(PY) -m deploy.serve cluster --replicas $(REPLICAS) --port $(PORT) --bind $(BIND)

test: setup-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest -n 2 --dist loadgroup -q
	$(PY) scripts/audit.py --timeout 180

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# the type checker configured in pyproject.toml ([tool.mypy]): indicators/ and dashboard/
typecheck: setup-test
	$(PY) -m mypy

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

snapshot: setup
	$(PY) -m indicators build --raw $(RAW)

refresh: setup
	$(PY) -m indicators refresh

# every benchmarks/bench_*.py with a run() function, each in its own process -> benchmarks/RESULTS.md
bench: setup-test
	$(PY) -m benchmarks.run $(BENCH_ARGS)

# load test on localhost: 1, 5, 10 and 20 concurrent browser sessions (a few minutes; prints
# median/p95 time to first chart and to interaction complete, server RSS, errors per level)
load: setup-test
	$(PY) -m benchmarks.bench_load $(LOAD_ARGS)

# pip-audit of requirements.lock; fails only on a known vulnerability, says so when it cannot run
audit: setup
	$(PY) scripts/audit.py --markdown

# the loader property tests with many random examples; prints what happened per mutation
fuzz: setup-test
	@mkdir -p .hypothesis && rm -f $(FUZZ_REPORT)
	WSIS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) WSIS_FUZZ_REPORT=$(FUZZ_REPORT) $(PY) -m pytest tests/test_fuzz_loaders.py tests/test_fuzz_workbooks.py -q -k "not huge and not bug"; \
	status=$$?; PYTHONPATH=. $(PY) tests/test_fuzz_loaders.py $(FUZZ_REPORT); exit $$status

clean:
	rm -rf .pytest_cache .ruff_cache .benchmarks .hypothesis
