# The README's commands: `make run`, `make test` (what CI runs), `make test-fast`, `make lint`,
# `make lock` and `make translations`. Each installs what it uses, pinned by
# requirements/constraints.txt.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
INSTALL := $(BIN)/python -m pip install --quiet -c $(CONSTRAINTS)

.PHONY: run test test-fast lint lock clean translations

# Translations (docs/i18n.md): each language's messages.po compiles to the messages.mo the shop
# reads; the .mo files are build output, not committed.
TRANSLATIONS := storefront/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(INSTALL) -e .
	touch $@

# Tests need prod too: one starts gunicorn, and the PostgreSQL pass needs psycopg.
$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(INSTALL) -e ".[test,prod]"
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(INSTALL) -e ".[dev]"
	touch $@

run: $(VENV)/.installed-run $(MO_FILES)
	$(BIN)/python app.py

# Everything, as CI: both databases, browser tests, fuzzing, full-size Hypothesis profile.
test: $(VENV)/.installed-test node_modules/.installed $(MO_FILES)
	$(BIN)/python tests/suite.py

# Pinned JavaScript tools: Biome (lint) and Mermaid (the docs' diagram test).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Under three minutes: no browser, no fuzzing, no slow tests, small Hypothesis profile, SQLite.
test-fast: $(VENV)/.installed-test $(MO_FILES)
	env -u TEST_DATABASE_URL HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -q -n 2 --dist loadfile --durations=15 \
		-m "not e2e and not fuzz and not slow" tests/unit tests/contract tests/integration

lint: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/biome ci static/js klarna_emulator/static/sdk
	$(BIN)/mypy storefront klarna_emulator app.py
	$(BIN)/python -m tests.code_size

# Re-pin every dependency (all extras) to its newest release allowed by pyproject.toml.
lock: $(VENV)/.installed-dev
	$(BIN)/pip-compile --quiet --upgrade --all-extras --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file=$(CONSTRAINTS) pyproject.toml

%.mo: %.po | $(VENV)/.installed-run
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After adding or changing a string: extract every _()/gettext() into messages.pot, merge it
# into each language's messages.po (new strings come in empty, changed ones marked fuzzy), and
# compile. Translate what is new in the .po files, then run it again.
translations: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --ignore-dirs ".* _* node_modules" --sort-output \
		--no-location --project "Fjord & Field" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --ignore-obsolete \
		--ignore-pot-creation-date
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

clean:
	rm -f $(MO_FILES)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-results
