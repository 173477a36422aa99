#!/usr/bin/env bash
# Control the private PostgreSQL server (not used when PGHOST/PGPORT/PGUSER are set).
#   pg.sh start | stop | status | psql [args] | destroy
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-status}" in
start) pg_start ;;
stop) pg_stop ;;
status)
    pg_settings
    if [ "$PG_PRIVATE" = 0 ]; then
        echo "using the server from PGHOST/PGPORT/PGUSER (${PGHOST:-}:${PGPORT:-})"
    elif _pg_running; then
        echo "running: data $PG_DATA, socket folder $PG_SOCK, port $DB_PORT"
    else
        echo "not running (data folder: $PG_DATA)"
    fi
    ;;
psql)
    shift
    pg_settings
    exec psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "${@:-postgres}"
    ;;
destroy)
    # Stop and delete the private cluster (all its databases).
    pg_stop
    if [ "$PG_PRIVATE" = 1 ]; then rm -rf "$PG_DIR" "$CACHE/pg"; fi
    ;;
*) die "usage: $0 start|stop|status|psql|destroy" ;;
esac
