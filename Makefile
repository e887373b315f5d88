# The README's two commands are `make run` and `make test`; CI runs `.ci/run`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# Every edition of the national criteria: each is one data file here, in force from its own date.
FRAMEWORK := qic/frameworks/data

.PHONY: run test setup lint typecheck check-deploy bench lock clean serve-demo

## Install everything into .venv and node_modules, build the CSS.
setup: $(VENV)/.installed node_modules/.installed build/static/css/qic.css

$(VENV)/.installed: requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/static/css/qic.css: qic/static/scss/qic.scss node_modules/.installed
	mkdir -p build/static/css
	npx --no-install sass --no-source-map --load-path=node_modules --style=compressed $< $@

# Where `make run` serves: `make run PORT=8010` if 8000 is taken.
HOST ?= 127.0.0.1
PORT ?= 8000

## Set up, migrate the SQLite database under var/, load the criteria and demo, and run the web
## server, a task worker and the scheduler side by side (Procfile.dev); Ctrl+C stops all three.
run: setup
	mkdir -p var
	$(MANAGE) migrate --verbosity 0
	$(MANAGE) load_framework $(FRAMEWORK)
	$(MANAGE) load_demo
	@echo "Serving QiC Platform at http://$(HOST):$(PORT) with a task worker and the scheduler (Ctrl+C stops all three)"
	PYTHONUNBUFFERED=1 QIC_HOST=$(HOST) QIC_PORT=$(PORT) $(VENV)/bin/honcho start --procfile Procfile.dev

## The whole suite: unit, integration, access-walk and browser tests.
test: setup
	scripts/ensure-chromium
	$(PY) -m pytest

## Style, and the layer contract in pyproject.toml (which app may import which).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy qic bench

## Django's deployment checklist against production settings.
check-deploy: setup
	QIC_ENV=production SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" ALLOWED_HOSTS=qic.example.org \
		EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend \
		$(MANAGE) check --deploy --fail-level WARNING

bench: setup
	$(PY) -m bench.run

## Re-pin the Python dependencies after editing requirements/*.in.
lock: $(VENV)/.installed
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --no-header --no-emit-index-url \
		--no-emit-find-links -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --strip-extras --no-header --no-emit-index-url \
		--no-emit-find-links -o dev.txt dev.in

clean:
	rm -rf $(VENV) node_modules build var
