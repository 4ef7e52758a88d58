# Two commands do all the set-up: `make run` and `make test`. Only python3 (3.11+) is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links made without a request (emails from background work) use SITE_URL: keep it where the
# site is served, unless it is set.
export SITE_URL ?= http://$(HOST):$(PORT)
# Python writes the bytecode of what it imports into .venv, so each later process starts from
# it; compiling every installed package up front took longer than compiling what is imported.
export PYTHONDONTWRITEBYTECODE =

.PHONY: run test test-fast lint format migrate demo bench clean localstripe run-payments screenshots stack

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit("Encore needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv --without-pip $(VENV)

# uv goes in first (requirements/bootstrap.txt says why). python3's own pip puts it there when
# it can, seconds quicker than giving the venv a pip first; otherwise the venv gets a pip to do
# it, and where uv cannot be installed at all, a current pip does the installs instead.
$(VENV)/.installed-bootstrap: requirements/bootstrap.txt | $(BIN)/activate
	$(PYTHON) -m pip --python $(PY) install --quiet -r requirements/bootstrap.txt 2>/dev/null \
		|| { $(VENV_PIP) && $(PY) -m pip install --quiet -r requirements/bootstrap.txt; } \
		|| { echo "uv could not be installed: pip installs the requirements"; \
			$(PY) -m pip install --quiet --upgrade pip; }
	touch $@

# Installs a requirements file. pip takes over if uv fails, e.g. where only pip is configured
# to reach a package index.
VENV_PIP = { $(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --upgrade >/dev/null; }
PIP_INSTALL = $(VENV_PIP) && $(PY) -m pip install --quiet -r $(1)
INSTALL = if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --python $(PY) -r $(1) \
	|| { $(PIP_INSTALL); }; else $(PIP_INSTALL); fi

# Reinstall only when a requirements file changed.
$(VENV)/.installed-base: requirements/base.txt requirements/production.txt $(VENV)/.installed-bootstrap
	$(call INSTALL,requirements/production.txt)
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(call INSTALL,requirements/dev.txt)
	touch $@

# The server runs the system checks before it serves: the steps before it skip them.
run: $(VENV)/.installed-base
	$(PY) manage.py load_demo --migrate --skip-checks
	@echo "Encore is at http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The production stack on this machine (config/stack.py): the Procfile's processes with production
# settings, PostgreSQL and Redis on 127.0.0.1 (or DATABASE_URL / REDIS_URL), a local S3 server,
# nginx in front on http://127.0.0.1:8080. STACK_ARGS="--demo" loads the demo data,
# "--no-proxy" runs without nginx (it says so when nginx is missing), "--port N" moves it.
stack: $(VENV)/.installed-dev
	$(PY) -m config.stack $(STACK_ARGS)

# Trying payments on the demo site, in two terminals: a local Stripe stand-in (test mode,
# loopback only, nothing written to disk), then the site pointed at it with test keys.
LOCAL_STRIPE := STRIPE_TEST_SECRET_KEY=sk_test_encoredemolocalstripe00000000 \
	STRIPE_PUBLISHABLE_KEY=pk_test_encoredemolocalstripe00000000 \
	DJSTRIPE_WEBHOOK_SECRET=whsec_encoredemolocalstripe \
	STRIPE_API_BASE=http://127.0.0.1:8420

localstripe: $(VENV)/.installed-dev
	$(PY) manage.py migrate --no-input
	$(LOCAL_STRIPE) $(PY) manage.py localstripe --port 8420 --site http://$(HOST):$(PORT)

run-payments: $(VENV)/.installed-base
	$(LOCAL_STRIPE) $(MAKE) run

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -m "not browser" -n 2 --durations=15
	# Browser tests get their own call; exit 5 (none selected) is not a failure.
	$(BIN)/pytest -m browser -p no:xdist --durations=5 || [ $$? -eq 5 ]

# Quick loop while working: no lint, no browser.
test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -m "not browser and not slow" -n 2

bench: $(VENV)/.installed-dev
	@ls bench/*.py

# The main pages as each demo persona, desktop and phone, in screenshots/ (bench/screenshots.py).
screenshots: $(VENV)/.installed-dev
	$(PY) bench/screenshots.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
