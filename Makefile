# ntm-analysis — every entry point of the project. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
NTM := $(VENV)/bin/ntm
STAMP := $(VENV)/.installed
KERNEL := ntm-analysis
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.DEFAULT_GOAL := help
.PHONY: help setup sample clean-data report test lint format lab bench clean

help: ## List the targets with what they do
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-11s %s\n", $$1, $$2}'

LOCK := requirements.lock
UV_VERSION := 0.13.9

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) tools/lock.py --check
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (ntm-analysis)" >/dev/null
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv, install the package with its tools, register the Jupyter kernel

.PHONY: lock
lock: ## Re-pin every dependency into requirements.lock (after editing pyproject.toml)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet 'uv==$(UV_VERSION)'
	$(PY) tools/lock.py

sample: setup ## Write the synthetic sample (Đầm Hà, made-up figures) into data/raw/sample/
	$(NTM) sample

clean-data: sample ## Clean data/raw/ into data/processed/ (exit 1 = done, with findings)
	@$(NTM) clean; rc=$$?; if [ $$rc -gt 1 ]; then exit $$rc; fi

report: clean-data ## Set up, write the sample, clean it and render the review into outputs/
	@$(NTM) render --jobs $(JOBS); rc=$$?; if [ $$rc -gt 1 ]; then exit $$rc; fi
	@echo ""; echo "Mở báo cáo (open the review): $(CURDIR)/outputs/index.html"

test: setup ## Run the test suite (executes the notebooks and a headless browser check)
	$(PY) -m pytest

lint: setup ## Check style with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lab: setup ## Start JupyterLab on notebooks/ with the project's kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

bench: setup ## Run the benchmarks and print ratios against their baselines
	$(PY) -m benchmarks

clean: ## Remove generated data and outputs (never touches files you put in data/raw/)
	rm -rf data/raw/sample data/processed/* outputs/* test-artifacts
	@touch data/processed/.gitkeep outputs/.gitkeep
