# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: install run serve test lint format bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# PyICU (names sorted as each language sorts them) is built against Debian's ICU by pip, which
# finds it with pkg-config.
ICU := /usr/include/unicode/coll.h
PKG_CONFIG := /usr/bin/pkg-config
$(ICU) $(PKG_CONFIG):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config >/dev/null; \
	else echo "Installing PyICU needs ICU and pkg-config: sudo apt-get install libicu-dev pkg-config"; exit 1; fi

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt | $(ICU) $(PKG_CONFIG)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The translations (eventsapp/translations/<language>/LC_MESSAGES/messages.po) of every language,
# compiled again whenever a .po file changes. (The application only reads the .mo files: as it
# starts it warns of one missing or older than its .po.)
TRANSLATIONS := eventsapp/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed $(CATALOGUES:.po=.mo)  ## the venv, the dependencies and the compiled translations

# After changing strings in the code: the template of the messages, and every catalogue brought up
# to date with it (new messages empty, changed ones fuzzy) for the translators.
translations: $(VENV)/.installed  ## extract the messages to translate and update the catalogues
	$(BIN)/pybabel --quiet extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --sort-by-file --width 100 \
	  --project eventsapp -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel --quiet update --width 100 -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

# Links in emails lead to the port served, unless SITE_URL says otherwise.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install  ## migrate the SQLite database, load the demo once, create an admin, serve (and the worker)
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) users ensure-admin
	@# The worker sends the emails and runs the periodic jobs beside the web server; both stop together.
	$(FLASK) jobs worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(FLASK) run --port $(PORT)

# Production: gunicorn with gunicorn.conf.py (see its settings), behind a reverse proxy with HTTPS
# (README, "Serving in production"); `flask --app wsgi check-deploy` says which settings are missing.
serve: SHELL := /bin/bash
serve: install  ## migrate, then serve with gunicorn and the worker; either stopping stops both
	$(FLASK) db upgrade
	@# `wait -n` returns when the first of the two ends (Ctrl-C, a crash): the other is stopped too.
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app & web=$$!; \
	  $(FLASK) jobs worker & worker=$$!; \
	  trap 'kill $$web $$worker 2>/dev/null; wait' EXIT INT TERM; \
	  wait -n

lint: install  ## ruff, and the import contract of pyproject.toml (the architecture's layers)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Browser tests drive Debian's Chromium (never a downloaded browser build).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi

# Rate limits shared by several workers are tested against a real Redis.
REDIS := /usr/bin/redis-server
$(REDIS):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	else echo "The rate-limit tests need Redis: sudo apt-get install redis-server"; exit 1; fi

# The annual report's PDF is printed by WeasyPrint, which needs Debian's Pango (any architecture).
PANGO := /usr/share/doc/libpangoft2-1.0-0
$(PANGO):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	else echo "The PDF reports need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; exit 1; fi

# Sign-in through the institution's identity provider is tested against a real OpenID Connect
# provider, npm's oidc-provider (tests/oidc/), installed from its lock file with Node.js.
OIDC_PROVIDER := tests/oidc/node_modules/.package-lock.json
$(OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	@command -v npm >/dev/null || { echo "The sign-in tests need Node.js and npm: sudo apt-get install nodejs npm"; exit 1; }
	npm ci --prefix tests/oidc --no-audit --no-fund --silent
	touch $@

test: install $(CHROMIUM) $(REDIS) $(PANGO) $(OIDC_PROVIDER) lint  ## lint, then the whole suite
	$(BIN)/python -m pytest

bench: install  ## benchmarks (see bench/README.md)
	scripts/with-postgres $(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
