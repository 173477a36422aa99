# Developer entry points; the work is done by scripts/*.sh (see scripts/lib.sh
# for the knobs: ODOO_SRC, PGHOST/PGPORT/PGUSER/PGPASSWORD, PYTHON, ...).
#
#   make demo          serve the addons with demo data on http://localhost:8069
#   make demo-reset    same, on a freshly created demo database
#   make test          fresh test database + pytest (PYTEST_ARGS="-k engine")
#   make test-fast     pytest on the existing test database (no reinstall)
#   make test-update   same, after `-u` of the addons (XML/data changes)
#   make test-core     debt_collection's tests on a database with only it
#   make lint          ruff format --check, ruff check, pylint-odoo
#   make wheels        build each addon's wheel, install one in a fresh venv
#   make format        ruff format + ruff check --fix
#   make bench         tools/bench/run_bench.py (BENCH_ARGS="...")
#   make setup         only .venv + Odoo + PostgreSQL + configs
#   make venv          only .venv + requirements + Odoo detection
#   make pg-start / pg-stop / pg-status / psql
#   make clean         stop PostgreSQL, remove .venv, logs and configs
#   make distclean     clean + delete .cache (databases, filestore, Odoo download)

SHELL := /bin/bash
PYTEST_ARGS ?=
BENCH_ARGS ?=
export PYTEST_ARGS BENCH_ARGS

.PHONY: help venv setup demo demo-reset test test-fast test-update test-core lint format bench wheels \
	pg-start pg-stop pg-status psql clean distclean

help:
	@sed -n '4,20s/^# \{0,1\}//p' Makefile

venv:
	@scripts/setup.sh --venv

setup:
	@scripts/setup.sh

demo:
	@scripts/demo.sh

demo-reset:
	@scripts/demo.sh --reset

test:
	@scripts/test.sh

test-fast:
	@scripts/test.sh --fast

test-update:
	@scripts/test.sh --update

test-core:
	@scripts/test.sh --core

lint:
	@scripts/lint.sh

format:
	@scripts/lint.sh --fix

wheels:
	@scripts/wheels.sh

bench:
	@scripts/bench.sh

pg-start:
	@scripts/pg.sh start

pg-stop:
	@scripts/pg.sh stop

pg-status:
	@scripts/pg.sh status

psql:
	@scripts/pg.sh psql

clean:
	@scripts/pg.sh stop
	rm -rf .venv .cache/log .cache/*.conf .ruff_cache
	find . -path ./.cache -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	@scripts/pg.sh destroy
	rm -rf .cache
