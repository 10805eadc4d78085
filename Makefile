# Build/test entry points for the dataarts.fabric collection. See hacking/README.md.
# Every target installs what it needs itself (pinned in tests/requirements/*.txt,
# tests/unit/requirements.txt, tests/integration/requirements.txt).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
RESULTS_DIR ?= $(CURDIR)/build/test-results
# Core lines to run (a subset speeds up local work: make sanity CORES=2.19)
CORES ?= 2.19 2.21
export RESULTS_DIR CORES

.PHONY: help test sanity units integration lint summary demo bench clean

help:
	@echo "make test         sanity + units + integration + lint, then one line 'tests: N passed, N failed, N skipped'"
	@echo "make sanity       ansible-test sanity: core 2.19 (controller 3.11-3.13) and 2.21 (3.12-3.13), target Pythons 3.8+"
	@echo "make units        ansible-test units: 2.19 on 3.11, 2.21 on 3.12"
	@echo "make integration  ansible-test integration (all targets, aliases respected): 2.19 on 3.11, 2.21 on 3.12"
	@echo "make lint         ansible-lint (production), changelog + docs lint, galaxy build/install + demo from the tarball, ansible-builder"
	@echo "make summary      print the closing line for what build/test-results holds"
	@echo "make demo         build + install the collection, run examples/demo.yml against the emulator"
	@echo "make bench        the performance benchmark; writes docs/performance.md (BENCH_ARGS=--quick for a smoke run)"
	@echo "make clean        remove build/, .venv/ and tests/output/"
	@echo "Variables: CORES='2.19 2.21'. Single tests: see hacking/README.md"

# Runs every step even when one fails, always prints the summary line last, then fails if needed.
test:
	@rm -rf "$(RESULTS_DIR)"; rc=0; \
	start=$$SECONDS; \
	hacking/run-suite.sh sanity || rc=1; \
	hacking/run-suite.sh units || rc=1; \
	hacking/run-suite.sh integration || rc=1; \
	hacking/lint.sh || rc=1; \
	echo "make test: $$((SECONDS - start)) s"; \
	$(PYTHON) hacking/junit_summary.py "$(RESULTS_DIR)" || rc=1; \
	exit $$rc

sanity units integration:
	@rm -rf "$(RESULTS_DIR)"/$@-*; \
	rc=0; hacking/run-suite.sh $@ || rc=1; \
	$(PYTHON) hacking/junit_summary.py "$(RESULTS_DIR)" $@- || rc=1; \
	exit $$rc

lint:
	@rm -rf "$(RESULTS_DIR)"/lint; \
	rc=0; hacking/lint.sh || rc=1; \
	$(PYTHON) hacking/junit_summary.py "$(RESULTS_DIR)" lint || rc=1; \
	exit $$rc

summary:
	@$(PYTHON) hacking/junit_summary.py "$(RESULTS_DIR)"

demo:
	hacking/demo.sh

# The benchmark of docs/performance.md, in the demo's venv (pinned ansible-core and requests).
bench:
	DEMO_ONLY_VENV=1 hacking/demo.sh
	.venv/demo/bin/python tests/performance/bench.py --output docs/performance.md $(BENCH_ARGS)

clean:
	rm -rf build .venv tests/output .ansible
