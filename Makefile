# The two commands a newcomer needs: `make demo` and `make test`. Each bootstraps itself.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint bench bootstrap clean

bootstrap:
	@scripts/bootstrap.sh dev

demo:  # only what the demo runs (anvil and solc for its Ethereum leg): no test tools (make test adds them)
	@scripts/bootstrap.sh demo
	@$(PY) -m app.demo

test: bootstrap
	@$(PY) -m ruff check .
	@$(PY) -m mypy
	@$(PY) -m pytest

lint: bootstrap
	@$(PY) -m ruff check .
	@$(PY) -m mypy
	@$(PY) -m ruff format --check . || true

bench: bootstrap
	@$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis demo-out
