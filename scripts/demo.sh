#!/usr/bin/env bash
# make demo: serve Odoo with the addons and demo data on http://localhost:8069
# (login admin / admin). The database debt_collection_demo is created and given
# one collection pass the first time, then reused (demo.sh --reset, i.e.
# make demo-reset, drops it first: after model or data changes). Ctrl-C stops
# Odoo, then the private PostgreSQL server if this script started it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

DB=debt_collection_demo
setup_all
trap pg_stop_if_started EXIT
trap 'exit 130' INT TERM # run the EXIT trap once Odoo is down

if [ "${1:-}" = --reset ]; then
    say "Dropping $DB"
    db drop "$DB"
fi
if ! db exists "$DB"; then
    mapfile -t addons < <(repo_addons)
    say "Creating $DB with ${addons[*]} and demo data (log: .cache/log/demo-install.log)"
    if ! install_addons "$CONF" "$DB" "$LOGS/demo-install.log" -i "${addons[@]}"; then
        db drop "$DB" # so that the next run starts over
        die "installing the addons failed"
    fi
    (cd / && "$PY" "$ROOT/scripts/collection_pass.py" "$CONF" "$DB" 2>>"$LOGS/demo-install.log") ||
        say "WARNING: the collection pass failed (see .cache/log/demo-install.log); serving anyway"
fi

say "Serving $DB on http://localhost:${ODOO_HTTP_PORT:-8069} (admin / admin); Ctrl-C to stop"
cd /
"$PY" -m odoo -c "$CONF" -d "$DB"
