# Every target creates .venv and installs what it needs: on a fresh machine
# `make demo` and `make test` are all the set-up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: demo test test-render bench fuzz system-deps clean

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

demo: $(VENV)/.installed
	$(VENV)/bin/docforge convert samples/ --to all -o out/
	@echo "demo: outputs are in out/"

test: system-deps $(VENV)/.installed-test
	$(PY) -m pytest -q -p no:cacheprovider

test-render: system-deps $(VENV)/.installed-test
	$(PY) -m pytest -q -p no:cacheprovider -m render

fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=long $(PY) -m pytest -q -p no:cacheprovider -k "property or fuzz or collected"

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[test,bench]'
	touch $@

bench: system-deps $(VENV)/.installed-bench
	$(PY) benchmarks/run.py

clean:
	rm -rf out/ .pytest_cache build dist
