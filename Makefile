# The fostering portal. `make run` sets everything up and serves the site; `make test` proves it.
# `make help` lists every target.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
export PORTAL_ENV ?= development

.DEFAULT_GOAL := help
.PHONY: help setup run worker db-upgrade demo test test-python test-postgres lint format \
        assets babel-extract babel-update babel-compile babel-check clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/dist/app.css: node_modules/.package-lock.json scripts/build-assets.mjs $(wildcard static/src/*.scss)
	node scripts/build-assets.mjs
# The build also hashes and compresses the layout's scripts and images.
static/dist/app.css: $(wildcard static/js/*) $(wildcard static/images/*)

assets: static/dist/app.css ## Build CSS and JavaScript from npm packages

translations/.compiled: $(BIN)/flask $(wildcard translations/*/LC_MESSAGES/messages.po)
	$(BIN)/pybabel compile -d translations --statistics
	@touch $@

babel-compile: $(BIN)/flask ## Compile translations
	$(BIN)/pybabel compile -d translations --statistics

setup: $(BIN)/flask assets translations/.compiled ## Install everything the portal needs

db-upgrade: setup ## Bring the database schema up to date
	$(FLASK) db upgrade

demo: db-upgrade ## Load the demo services and accounts if the database is empty
	$(FLASK) demo load --if-empty

run: demo ## Serve the site and its outbox worker on http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/ (mail goes to instance/mail/ unless SMTP_URL is set)"
	@trap 'kill 0' INT TERM EXIT; \
	$(FLASK) outbox work & \
	$(FLASK) run --host $(HOST) --port $(PORT)

worker: setup ## Run only the outbox worker
	$(FLASK) outbox work

# Production on this machine: set the variables deploy/README.md lists first (the app
# refuses to start without SECRET_KEY and DATA_ENCRYPTION_KEYS). gunicorn listens on HOST and
# PORT from the environment (127.0.0.1:8000 unless set), behind a proxy that terminates HTTPS.
.PHONY: serve-prod page-weight bench
serve-prod: export PORTAL_ENV = production
serve-prod: setup ## Migrate, then serve with gunicorn (gunicorn.conf.py) and the outbox worker
	$(FLASK) db upgrade
	@trap 'kill 0' INT TERM EXIT; \
	$(FLASK) outbox work & \
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: setup lint babel-check ## Run the whole suite (SQLite, then PostgreSQL when TEST_DATABASE_URL is set)
	PORTAL_ENV=test TEST_DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($$TEST_DATABASE_URL) =="; \
	  PORTAL_ENV=test $(BIN)/pytest -m "not browser"; \
	fi

lint: $(BIN)/flask ## Check code style with ruff and security with bandit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r portal config.py wsgi.py

format: $(BIN)/flask ## Format code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

babel-extract: $(BIN)/flask ## Extract translatable strings to translations/messages.pot
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project "Fostering portal" -o translations/messages.pot .

babel-update: $(BIN)/flask ## Merge new strings into every language's catalogue
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

babel-check: $(BIN)/flask ## Fail when a shipped language has an untranslated or fuzzy string
	$(BIN)/python scripts/babel_check.py

bench: setup ## Requests per second and latency of the main pages against hello-world, at demo size and at scale
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python scripts/bench.py

tools/lighthouse/node_modules/.package-lock.json: tools/lighthouse/package.json tools/lighthouse/package-lock.json
	npm ci --prefix tools/lighthouse --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: lighthouse
lighthouse: setup tools/lighthouse/node_modules/.package-lock.json ## Lighthouse accessibility and performance of the main pages at mobile settings, against the goals
	$(BIN)/python scripts/lighthouse.py

page-weight: setup ## Bytes and requests per main page in Chromium at 375 px, against the budget
	$(BIN)/python scripts/page_weight.py

.PHONY: reading-age
reading-age: setup ## Reading age of the young people's pages (Flesch-Kincaid), at most 9 each
	$(BIN)/python scripts/reading_age.py

clean: ## Remove built files (not the database)
	rm -rf static/dist translations/.compiled
