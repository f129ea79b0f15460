# The two commands a newcomer needs:
#   make run    install, migrate, load the demo directory, serve it on SQLite
#   make test   install the test tools and run the whole suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint check-deploy messages clean

$(PY):
	@py=$$(for c in python3.13 python3.12 python3; do \
	  if command -v $$c >/dev/null && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	  then echo $$c; break; fi; done); \
	if [ -z "$$py" ]; then echo "Python 3.12 or newer is needed (.python-version names 3.13)." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$($$py --version)"; \
	$$py -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# What the browser and translation tests need beyond Python: Debian's
# Chromium (never a downloaded browser), gettext, and axe-core from npm.
$(VENV)/.system: package.json package-lock.json | $(PY)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.runtime
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	DJANGO_DEBUG=1 $(PY) manage.py load_demo_data --demo-login
	DJANGO_DEBUG=1 $(PY) manage.py rebuild_indexes
	@echo
	@echo "  The directory:  http://$(HOST):$(PORT)/"
	@echo "  The admin:      http://$(HOST):$(PORT)/admin/  (logins above)"
	@echo "  Background jobs (imports, exports, duplicates) run in a worker beside it."
	@echo
	@DJANGO_DEBUG=1 $(PY) manage.py worker --no-color & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# One worker per core (pytest-xdist); each has its own test database.
test: $(VENV)/.dev $(VENV)/.system
	$(PY) -m pytest -n auto

lint: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# What production must pass; see README "Production".
check-deploy: $(VENV)/.runtime
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_HTTPS=1 DJANGO_ALLOWED_HOSTS=directory.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

# After changing user-facing strings: update the catalogue, translate, compile.
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l es --no-obsolete --add-location=file -i node_modules -i .venv
	$(PY) manage.py compilemessages -l es -i .venv -i node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
