# Entry points of the dataarts.fabric collection. See hacking/README.md.
# The sessions are in noxfile.py (and antsibull-nox.toml); nox runs from .venv/nox, made here from
# tests/requirements/nox.txt. Every session installs its own pinned tools (tests/requirements/*.txt).

SHELL := /bin/bash
.DEFAULT_GOAL := help

NOX_VENV := .venv/nox
NOX_PYTHON := $(NOX_VENV)/bin/python
# The real Python 3.12 (pyenv's shims fail unless selected): PYTHON312=/path/to/python3.12 to override.
PYTHON312 ?= $(lastword $(sort $(wildcard $(shell pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.12.*/bin/python3.12) $(wildcard /usr/bin/python3.12)))
# Core lines of the ansible-test sessions (a subset speeds up local work: make sanity CORES=2.16)
CORES ?=
export CORES
# make test runs two jobs at a time (hacking/schedule.py); JOBS=1 runs one at a time, its output as it comes
JOBS ?= 2
export JOBS

.PHONY: help test sanity units integration lint docs summary demo emulator emulator-stop bench clean

help:
	@echo "make test         sanity + units + integration + lint, then one line 'tests: N passed, N failed, N skipped'"
	@echo "make sanity       ansible-test sanity on every ansible-core line 2.16-2.21 (hacking/test_matrix.py)"
	@echo "make units        ansible-test units: all on 2.16, 2.19, 2.21; the core-facing ones on 2.17, 2.18, 2.20"
	@echo "make integration  ansible-test integration on 2.16, 2.19 and 2.21"
	@echo "make lint         ansible-lint, docs-check, extra-checks, mypy, galaxy-importer, release checks, AWX job, docsite"
	@echo "make docs         the HTML docsite (antsibull-docs sphinx-init + its build), in build/docsite/build/html"
	@echo "make demo         venv .venv/demo, the collection built + installed in it, examples/demo.yml against the emulator"
	@echo "make emulator     start the emulator in the background (URL in build/emulator/url); make emulator-stop stops it"
	@echo "make bench        the performance benchmark; writes docs/performance.md (BENCH_ARGS=--quick for a smoke run)"
	@echo "make summary      print the closing line for what build/test-results holds"
	@echo "make clean        remove build/, .venv/, .nox/ and tests/output/"
	@echo "One session: $(NOX_VENV)/bin/nox -s NAME (list: $(NOX_VENV)/bin/nox -l)"

$(NOX_VENV)/.installed: tests/requirements/nox.txt
	@test -n "$(PYTHON312)" || { echo "make: no Python 3.12 found (set PYTHON312=...)" >&2; exit 1; }
	rm -rf $(NOX_VENV)
	$(PYTHON312) -m venv $(NOX_VENV)
	$(NOX_PYTHON) -m pip install --quiet --disable-pip-version-check -r tests/requirements/nox.txt
	touch $@

test: $(NOX_VENV)/.installed
	$(NOX_PYTHON) hacking/run_tests.py sanity units integration lint

sanity units integration lint: $(NOX_VENV)/.installed
	$(NOX_PYTHON) hacking/run_tests.py $@

docs: $(NOX_VENV)/.installed
	$(NOX_PYTHON) -m nox -s docsite

demo: $(NOX_VENV)/.installed
	$(NOX_PYTHON) -m nox -s demo

# One emulator left running for hands-on use (stdlib only, loopback only); EMULATOR_ARGS go to fabric_emulator.py.
EMULATOR_DIR := build/emulator
EMULATOR_ARGS ?=
emulator:
	@test -n "$(PYTHON312)" || { echo "make: no Python 3.12 found (set PYTHON312=...)" >&2; exit 1; }
	@$(PYTHON312) hacking/emulator_background.py start $(EMULATOR_DIR) $(EMULATOR_ARGS)

emulator-stop:
	@test -n "$(PYTHON312)" || { echo "make: no Python 3.12 found (set PYTHON312=...)" >&2; exit 1; }
	@$(PYTHON312) hacking/emulator_background.py stop $(EMULATOR_DIR)

bench: $(NOX_VENV)/.installed
	$(NOX_PYTHON) -m nox -s bench -- $(BENCH_ARGS)

summary: $(NOX_VENV)/.installed
	@$(NOX_PYTHON) hacking/results.py build/test-results

clean:
	@test -z "$(PYTHON312)" || $(PYTHON312) hacking/emulator_background.py stop $(EMULATOR_DIR)
	rm -rf build .venv .nox tests/output .ansible
