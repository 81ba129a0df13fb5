# `make help` lists every target; `make test` and `make book` run `make install` first.
SHELL := /bin/bash

# The active Python environment (a venv or conda env), else a local .venv.
ifneq ($(strip $(VIRTUAL_ENV)$(CONDA_PREFIX)),)
PYTHON ?= python
else
PYTHON ?= $(CURDIR)/.venv/bin/python
endif
BIN := $(dir $(shell command -v $(PYTHON) 2>/dev/null || echo $(PYTHON)))

# Data root: $SIGCNN_DATA if set, else ../shared/data when this checkout has it (read-only use).
SHARED_DATA := $(abspath $(CURDIR)/../shared/data)
ifeq ($(strip $(SIGCNN_DATA)),)
ifneq ($(wildcard $(SHARED_DATA)/README.md),)
export SIGCNN_DATA := $(SHARED_DATA)
endif
endif
export SIGCNN_RESULTS ?= $(CURDIR)/_build/results
export SIGCNN_SCALE ?= ci
# The library's CPU setting (see sigcnn/__init__.py), also for notebooks that import torch first.
export OMP_WAIT_POLICY ?= PASSIVE
# Extra pytest arguments: CI passes PYTEST_ARGS='-m "not notebook"' because its book build
# executes every notebook (and fails on any error), so each notebook runs once.
PYTEST_ARGS ?=
# How the book build executes notebooks: `cache` (the default in _config.yml: a local rebuild
# re-executes only the notebooks whose code changed) or `force` (CI: execute all).
BOOK_EXECUTE ?=
# How many experiments `make results` runs at once. Each one uses torch's default thread count, so
# the result files are the ones a serial run writes; two at a time keep both cores busy while
# one of them loads data or writes figures.
JOBS ?= 2
# Notebooks `make book` executes at once (Sphinx's parallel reading; tools/jupyter_book_jobs.py).
# Above 1 only after `make results`: the report page may be read before the notebooks.
BOOK_JOBS ?= 1

.PHONY: install lint test results book bench clean help mathjax student answer-key book-student pdf browser-test reference

help:
	@echo "make install       install sigcnn with everything the book and the tests need"
	@echo "make lint          ruff (lint and format, notebooks included) and mypy on src/sigcnn"
	@echo "make test          install, then run the whole test suite offline (SIGCNN_OFFLINE=1)"
	@echo "make results       run every experiment at \$$SIGCNN_SCALE into \$$SIGCNN_RESULTS, JOBS (2) at a time"
	@echo "make book          install, then build the executed book into _build/html (BOOK_EXECUTE=force re-executes all)"
	@echo "make book-student  the book built from the student copies, for a course site (_build/student-src/_build/html)"
	@echo "make pdf           the built book as one PDF, offline, by headless Chromium (_build/pdf/book.pdf; after make book)"
	@echo "make mathjax       copy MathJax 3 from the npm registry into book/_static/mathjax (make book runs it)"
	@echo "make student       student copies of the notebooks and theory pages (solutions removed) in _build/student"
	@echo "make answer-key    every exercise's solution in one file for the teacher (_build/answer-key/answer-key.md)"
	@echo "make reference     stored reference runs at larger scales: what is missing or stale (REFERENCE_SCALE, REFERENCE_SEEDS)"
	@echo "make bench         print wall times of the experiments (benchmarks/)"
	@echo "make browser-test  check the built book in headless Chromium (needs: apt-get install chromium)"
	@echo "make clean         remove _build"

install:
	@if [ "$(PYTHON)" = "$(CURDIR)/.venv/bin/python" ] && [ ! -x .venv/bin/python ]; then \
		echo "no active Python environment: creating .venv"; python3 -m venv .venv; fi
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[book,test,dev,weightwatcher]"
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (sigcnn)" >/dev/null

lint: install
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .
	$(PYTHON) -m mypy

test: install
	SIGCNN_OFFLINE=1 $(PYTHON) -m pytest $(PYTEST_ARGS)

# MathJax 3 from the npm registry, served by the book itself (no CDN: the book reads offline).
MATHJAX_VERSION := 3.2.2
MATHJAX_DIR := book/_static/mathjax
mathjax: $(MATHJAX_DIR)/tex-chtml.js
$(MATHJAX_DIR)/tex-chtml.js:
	npm install --prefix _build/npm --no-audit --no-fund --silent mathjax@$(MATHJAX_VERSION)
	rm -rf $(MATHJAX_DIR) && mkdir -p $(dir $(MATHJAX_DIR)) && cp -r _build/npm/node_modules/mathjax/es5 $(MATHJAX_DIR)

# The book's notebooks and the report reuse these files (sigcnn.experiments.load_or_run), so
# running them first, in parallel, shortens a full book build without changing a number.
results: install
	set -o pipefail; $(PYTHON) -m sigcnn.cli list | cut -d' ' -f1 \
		| xargs -P $(JOBS) -I{} $(PYTHON) -m sigcnn.cli run {} --scale $(SIGCNN_SCALE) --quiet

book: install mathjax
ifeq ($(strip $(BOOK_EXECUTE)),)
	SIGCNN_STATIC_WIDGETS=1 $(PYTHON) $(CURDIR)/tools/jupyter_book_jobs.py $(BOOK_JOBS) build . --warningiserror --keep-going
else
	@# a copy of _config.yml beside it (paths in it are relative to its folder), git-ignored
	sed 's/^  execute_notebooks: .*/  execute_notebooks: $(BOOK_EXECUTE)/' _config.yml > .config-$(BOOK_EXECUTE).yml
	SIGCNN_STATIC_WIDGETS=1 $(PYTHON) $(CURDIR)/tools/jupyter_book_jobs.py $(BOOK_JOBS) build . --config .config-$(BOOK_EXECUTE).yml --warningiserror --keep-going
endif
	$(PYTHON) tests/browser/screenshots.py _build/html _build/screenshots
	@echo "book: $(CURDIR)/_build/html/index.html (figures: _build/figures, screenshots: _build/screenshots)"

# Stored reference runs (results/reference, committed): what is missing or stale, most informative first.
REFERENCE_SCALE ?= laptop
REFERENCE_SEEDS ?= 0 1 2
REFERENCE_CAP_MINUTES ?= 120
# where MNIST's 60,000 training images are absent, its experiments run on Fashion-MNIST (the cell says so)
REFERENCE_FALLBACK_DATASET ?= fashion-mnist
reference: install
	$(PYTHON) -m sigcnn.reference --scale $(REFERENCE_SCALE) --seeds $(REFERENCE_SEEDS) \
		--cap-minutes $(REFERENCE_CAP_MINUTES) --fallback-dataset $(REFERENCE_FALLBACK_DATASET)

student: install
	$(PYTHON) -m sigcnn.course student _build/student notebooks book

answer-key: install
	$(PYTHON) -m sigcnn.course answers _build/answer-key notebooks book

# The same book built from the student copies (every solution, executed ones included, left out;
# sphinx-exercise's hide_solutions as well), in its own folder.
STUDENT_SRC := _build/student-src
book-student: student mathjax
	rm -rf $(STUDENT_SRC) && mkdir -p $(STUDENT_SRC)
	tar -c --exclude=./_build --exclude=./.venv --exclude=./.git --exclude='./.config-*' . | tar -x -C $(STUDENT_SRC)
	cp _build/student/*.ipynb $(STUDENT_SRC)/notebooks/ && cp _build/student/book/*.md $(STUDENT_SRC)/book/
	sed 's/^    nb_execution_raise_on_error: true/&\n    hide_solutions: true/' _config.yml > $(STUDENT_SRC)/_config.yml
	cd $(STUDENT_SRC) && SIGCNN_STATIC_WIDGETS=1 $(PYTHON) $(CURDIR)/tools/jupyter_book_jobs.py $(BOOK_JOBS) build . --warningiserror --keep-going
	@echo "book without solutions: $(CURDIR)/$(STUDENT_SRC)/_build/html/index.html"

# One PDF of the built book: each page printed by headless Chromium (typeset maths, figures), merged.
pdf: install
	$(PYTHON) tests/browser/pdf.py _build/html _build/pdf/book.pdf

browser-test: install
	$(PYTHON) -m pytest -m browser tests/browser

bench: install
	$(PYTHON) benchmarks/bench_experiments.py

clean:
	rm -rf _build .config-*.yml
