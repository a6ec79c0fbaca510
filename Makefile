# Every target creates .venv and installs what it needs: on a fresh machine
# `make demo` and `make test` are all the set-up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: demo test test-render bench fuzz system-deps node-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

# the `pandoc` extra: pandoc itself (pypandoc_binary), for the formats docforge reads and
# writes through pandoc
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[pandoc]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[test]'
	touch $@

# Tools the tests read outputs back with that PyPI cannot provide: Java (Nu HTML checker,
# epubcheck), LibreOffice (DOCX rendering), fonts (DejaVu, Noto CJK). Installed only when
# missing, and only where apt-get can run.
system-deps:
	@sh tools/system-deps.sh

# The accessibility checkers (tests/a11y_checkers.py), from npm at the versions
# tools/node/package-lock.json pins: Ace by DAISY on EPUBs, axe-core through puppeteer-core
# on HTML. Both drive Debian's chromium (system-deps), so no browser is downloaded.
NODE_DEPS := tools/node/node_modules/.installed
$(NODE_DEPS): tools/node/package.json tools/node/package-lock.json
	cd tools/node && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

node-deps: system-deps $(NODE_DEPS)

demo: $(VENV)/.installed
	$(VENV)/bin/docforge convert samples/ --to all -o out/
	@echo "demo: outputs are in out/"

test: node-deps $(VENV)/.installed-test
	$(PY) -m pytest -q -p no:cacheprovider

test-render: node-deps $(VENV)/.installed-test
	$(PY) -m pytest -q -p no:cacheprovider -m render

fuzz: node-deps $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q -p no:cacheprovider -k "property or fuzz or collected"

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[test,bench]'
	touch $@

bench: system-deps $(VENV)/.installed-bench
	$(PY) benchmarks/run.py

clean:
	rm -rf out/ .pytest_cache build dist
