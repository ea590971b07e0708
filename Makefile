# mixture-notebooks: two commands for a newcomer (see README.md)
#   make lab    open the notebooks in JupyterLab (127.0.0.1, token auth on)
#   make test   run the whole test suite (mixlib, every notebook under nbval, and the rest)
# Both create or reuse .venv and install exact pins from binder/constraints.txt.

PYTHON ?= python3
VENV ?= .venv
# The class server's environment (JupyterHub, see the hub part at the end); 'make test' runs its
# tests. The students' servers run from it as other Unix users: when this checkout is closed to
# them (a parent folder without o+x, e.g. under /root), it goes to /opt/mixture-notebooks-hub.
ifndef HUB_VENV
HUB_VENV := $(shell p="$(CURDIR)"; while [ "$$p" != / ]; do \
  [ -n "$$(find "$$p" -maxdepth 0 -perm -o+x)" ] || { echo /opt/mixture-notebooks-hub; exit; }; \
  p=$$(dirname "$$p"); done; echo .venv-hub)
endif
export MIXNB_HUB_VENV := $(abspath $(HUB_VENV))
# The one constraints file: exact pins for every extra (Binder installs binder/requirements.txt,
# the students' packages alone, under the same file).
PINS := binder/constraints.txt
# Every extra whose pins live in $(PINS): 'make pins' installs them all to refresh it.
PIN_EXTRAS := notebooks,test,book,hub
PORT ?= 8888
# Empty TOKEN: JupyterLab makes a random token and prints the URL with it. Never an empty token.
TOKEN ?=
LAB_ARGS ?=
PYTEST_ARGS ?=

# Kernels from the environment first (a user-level 'python3' kernelspec must not win), and cell
# names instead of /tmp/ipykernel_<pid>/ paths in warnings, so saved outputs are stable.
export JUPYTER_PREFER_ENV_PATH := 1
export IPYKERNEL_CELL_NAME := <IPY-INPUT>
export PYDEVD_DISABLE_FILE_VALIDATION := 1

BIN := $(VENV)/bin
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=120

.PHONY: lab test test-portable test-quick test-latest notebooks nbdime pins check-python clean help

help:
	@echo "make lab          open the collection in JupyterLab (PORT=8888 TOKEN=<random>)"
	@echo "make test         the complete test suite (what CI runs), emulated CPUs included"
	@echo "make test-portable notebooks and mixlib tests under every emulated CPU profile"
	@echo "make test-quick   mixlib unit and property tests only"
	@echo "make notebooks    re-execute and save every notebook (NB=04: one of them)"
	@echo "make nbdime       readable notebook diffs in git (nbdime as diff driver, this repo only)"
	@echo "make test-latest  the suite against the newest releases (do the pins need a bump?)"
	@echo "make pins         refresh binder/constraints.txt from the newest releases"
	@echo "make book         build the course website into build/book/ (offline; .venv-book)"
	@echo "make site-screenshots  the website at 390 and 1280 px into docs/screenshots/site/"
	@echo "make hub          a local JupyterHub for a class: Unix users, 127.0.0.1 (root; .venv-hub)"
	@echo "make test-hub     only the JupyterHub tests (part of make test)"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "error: mixture-notebooks needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "       Install a newer Python, or run e.g. 'make lab PYTHON=python3.12'."; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per extra, redone when the dependency lists change.
$(VENV)/.lab-installed: $(BIN)/python pyproject.toml $(PINS) binder/overrides.json
	$(BIN)/python -m pip install --quiet -c $(PINS) -e ".[notebooks]"
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp binder/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

$(VENV)/.test-installed: $(VENV)/.lab-installed
	$(BIN)/python -m pip install --quiet -c $(PINS) -e ".[notebooks,test]"
	touch $@

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	  $(if $(TOKEN),--IdentityProvider.token=$(TOKEN)) \
	  --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

SUITE := -m pytest --doctest-modules mixlib tests notebooks $(NBVAL)
# PORTABLE=0 leaves the emulated CPUs out of 'make test' (a quicker local loop; CI keeps them).
PORTABLE ?= 1
PORTABLE_ARGS ?=

# The notebooks, the instructor sources and the mixlib tests under emulated CPUs
# (tests/cpu_profiles.py): numpy's SIMD dispatch capped below this CPU's level and at baseline,
# OpenBLAS's Prescott and Haswell kernels, and baseline numpy with Prescott. Profiles whose canary
# (tests/cpu_canary.py) hashes like an earlier one's compute the same bits and run once; the log
# says which. Saved outputs must not depend on the last bits of rounding (README, "Same results
# on every machine").
test-portable: $(VENV)/.test-installed
	$(BIN)/python tests/cpu_profiles.py $(PORTABLE_ARGS)

# Everything: the emulated CPUs first (their 'native' profile is the full run that follows), then
# the whole suite natively. Fails if either failed, and ends on pytest's own summary line.
# As root, 'make test' also runs the JupyterHub tests (they create Unix users): their environment
# and proxy are built first. Without root those tests are skipped and say why.
HUB_TEST_DEPS := $(if $(filter 0,$(shell id -u)),$(HUB_VENV)/.installed hub/node_modules/.installed)
test: $(VENV)/.test-installed $(HUB_TEST_DEPS)
	@status=0; \
	if [ "$(PORTABLE)" != 0 ]; then $(BIN)/python tests/cpu_profiles.py --skip native $(PORTABLE_ARGS) || status=1; fi; \
	$(BIN)/python $(SUITE) $(PYTEST_ARGS) || status=1; \
	exit $$status

test-quick: $(VENV)/.test-installed
	$(BIN)/python -m pytest --doctest-modules mixlib tests -m "not slow and not browser" $(PYTEST_ARGS)

# make notebooks NB=04 re-executes one notebook. No execution timestamps are saved, and
# tests/normalise_notebooks.py gives widget models stable ids and keeps the saved output of
# unchanged nbval-ignore-output cells (FRESH=1 keeps the new one), so re-executing an unchanged
# notebook leaves it byte-identical.
# It also saves every cell tagged 'check' collapsed: the prose checks (asserts that guard the text)
# live in such cells, right after the cell they guard, silent when they pass (README, "Prose
# checks"; tests/move_checks.py moves guards there, tests/test_notebook_hygiene.py enforces it).
NB ?=
FRESH ?=
NOTEBOOK_FILES = $(if $(NB),$(wildcard notebooks/$(NB)*.ipynb),notebooks/*.ipynb)
notebooks: $(VENV)/.test-installed
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=120 \
	  --ExecutePreprocessor.record_timing=False $(NOTEBOOK_FILES)
	$(BIN)/python tests/normalise_notebooks.py $(if $(FRESH),--fresh) $(NOTEBOOK_FILES)

# For contributors: nbdime as git's diff and merge driver for .ipynb in this repository only, so
# 'git diff' shows a notebook change cell by cell (source, then outputs) instead of raw JSON.
NBDIME_VERSION := 4.0.4
nbdime: $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet nbdime==$(NBDIME_VERSION)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/nbdime config-git --enable

# The newest releases, no pins: a red run here (and a green 'make test') means the pins need a bump.
test-latest: | check-python
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade -e ".[notebooks,test]"
	.venv-latest/bin/python -m pip list --format=freeze | grep -iE '^(numpy|scipy|matplotlib|ipywidgets|jupyterlab|scikit-learn)=='
	.venv-latest/bin/python $(SUITE) $(PYTEST_ARGS)

pins: | check-python
	rm -rf .venv-pins && $(PYTHON) -m venv .venv-pins
	.venv-pins/bin/python -m pip install --quiet --upgrade pip
	.venv-pins/bin/python -m pip install --quiet -e ".[$(PIN_EXTRAS)]"
	{ sed '/^[^#]/,$$d' $(PINS); .venv-pins/bin/python -m pip freeze --exclude-editable | grep -v '^mixlib' \
	  | grep -viE '^(alembic|mako)=='; } > $(PINS).new
	mv $(PINS).new $(PINS)
	rm -rf .venv-pins
	@echo "$(PINS) refreshed: run 'make notebooks test' and commit both."

clean:
	rm -rf $(VENV) .venv-latest .venv-pins .venv-book .pytest_cache .hypothesis build
	rm -rf $(HUB_VENV) hub/node_modules

# ---- Coursework (coursework/, issue 6) ------------------------------------------------------
# nbgrader is an instructor tool that adds JupyterLab extensions: it lives in its own environment,
# .venv-grader, never in .venv or Binder. Shared packages keep the pins of binder/constraints.txt.
#   make coursework          regenerate the student copies coursework/release/ from coursework/source/
#   make coursework-sources  re-execute and save the instructor sources (they run under nbval)
#   make test-coursework     only the coursework tests (also part of 'make test')
#   make student-copy        the students' copy of the course in build/student (no solutions)
GRADER_VENV ?= .venv-grader
GRADER_BIN := $(GRADER_VENV)/bin
GRADER_REQS := coursework/requirements-grader.txt
ASSIGNMENTS = $(notdir $(wildcard coursework/source/*))
# nbgrader shells out to 'alembic' by name: the grader environment's bin/ goes first on PATH.
GRADER_PATH = PATH="$(abspath $(GRADER_BIN)):$$PATH"

.PHONY: coursework coursework-sources test-coursework

# Every package of the students' environment (binder/requirements.txt: an answer cell may import
# matplotlib or scikit-learn), at the same pins, plus nbgrader; and the kernelspec 'mixture-grading'
# that runs student code without the instructor's rights (coursework/grading/sandbox_kernel.py).
GRADING_KERNEL := $(GRADER_VENV)/share/jupyter/kernels/mixture-grading
$(GRADER_VENV)/.installed: $(GRADER_REQS) $(PINS) binder/requirements.txt pyproject.toml coursework/grading/sandbox_kernel.py | check-python
	$(PYTHON) -m venv $(GRADER_VENV)
	$(GRADER_BIN)/python -m pip install --quiet --upgrade pip
	$(GRADER_BIN)/python -m pip install --quiet -c $(PINS) -r binder/requirements.txt -r $(GRADER_REQS) -e .
	mkdir -p $(GRADING_KERNEL)
	$(GRADER_BIN)/python -c 'import json, sys; json.dump({"argv": [sys.argv[1], sys.argv[2], "-f", "{connection_file}"], \
	  "display_name": "Python 3 (grading sandbox)", "language": "python", "interrupt_mode": "signal"}, \
	  open(sys.argv[3], "w"), indent=1)' "$(abspath $(GRADER_BIN))/python" "$(abspath coursework/grading/sandbox_kernel.py)" \
	  $(GRADING_KERNEL)/kernel.json
	touch $@

coursework: $(GRADER_VENV)/.installed
	cd coursework && for a in $(ASSIGNMENTS); do \
	  $(GRADER_PATH) nbgrader generate_assignment "$$a" --force || exit 1; done

coursework-sources: $(VENV)/.test-installed
	$(BIN)/python coursework/grading/inline_guard.py
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=600 \
	  --ExecutePreprocessor.record_timing=False coursework/source/*/*.ipynb

test-coursework: $(VENV)/.test-installed
	$(BIN)/python -m pytest tests/test_coursework.py tests/test_coursework_visible.py tests/test_student_copy.py $(PYTEST_ARGS)

# The students' copy of the course (coursework/student_copy.py, coursework/INSTRUCTORS.md): notebooks,
# mixlib, binder/, the student versions of the assignments and the students' READMEs, without
# coursework/source (solutions, hidden tests), the grading tools or the instructor's guide; committed
# and tagged v<version> in build/student, to push to the students' repository that every
# student-facing Binder and nbgitpuller link opens.
.PHONY: student-copy
student-copy:
	$(PYTHON) coursework/student_copy.py build/student --git

# ---- Grading a class (coursework/README.md, "The course loop"): every step of the loop, in order.
# A=<assignment>; COURSE=<course root> (default coursework/, or your private copy);
# NBGRADER_ARGS for extra nbgrader flags (e.g. --Exchange.root=/srv/nbgrader/exchange).
#   make coursework-due A=01_sampling_and_likelihood DUE="2027-02-01 17:00:00 UTC"
#   make coursework-release A=...      student copies (generate) and release them to the exchange
#   make coursework-collect A=...      collect submissions; a resubmission replaces the earlier one
#   make coursework-autograde A=...    autograde in the sandbox kernel, then the suspicious report
#   make coursework-suspicious A=...   the suspicious-submissions report alone
#   make coursework-handgrade-sheet A=...            the sheet of free-text answers to grade
#   make coursework-handgrade A=... MARKS=marks.csv  write the hand-graded scores (then feedback)
#   make coursework-feedback A=...     feedback pages (after hand-grading), released to the students
#   make coursework-export             grades.csv (names, emails, scores, late penalties: git-ignored)
COURSE ?= coursework
A ?=
DUE ?=
MARKS ?=
NBGRADER_ARGS ?=
NBGRADER = cd $(COURSE) && $(GRADER_PATH) JUPYTER_PREFER_ENV_PATH=1 IPYKERNEL_CELL_NAME='<IPY-INPUT>' nbgrader
GRADER_PY = cd $(COURSE) && $(abspath $(GRADER_BIN))/python
.PHONY: coursework-due coursework-release coursework-collect coursework-autograde coursework-suspicious \
  coursework-handgrade-sheet coursework-handgrade coursework-feedback coursework-export check-assignment

check-assignment:
	@test -n "$(A)" || { echo "error: name the assignment, e.g. A=01_sampling_and_likelihood"; exit 1; }

coursework-due: $(GRADER_VENV)/.installed check-assignment
	@test -n "$(DUE)" || { echo 'error: give the due date, e.g. DUE="2027-02-01 17:00:00 UTC"'; exit 1; }
	$(NBGRADER) db assignment add $(A) --duedate="$(DUE)" $(NBGRADER_ARGS)

coursework-release: $(GRADER_VENV)/.installed check-assignment
	$(NBGRADER) generate_assignment $(A) --force $(NBGRADER_ARGS)
	$(NBGRADER) release_assignment $(A) --force $(NBGRADER_ARGS)

coursework-collect: $(GRADER_VENV)/.installed check-assignment
	$(NBGRADER) collect $(A) --update $(NBGRADER_ARGS)

# A second pass grades any submission whose kernel failed to start (nbgrader skips the others).
coursework-autograde: $(GRADER_VENV)/.installed check-assignment
	$(NBGRADER) autograde $(A) $(NBGRADER_ARGS) || $(NBGRADER) autograde $(A) $(NBGRADER_ARGS)
	$(GRADER_PY) -m grading.suspicious $(A) | tee suspicious_$(A).txt

coursework-suspicious: $(GRADER_VENV)/.installed check-assignment
	$(GRADER_PY) -m grading.suspicious $(A)

coursework-handgrade-sheet: $(GRADER_VENV)/.installed check-assignment
	$(GRADER_PY) -m grading.handgrade sheet $(A) > $(COURSE)/handgrade_$(A).csv
	@echo "Fill in the score (and comment) column of $(COURSE)/handgrade_$(A).csv, then: make coursework-handgrade A=$(A) MARKS=$(abspath $(COURSE))/handgrade_$(A).csv"

coursework-handgrade: $(GRADER_VENV)/.installed check-assignment
	@test -n "$(MARKS)" || { echo "error: MARKS=<the filled-in sheet>"; exit 1; }
	$(GRADER_PY) -m grading.handgrade apply $(A) $(abspath $(MARKS))

coursework-feedback: $(GRADER_VENV)/.installed check-assignment
	$(NBGRADER) generate_feedback $(A) --force $(NBGRADER_ARGS)
	$(NBGRADER) release_feedback $(A) $(NBGRADER_ARGS)

coursework-export: $(GRADER_VENV)/.installed
	$(NBGRADER) export $(NBGRADER_ARGS)

# ---- Screenshots and widget latency (docs/, issue 7) -------------------------------------------
# Runs the browser tests (JupyterLab in headless Chromium, tests/browser/) over every notebook and
# saves each notebook's main widget to docs/screenshots/NN_name.png and the measured widget
# latencies to docs/widget-latency.md. Refresh them with this target, never by hand.
.PHONY: screenshots
screenshots: $(VENV)/.test-installed
	rm -f docs/screenshots/*.png
	MIXNB_DOCS_DIR=docs $(BIN)/python -m pytest tests/browser -m browser $(PYTEST_ARGS)

# ---- The course as a website (build/book/, issue 17) -------------------------------------------
# Sphinx + myst-nb + sphinx-book-theme render the saved notebooks (never executed), the README's
# student part, the coursework README and the mixlib API reference. The book tools live in their
# own environment, .venv-book (the 'book' extra, pinned in binder/constraints.txt), never in .venv
# or on Binder. Offline: MathJax comes from the npm registry at build time and is served from the
# site. tests/test_book.py opens every page in Chromium.
#   make book    build build/book/ (open build/book/index.html, or serve it:
#                python3 -m http.server -d build/book 8000 --bind 127.0.0.1)
BOOK_VENV ?= .venv-book
BOOK_BIN := $(BOOK_VENV)/bin
.PHONY: book

$(BOOK_VENV)/.installed: pyproject.toml $(PINS) | check-python
	$(PYTHON) -m venv $(BOOK_VENV)
	$(BOOK_BIN)/python -m pip install --quiet --upgrade pip
	$(BOOK_BIN)/python -m pip install --quiet -c $(PINS) -e ".[notebooks,book]"
	touch $@

book: $(BOOK_VENV)/.installed
	$(BOOK_BIN)/python book/stage.py
	$(BOOK_BIN)/sphinx-build -b html -q -W --keep-going -c book -d build/book-doctrees build/book-src build/book
	@echo "The website: build/book/index.html"

# Screenshots of the website (landing page and notebook 03 at 390 and 1280 px, and the phone's
# navigation open) into docs/screenshots/site/. Refresh them with this target, never by hand.
.PHONY: site-screenshots
site-screenshots: book $(VENV)/.test-installed
	rm -f docs/screenshots/site/*.png
	$(BIN)/python book/screenshots.py --out docs/screenshots/site

# ---- A class on one server: JupyterHub (hub/, issue 33) ---------------------------------------
# JupyterHub + nbgitpuller + the course environment + the grading tools in .venv-hub (the hub's
# user environment: the hub itself, every student's server and the instructor's run from it), and
# configurable-http-proxy from npm in hub/node_modules (never global). The hub binds 127.0.0.1 only
# and logs users in with a test authenticator (one random password per user, made per run).
#   make hub        a local hub with an instructor and three students made as Unix users (root);
#                   prints the URL and the passwords; Ctrl-C stops it and removes the users
#   make test-hub   only the hub tests (also part of 'make test')
HUB_BIN := $(HUB_VENV)/bin
HUB_STUDENTS ?= 3
HUB_PORT ?= 8000
.PHONY: hub test-hub

# Every user runs this environment: made from an interpreter they may execute (the project's own,
# copied into $(HUB_VENV)/base-python by hub/portable_python.py when it lives under a folder closed
# to them, such as pyenv's under /root), with mixlib installed from a copy (not -e: the checkout
# may be closed to them), so it is rebuilt when mixlib changes.
$(HUB_VENV)/.installed: $(GRADER_REQS) $(PINS) pyproject.toml hub/portable_python.py $(shell find mixlib -name '*.py' -o -name '*.csv') | check-python
	rm -rf $(HUB_VENV)
	mkdir -p $(HUB_VENV)
	hubpython=$$($(PYTHON) hub/portable_python.py $(HUB_VENV)/base-python) && \
	  LD_LIBRARY_PATH=$(abspath $(HUB_VENV))/base-python/lib $$hubpython -m venv $(HUB_VENV)
	$(HUB_BIN)/python -m pip install --quiet --upgrade pip
	$(HUB_BIN)/python -m pip install --quiet -c $(PINS) -r $(GRADER_REQS) ".[notebooks,hub]"
	mkdir -p $(HUB_VENV)/share/jupyter/lab/settings
	cp binder/overrides.json $(HUB_VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

hub/node_modules/.installed: hub/package.json hub/package-lock.json
	cd hub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

hub: $(HUB_VENV)/.installed hub/node_modules/.installed
	$(HUB_BIN)/python hub/local_hub.py --students $(HUB_STUDENTS) --port $(HUB_PORT)

test-hub: $(VENV)/.test-installed $(HUB_VENV)/.installed hub/node_modules/.installed
	$(BIN)/python -m pytest tests/test_hub.py tests/test_hub_load.py $(PYTEST_ARGS)
