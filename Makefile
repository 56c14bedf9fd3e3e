# The two commands a newcomer needs: `make demo` and `make test`. Each bootstraps itself.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint bench bootstrap clean image image-test image-repro

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

# The SD-card image (docs/image.md): root, Debian's image tools, and ~30 min for a cold base root (cached
# in .cache/image/ afterwards). image-test builds it the fast way (zstd -3, no .xz), boots it in qemu and
# checks it from inside, then builds it again from the same inputs and compares the sha256.
image:
	@scripts/bootstrap.sh image
	@image/build/image.sh

image-test:
	@scripts/bootstrap.sh image
	@AIRLOCK_SQUASHFS_LEVEL=3 AIRLOCK_IMAGE_XZ=0 image/build/image.sh
	@AIRLOCK_SQUASHFS_LEVEL=3 image/build/repro-test.sh --reuse-first
	@image/build/qemu-test.sh

image-repro:
	@scripts/bootstrap.sh image
	@image/build/repro-test.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis demo-out
