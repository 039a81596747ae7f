# Two commands take a fresh machine from clone to working: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Debian packages the browser tests and the message catalogs need (Playwright's driver needs
# libatomic1; checked on a minimal Debian 12 root made with debootstrap --variant=minbase);
# pspp reads the SPSS downloads back in a test; WeasyPrint (report PDFs) needs Pango, and
# sets Chinese in fonts-noto-cjk; `make bench` starts a redis-server when REDIS_URL is not set.
DEBIAN_PACKAGES := chromium fonts-noto-cjk gettext libatomic1 pspp libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core redis-server

.PHONY: run test install install-dev system-packages messages lint bench faults faults-lb clean

$(VENV)/installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/installed-dev: requirements-dev.txt requirements.txt $(VENV)/installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/installed
install-dev: $(VENV)/installed-dev

# The compiled catalogs are committed; recompile when gettext is here.
messages: $(VENV)/installed
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "gettext is not installed: using the committed compiled catalogs."; fi

run: $(VENV)/installed-dev messages
	$(PY) bin/run.py

system-packages:
	@bash bin/system-packages $(DEBIAN_PACKAGES)

test: $(VENV)/installed-dev system-packages messages
	$(PY) -m pytest

# Completed surveys per second (ours and the ceiling's) at 1, 8 and 32 residents, then the
# findings pages on 100,000 responses; last line is JSON.
bench: $(VENV)/installed-dev system-packages messages
	$(PY) bin/bench.py

# Resident walks through PostgreSQL restarts, kill -9, stalls, a full disk and killed workers,
# on a cluster of its own (port 5439), then through two app servers behind HAProxy
# (deploy/haproxy.cfg) of which one is stopped and one killed; per fault what residents,
# /healthz and the load balancer saw; JSON last. faults-lb: the two-server part alone.
FAULTS_HAPROXY = @bash bin/system-packages haproxy || echo "No haproxy: the two-server scenarios are skipped."

faults: $(VENV)/installed-dev messages
	$(FAULTS_HAPROXY)
	$(PY) bin/faults.py

faults-lb: $(VENV)/installed-dev messages
	$(FAULTS_HAPROXY)
	FAULTS_ONLY="two app servers" $(PY) bin/faults.py

lint: $(VENV)/installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
