# Two commands do all the set-up: `make run` and `make test`. Only python3 (3.11+) is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format migrate demo bench clean localstripe run-payments

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit("Encore needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.installed-base: requirements/base.txt requirements/production.txt | $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/production.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed-base
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

run: $(VENV)/.installed-base
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	@echo "Encore is at http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

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
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -m "not browser" -n 2
	# Browser tests get their own call; exit 5 (none selected) is not a failure.
	$(BIN)/pytest -m browser -p no:xdist || [ $$? -eq 5 ]

# Quick loop while working: no lint, no browser.
test-fast: $(VENV)/.installed-dev
	$(BIN)/pytest -m "not browser and not slow" -n 2

bench: $(VENV)/.installed-dev
	@ls bench/*.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
