# The newcomer's two commands:
#   make run   installs, initialises the embedded PostgreSQL, seeds the demo, starts the Dagster UI
#   make test  installs and runs the whole test suite against local PostgreSQL and Redis
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/dagster_home

.PHONY: install install-dev browser node run test services clean-embedded

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"

# Headless Chromium and its driver from Debian's packages, for the browser tests.
browser:
	@command -v chromedriver >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

# Node.js and npm from Debian's packages, for the test that drives the CRM frontend's
# JavaScript socket.io-client (the client itself is installed by that test, from package-lock.json).
node:
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; fi; }

run: install
	$(BIN)/crm-pipelines dev

# PostgreSQL and Redis on loopback (the tests' real servers); started when they do not answer.
services:
	@scripts/ensure-services.sh

test: install-dev browser node services
	$(BIN)/pytest

clean-embedded:
	-$(BIN)/python -c "from crm_pipelines.resources.embedded import stop_embedded; from crm_pipelines.settings import get_settings; stop_embedded(get_settings().dagster_home)"
	rm -rf dagster_home/embedded-postgres
