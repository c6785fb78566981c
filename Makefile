# Medvirk: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs every test.
# Both install what they need and can be run again at any time.

SHELL := /bin/bash
PORT ?= 8000
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := .venv/bin/python
CHROMIUM ?= /usr/bin/chromium
PYTEST_WORKERS ?= auto


.PHONY: run test install system-deps python-deps node-deps assets messages chromium check lint types worker bench clean

run: install
	DEBUG=$${DEBUG-1} DEMO_MODE=$${DEMO_MODE-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG-1} DEMO_MODE=$${DEMO_MODE-1} $(PY) manage.py load_demo
	DEBUG=$${DEBUG-1} DEMO_MODE=$${DEMO_MODE-1} $(PY) manage.py load_learning_content
	@echo; echo "Demo logins (e-mail, password, role, organisation):"; \
	DEBUG=$${DEBUG-1} DEMO_MODE=$${DEMO_MODE-1} $(PY) manage.py demo_logins; echo
	@echo "Medvirk is starting on http://127.0.0.1:$(PORT) (a background worker sends e-mail)."
	@trap 'kill 0' EXIT INT TERM; \
	DEBUG=$${DEBUG-1} DEMO_MODE=$${DEMO_MODE-1} $(PY) manage.py db_worker --interval 1 & \
	DEBUG=$${DEBUG-1} DEMO_MODE=$${DEMO_MODE-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install chromium
	MEDVIRK_TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	MEDVIRK_TESTING=1 $(UV) run --frozen mypy .
	MEDVIRK_TESTING=1 $(UV) run --frozen pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

install: system-deps python-deps node-deps assets messages

# gettext compiles translations; Pango is what WeasyPrint draws PDFs with.
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing system packages:$$missing (install them with apt-get or your package manager)"; exit 1; fi; \
	fi

python-deps:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --user --quiet uv || python3 -m pip install --quiet uv
	$(UV) sync --frozen

node-deps:
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js 20 or newer (apt-get install nodejs npm)"; exit 1; }
	@if [ ! -d node_modules/@digdir/designsystemet-css ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi

# Copy the pinned front-end packages into static/vendor (served by WhiteNoise).
assets: node-deps
	@mkdir -p static/vendor/designsystemet static/vendor/htmx static/vendor/inter/files static/vendor/axe
	@cp node_modules/@digdir/designsystemet-css/dist/src/index.css static/vendor/designsystemet/designsystemet.css
	@cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css static/vendor/designsystemet/theme.css
	@cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/htmx.min.js
	@cp node_modules/axe-core/axe.min.js static/vendor/axe/axe.min.js
	@cp node_modules/@fontsource/inter/files/inter-latin-{400,500,600,700}-normal.woff2 node_modules/@fontsource/inter/files/inter-latin-ext-{400,500,600,700}-normal.woff2 static/vendor/inter/files/
	@cat node_modules/@fontsource/inter/{400,500,600,700}.css | $(PY) scripts/keep_latin_fonts.py > static/vendor/inter/inter.css

messages: system-deps python-deps
	@MEDVIRK_TESTING=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

chromium:
	@[ -x "$(CHROMIUM)" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing at $(CHROMIUM): install Debian's chromium package (sudo apt-get install chromium) or set CHROMIUM=/path/to/chromium"; exit 1; fi; }

lint:
	$(UV) run --frozen ruff check . && $(UV) run --frozen ruff format --check .

types:
	MEDVIRK_TESTING=1 $(UV) run --frozen mypy .

worker: install
	$(PY) manage.py db_worker

clean:
	rm -rf static/vendor staticfiles .pytest_cache

bench: install
	$(UV) run --frozen python bench/bench_lists.py
	$(UV) run --frozen python bench/bench_questionnaires.py
	$(UV) run --frozen python bench/bench_survey_results.py
	$(UV) run --frozen python bench/bench_survey_load.py
