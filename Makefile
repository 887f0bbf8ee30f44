# Two commands do all the set-up on a fresh clone:
#   make run   - venv, pinned install, demo warehouse if missing or stale, then the app
#   make test  - the same plus dev dependencies, then the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/cs-assistant
PIP := $(PY) -m pip --disable-pip-version-check --quiet
WAREHOUSE := data/warehouse.duckdb
SEED := 42

.PHONY: run test install install-dev warehouse browser clean

run: install warehouse
	$(CLI) chat --warehouse $(WAREHOUSE)

test: install-dev warehouse browser
	$(PY) -m pytest -q

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt -e . 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import assistant, duckdb, sqlglot, gradio, langchain" 
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -c constraints.txt -e ".[dev]" 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import pytest, hypothesis"
	touch $@

# The browser tests drive Debian's Chromium through Playwright, never a downloaded browser build.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || { echo "The browser tests need Debian's chromium: run 'apt-get install chromium' as root."; exit 1; }

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Always asked; the generator itself skips the build when the file already matches
# the generator version, seed and scale.
warehouse: install
	$(CLI) data generate --scale demo --seed $(SEED) --out $(WAREHOUSE) --if-stale

clean:
	rm -rf $(VENV) $(WAREHOUSE)
