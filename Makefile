# CX Academy: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint vendor clean messages bench mutation

# constraints.txt pins every package to the versions tested together (a lock file for pip).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/djlint templates --lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check . && $(PY) -m ruff format --check . && $(VENV)/bin/lint-imports && $(VENV)/bin/djlint templates --lint

# Re-vendor front-end assets from the npm registry (their files are committed under static/vendor).
vendor:
	cd /tmp && rm -rf cx-vendor && mkdir cx-vendor && cd cx-vendor && npm init -y >/dev/null && npm install --silent @picocss/pico@2 htmx.org@2
	cp /tmp/cx-vendor/node_modules/@picocss/pico/css/pico.min.css static/vendor/pico/
	cp /tmp/cx-vendor/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Refresh the German catalogue: collect strings, apply locale/translations-de/*.json, compile.
# Add the German text of new strings to a JSON file there (one per topic) and run again.
messages: $(STAMP)
	$(PY) manage.py makemessages -l de --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete --no-wrap --no-location
	$(PY) scripts/fill_po.py locale/translations-de
	$(PY) manage.py compilemessages -l de --ignore=.venv

# Performance figures on PostgreSQL (builds its data once into BENCH_DATABASE_URL, then keeps it).
bench: $(STAMP)
	$(PY) benchmarks/learner_scale.py
	$(PY) benchmarks/http_load.py

# Mutation testing of one business-rule module (slow; not part of `make test`), one process:
#   make mutation MODULE=quizzes/services.py
# Survivors: `$(PY) scripts/mutation.py MODULE results`, a diff: `... show NAME`. docs/mutation.md
mutation: $(STAMP)
	@test -n "$(MODULE)" || (echo "usage: make mutation MODULE=quizzes/services.py"; exit 2)
	$(PY) scripts/mutation.py $(MODULE)
	$(PY) scripts/mutation.py $(MODULE) results
