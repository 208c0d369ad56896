# The two commands a newcomer types: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1:8000
# Links in e-mails, the sitemap, canonical links and calendar files use SITE_URL. Unless the
# environment (or `make run SITE_URL=…`) or a SITE_URL= line of .env sets it, it follows HOST,
# so that `make run HOST=127.0.0.1:8101` links to the port it serves.
SITE_URL_FROM_HOST := $(if $(SITE_URL)$(shell grep -Es '^(export )?SITE_URL=' .env),,SITE_URL=http://$(HOST))

.PHONY: run test lint messages compilemessages bench venv migrate demo totp clean screenshots

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found): apt-get install python3.11 python3.11-venv"; exit 1; }
	@test -x $(PY) || $(PYTHON) -c "import ensurepip, venv" 2>/dev/null || { \
	  echo "$(PYTHON) cannot create virtual environments: on Debian, run 'sudo apt-get install python3.11-venv'"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/dev.txt
	touch $@

venv: $(VENV)/.installed

# Needs gettext's msgfmt; without it the site still runs, in French only.
compilemessages: venv
	@if command -v msgfmt >/dev/null 2>&1; then DJANGO_SETTINGS_MODULE=cifre.settings_test $(MANAGE) compilemessages --ignore=.venv -v0; \
	else echo "gettext is not installed (apt-get install gettext): English translations are not compiled."; fi

## run: install, migrate, compile translations, load the demo, serve on HOST (default 127.0.0.1:8000; SQLite)
run: venv compilemessages
	DEBUG=true $(SITE_URL_FROM_HOST) $(MANAGE) migrate --noinput
	DEBUG=true $(SITE_URL_FROM_HOST) $(MANAGE) seed_demo
	DEBUG=true $(SITE_URL_FROM_HOST) $(MANAGE) runserver $(HOST)

## lint: ruff, migrations in step with models, Django's system checks
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cifre.settings_test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cifre.settings_test $(MANAGE) check

## test: linters, then the whole suite (SQLite here; PostgreSQL and Redis when .ci/run sets them)
test: lint compilemessages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## messages: extract French and English strings into locale/
messages: venv
	DJANGO_SETTINGS_MODULE=cifre.settings_test $(MANAGE) makemessages -l en -l fr --ignore=.venv --ignore=var --ignore=tests --ignore=bench --no-obsolete
	DJANGO_SETTINGS_MODULE=cifre.settings_test $(MANAGE) makemessages -d djangojs -l en -l fr --ignore=.venv --ignore=var --ignore=var/staticfiles --no-obsolete

## totp: current TOTP code of a demo account (DEBUG only), e.g. make totp EMAIL=staff@demo.cifre.test
totp: venv
	@test -n "$(EMAIL)" || { echo "usage: make totp EMAIL=staff@demo.cifre.test"; exit 1; }
	@DEBUG=true $(MANAGE) demo_totp "$(EMAIL)"

## bench: the benchmarks of bench/ (see bench/README.md)
bench: venv
	$(PY) bench/run.py

## screenshots: every page of every demo role at 390 and 1280 px, into var/screenshots/ (needs Chromium)
screenshots: venv compilemessages
	@command -v $${CHROMIUM_PATH:-chromium} >/dev/null 2>&1 || { echo "Chromium is needed: apt-get install chromium"; exit 1; }
	$(PY) tools/screenshots.py

clean:
	rm -rf var .pytest_cache .ruff_cache
