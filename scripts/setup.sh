#!/usr/bin/env bash
# make setup: .venv + requirements, find Odoo 18, start PostgreSQL, write the
# configs; leaves the private PostgreSQL server running (make pg-stop).
# make venv (setup.sh --venv): only .venv + requirements + Odoo.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ensure_venv
ensure_odoo
say "Odoo 18 from $ODOO_DIR; addons_path=$ADDONS_PATH"
[ "${1:-}" = --venv ] && exit 0
pg_start
write_confs
say "Configs: $CONF (demo) and $TEST_CONF (tests); database server: ${DB_HOST:-localhost}:${DB_PORT:-5432}"
