#!/usr/bin/env bash
# make demo: serve Odoo with the addons and the demo story on
# http://localhost:8069 (login admin / admin). The database debt_collection_demo
# is created the first time for a Polish company (PLN, Polish chart l10n_pl,
# Polish installed, the administrator in Polish; DEMO_LANG=en_US for English)
# and given the demo story (debt.collection.demo: a year of invoices and four
# months of collection), then reused (demo.sh --reset, i.e. make demo-reset,
# drops it first: after model or data changes). Ctrl-C stops Odoo, then the
# private PostgreSQL server if this script started it.
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
    # Not the queue_job bridge: the demo server runs no job runner, so its
    # jobs would wait for ever (the crons work the batches).
    mapfile -t addons < <(repo_addons | grep -vx debt_collection_queue_job)
    lang="${DEMO_LANG:-pl_PL}"
    say "Creating $DB: a Polish company, $lang (log: .cache/log/demo-install.log)"
    : >"$LOGS/demo-install.log"
    (cd / && "$PY" "$ROOT/scripts/demo_db.py" "$CONF" "$DB" create "$lang" 2>>"$LOGS/demo-install.log") || {
        db drop "$DB"
        die "creating the database failed (see .cache/log/demo-install.log)"
    }
    say "Installing l10n_pl ${addons[*]}"
    if ! install_addons "$CONF" "$DB" "$LOGS/demo-install.log" -i l10n_pl "${addons[@]}"; then
        db drop "$DB" # so that the next run starts over
        die "installing the addons failed"
    fi
    say "Building the demo story (a few minutes)"
    (cd / && "$PY" "$ROOT/scripts/demo_db.py" "$CONF" "$DB" build 2>>"$LOGS/demo-install.log") || {
        db drop "$DB"
        die "building the demo failed (see .cache/log/demo-install.log)"
    }
fi

say "Serving $DB on http://localhost:${ODOO_HTTP_PORT:-8069} (admin / admin); Ctrl-C to stop"
cd /
"$PY" -m odoo -c "$CONF" -d "$DB"
