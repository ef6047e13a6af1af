# geg-tui — every target creates or refreshes .venv by itself (Python 3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH ?=
# Test processes: Pilot tests spend most of their time waiting for the app to go idle, not
# computing, so more processes than the 2 cores of CI still shorten the run (measured in
# docs/architecture.md, « Tests »). ``make test TEST_WORKERS=0`` runs everything in one process.
TEST_WORKERS ?= 4

# The gettext catalogues: the .po files are the source (committed), the .mo files what the
# program reads (built here, never committed; setup.py builds them into a wheel).
LOCALE := geg_tui/locale
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/geg_tui.po))

.PHONY: run test lint format bench bytecode catalogues i18n clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "geg-tui needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	@touch $(STAMP)

# Our modules' bytecode, written here as an installed package has it: an editable install leaves
# it to the first import, which cannot write it where PYTHONDONTWRITEBYTECODE is set, and then
# every start compiles the sources again (a seventh of the time to the login screen).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q geg_tui

catalogues: $(CATALOGUES)

$(LOCALE)/%/LC_MESSAGES/geg_tui.mo: $(LOCALE)/%/LC_MESSAGES/geg_tui.po $(STAMP)
	$(BIN)/pybabel compile --statistics -D geg_tui -d $(LOCALE) -l $*

# Extract every message of the sources, then add the new ones to each language's .po (to
# translate there) and mark the ones gone as obsolete; then compile.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k pgettext:1c,2 \
		--add-location=file --sort-by-file --no-wrap --project=geg-tui \
		--copyright-holder="geg-tui" -o $(LOCALE)/geg_tui.pot .
	$(BIN)/pybabel update -D geg_tui -i $(LOCALE)/geg_tui.pot -d $(LOCALE) --no-wrap
	rm -f $(LOCALE)/geg_tui.pot
	$(MAKE) catalogues

run: bytecode catalogues
	@echo "geg-tui is installed in $(VENV), not on your PATH: call it as $(CURDIR)/$(BIN)/geg-tui"
	@echo "(e.g. $(BIN)/geg-tui factures, $(BIN)/geg-tui --help), or type geg-tui after"
	@echo ". $(BIN)/activate; pipx install . puts it on your PATH (README: Scripts)."
	$(BIN)/geg-tui

test: $(STAMP) catalogues
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: bytecode catalogues
	$(BIN)/python benchmarks/run.py $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
