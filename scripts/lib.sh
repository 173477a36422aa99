# shellcheck shell=bash
# Shared helpers for the Makefile targets. Source it from bash:
#   . "$(dirname "$0")/lib.sh"
# It only defines variables and functions; nothing runs on load.
#
# Knobs (environment variables):
#   PYTHON        interpreter used to create .venv (default: python3)
#   ODOO_SRC      folder that contains the `odoo` package (Odoo 18 source)
#   PGHOST/PGPORT/PGUSER/PGPASSWORD
#                 use that PostgreSQL server instead of the private one
#   DC_PG_PORT    port of the private server's unix socket (default 54329)
#   PG_BIN        folder with initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
#   ODOO_HTTP_PORT, ODOO_HTTP_INTERFACE   where `make demo` serves (8069, 127.0.0.1)
#   ODOO_TEST_HTTP_PORT   where the tests serve their browser tours (8169)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
LOGS="$CACHE/log"
CONF="$CACHE/odoo.conf"           # demo / bench / shell
TEST_CONF="$CACHE/odoo-test.conf" # make test (pytest-odoo)
CORE_TEST_CONF="$CACHE/odoo-test-core.conf" # make test, the core addon alone

ODOO_TARBALL_URL="https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
ODOO_GIT_URL="https://github.com/odoo/odoo"

say() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------- virtualenv

# .venv sees the machine's site-packages, so an Odoo installed there (and its
# Python dependencies) is used as is; requirements.txt adds our dev tools.
ensure_venv() {
    if ! "$PY" -c 'import sys' 2>/dev/null; then
        say "Creating .venv (${PYTHON:-python3} -m venv --system-site-packages)"
        rm -rf "$VENV"
        "${PYTHON:-python3}" -m venv --system-site-packages "$VENV" ||
            die "could not create .venv (on Debian: apt-get install python3-venv)"
    fi
    local want have=""
    want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-addons.txt" | sha256sum | cut -d' ' -f1)"
    [ -f "$VENV/.requirements.sha256" ] && have="$(cat "$VENV/.requirements.sha256")"
    if [ "$want" != "$have" ]; then
        say "Installing requirements.txt and requirements-addons.txt into .venv"
        "$PY" -m pip install -q -r "$ROOT/requirements.txt" || die "pip install -r requirements.txt failed"
        # Other addons' wheels require the odoo package from PyPI, which an
        # Odoo from source or a .deb does not register: --no-deps.
        "$PY" -m pip install -q --no-deps -r "$ROOT/requirements-addons.txt" ||
            die "pip install -r requirements-addons.txt failed"
        echo "$want" >"$VENV/.requirements.sha256"
    fi
}

# ---------------------------------------------------------------------- Odoo

# Prints "<major> <folder containing the odoo package>" for the odoo that .venv's
# python imports, or nothing. Run from / so no folder named odoo shadows it.
_odoo_importable() {
    (cd / && "$PY" -c 'import os, odoo.release as r
print(r.version_info[0], os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))' 2>/dev/null) || true
}

_venv_site_packages() {
    "$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'
}

# Downloads the official Odoo 18.0 source into .cache/odoo.
# Returns 1 when the internet is unreachable.
_download_odoo() {
    local dest="$CACHE/odoo" tmp="$CACHE/odoo.download"
    rm -rf "$tmp" && mkdir -p "$tmp"
    if curl -fsSI --max-time 15 "$ODOO_TARBALL_URL" >/dev/null 2>&1; then
        say "Downloading Odoo 18.0 source ($ODOO_TARBALL_URL)"
        curl -fL --retry 3 -o "$tmp/odoo.tar.gz" "$ODOO_TARBALL_URL" || return 1
        tar -xzf "$tmp/odoo.tar.gz" -C "$tmp" --strip-components=1 || return 1
        rm -f "$tmp/odoo.tar.gz"
    elif git ls-remote --heads "$ODOO_GIT_URL" 18.0 >/dev/null 2>&1; then
        say "Cloning Odoo 18.0 ($ODOO_GIT_URL)"
        rm -rf "$tmp"
        git clone -q --depth 1 -b 18.0 "$ODOO_GIT_URL" "$tmp" || return 1
    else
        rm -rf "$tmp"
        return 1
    fi
    rm -rf "$dest" && mv "$tmp" "$dest"
}

# A bare source tree (ODOO_SRC, download) lacks Odoo's Python dependencies.
# Odoo's pins for Python < 3.12 partly fail to build from PyPI nowadays: if
# they do, use its Python 3.12 pins instead (scripts/odoo_requirements.py).
_install_odoo_requirements() {
    local reqs="$1" log="$CACHE/log/odoo-requirements.log"
    mkdir -p "$CACHE/log"
    say "Installing Odoo's Python requirements ($reqs) into .venv (log: .cache/log/odoo-requirements.log)"
    "$PY" -m pip install -r "$reqs" >"$log" 2>&1 && return 0
    say "Some official pins failed to install; retrying with Odoo's Python 3.12 pins"
    "$PY" "$ROOT/scripts/odoo_requirements.py" "$reqs" "$CACHE/odoo-requirements.txt"
    "$PY" -m pip install -r "$CACHE/odoo-requirements.txt" >>"$log" 2>&1 || {
        tail -n 30 "$log" >&2
        die "installing Odoo's Python requirements failed (log: $log). On Debian, building them needs: apt-get install build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev"
    }
}

# Sets ODOO_DIR (folder containing the odoo package) and ADDONS_PATH.
# Order: $ODOO_SRC, the odoo .venv imports, .cache/odoo, a fresh download.
ensure_odoo() {
    local pth found major dir
    pth="$(_venv_site_packages)/debt_collection_odoo.pth"
    rm -f "$pth" # rewritten below when needed
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || die "ODOO_SRC=$ODOO_SRC does not contain the odoo package (odoo/release.py)"
        ODOO_DIR="$(cd "$ODOO_SRC" && pwd)"
    else
        found="$(_odoo_importable)"
        major="${found%% *}" dir="${found#* }"
        if [ "$major" = 18 ]; then
            ODOO_DIR="$dir"
        elif [ -f "$CACHE/odoo/odoo/release.py" ]; then
            ODOO_DIR="$CACHE/odoo"
        elif _download_odoo; then
            ODOO_DIR="$CACHE/odoo"
        else
            die "Odoo 18 not found${major:+ (python imports Odoo $major from $dir)} and it could not be downloaded (no internet?).
Provide it in one of these ways, then run make again:
  - export ODOO_SRC=/path/to/odoo-18.0   (the folder that contains the 'odoo' package), or
  - install Odoo 18 for ${PYTHON:-python3} so that: ${PYTHON:-python3} -c 'import odoo' works."
        fi
    fi
    # A .pth in .venv puts this Odoo first on sys.path (before system site-packages).
    [ "$(_odoo_importable | cut -d' ' -f2-)" = "$ODOO_DIR" ] || echo "$ODOO_DIR" >"$pth"
    found="$(_odoo_importable)"
    if [ "$found" != "18 $ODOO_DIR" ] && [ -f "$ODOO_DIR/requirements.txt" ]; then
        _install_odoo_requirements "$ODOO_DIR/requirements.txt"
        found="$(_odoo_importable)"
    fi
    [ "$found" = "18 $ODOO_DIR" ] ||
        die "python cannot import Odoo 18 from $ODOO_DIR (got: ${found:-import error}); check: cd / && $PY -c 'import odoo'"
    # Official source layout has the addons in <src>/addons; packaged installs
    # (pip/deb/nightly tarball) have them inside odoo/addons already.
    ADDONS_PATH="$ROOT"
    if [ ! -d "$ODOO_DIR/odoo/addons/account" ] && [ -d "$ODOO_DIR/addons" ]; then
        ADDONS_PATH="$ROOT,$ODOO_DIR/addons"
    fi
}

# Installable addons of this repository (folder names), one per line.
repo_addons() { "$PY" "$ROOT/scripts/addons.py" "$ROOT"; }

# ---------------------------------------------------------------- PostgreSQL

PG_STARTED_HERE=0

# Sets DB_HOST DB_PORT DB_USER DB_PASSWORD, and PG_PRIVATE=1 when the tooling
# runs its own server (PG_DIR, PG_DATA, PG_SOCK, PG_BIN).
pg_settings() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        PG_PRIVATE=0
        DB_HOST="${PGHOST:-}" DB_PORT="${PGPORT:-}" DB_USER="${PGUSER:-}" DB_PASSWORD="${PGPASSWORD:-}"
        return
    fi
    PG_PRIVATE=1
    if [ -z "${PG_BIN:-}" ]; then
        # shellcheck disable=SC2012 # plain version folders; sort -V picks the newest
        PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
        [ -n "$PG_BIN" ] || PG_BIN="$(dirname "$(command -v initdb || echo /nonexistent/initdb)")"
    fi
    [ -x "$PG_BIN/initdb" ] || die "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin).
Install them (Debian: apt-get install postgresql), set PG_BIN, or point PGHOST/PGPORT/PGUSER at a server."
    PG_DIR="$CACHE/pg"
    # The server cannot run as root: it runs as 'postgres', which must be able
    # to reach the data folder (not the case in a mode-700 checkout), and the
    # unix socket path must stay under ~100 characters.
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$CACHE"
        if [ -L "$PG_DIR" ] || ! _as_pg test -x "$CACHE" || [ ${#PG_DIR} -gt 70 ]; then
            PG_DIR="/var/tmp/debt_collection-pg-$(printf %s "$ROOT" | sha256sum | cut -c1-8)"
        fi
    elif [ ${#PG_DIR} -gt 70 ]; then
        PG_DIR="/tmp/debt_collection-pg-$(id -u)-$(printf %s "$ROOT" | sha256sum | cut -c1-8)"
    fi
    PG_DATA="$PG_DIR/data" PG_SOCK="$PG_DIR/run"
    DB_HOST="$PG_SOCK" DB_PORT="${DC_PG_PORT:-54329}" DB_USER=odoo DB_PASSWORD=""
}

# Runs a command as the 'postgres' OS user when we are root (from /, which
# that user can enter), else as ourselves.
_as_pg() {
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' OS user to run the PostgreSQL server"
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

_pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && _as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

# Creates the private cluster if needed and starts it if not running.
pg_start() {
    pg_settings
    [ "$PG_PRIVATE" = 1 ] || return 0
    if [ "$PG_DIR" != "$CACHE/pg" ] && [ "$(readlink "$CACHE/pg")" != "$PG_DIR" ]; then
        # Keep .cache/pg as the one place to look for the cluster.
        mkdir -p "$CACHE" && ln -sfn "$PG_DIR" "$CACHE/pg"
        say "PostgreSQL data folder: $PG_DIR (linked from .cache/pg)"
    fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        say "Creating PostgreSQL cluster in $PG_DATA (superuser 'odoo', trust auth)"
        mkdir -p "$PG_DIR"
        [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR" && chmod 700 "$PG_DIR"
        local args=(-D "$PG_DATA" -U odoo --auth=trust -E UTF8)
        _as_pg "$PG_BIN/initdb" "${args[@]}" --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
            _as_pg "$PG_BIN/initdb" "${args[@]}" --no-locale >"$PG_DIR/initdb.log" 2>&1 ||
            {
                cat "$PG_DIR/initdb.log" >&2
                die "initdb failed"
            }
        # Unix socket only (no TCP port to clash with), and durability off:
        # this cluster only holds throw-away development databases.
        cat >>"$PG_DATA/postgresql.conf" <<'EOF'

# --- debt_collection tooling ---
listen_addresses = ''
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    _pg_running && return 0
    _as_pg mkdir -p "$PG_SOCK"
    # Socket folder and port are given at start so a moved checkout still works.
    _as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-k $PG_SOCK -p $DB_PORT" start >/dev/null ||
        {
            tail -n 20 "$PG_DIR/server.log" >&2
            die "PostgreSQL did not start (log: $PG_DIR/server.log)"
        }
    PG_STARTED_HERE=1
}

# Stops the private server, quietly. Never touches a PGHOST server.
pg_stop() {
    pg_settings
    [ "$PG_PRIVATE" = 1 ] || return 0
    _pg_running || return 0
    _as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
}

# Stops the private server if this process started it and nobody else (another
# make target, a shell, a second pytest) has connected to it meanwhile.
pg_stop_if_started() {
    [ "$PG_STARTED_HERE" = 1 ] || return 0
    local _
    for _ in 1 2 3 4 5; do # our own sessions may take a moment to end
        if [ "$(db sessions 2>/dev/null || echo 0)" = 0 ]; then
            pg_stop
            return 0
        fi
        sleep 0.2
    done
}

# ------------------------------------------------------------ Odoo config

# write_conf FILE key=value...   (after pg_settings and ensure_odoo)
write_conf() {
    local file="$1"
    shift
    mkdir -p "$CACHE/filestore" "$LOGS"
    "$PY" "$ROOT/scripts/write_conf.py" "$file" \
        db_host="$DB_HOST" db_port="$DB_PORT" db_user="$DB_USER" db_password="$DB_PASSWORD" \
        addons_path="$ADDONS_PATH" data_dir="$CACHE/filestore" \
        "$@"
}

write_confs() {
    # Both get without_demo = False (write_conf.py): Odoo 18 then loads demo
    # data on install, which make demo and make test want.
    write_conf "$CONF" db_name=debt_collection_demo \
        dbfilter='^debt_collection_demo$' \
        http_port="${ODOO_HTTP_PORT:-8069}" http_interface="${ODOO_HTTP_INTERFACE:-127.0.0.1}"
    # Tests: log to a file (pytest shows captured records of failing tests),
    # no cron threads and no queue_job runner (the HTTP server of the tours
    # would start one, which would run the jobs that tests commit while the
    # tests' own workers run them); tours are served on ODOO_TEST_HTTP_PORT
    # (8169), so that two checkouts can run their tests at once on different ports.
    write_conf "$TEST_CONF" db_name=debt_collection_test dbfilter='^debt_collection_test$' \
        logfile="$LOGS/pytest-odoo.log" max_cron_threads=0 queue_job.channels=root:0 \
        http_port="${ODOO_TEST_HTTP_PORT:-8169}" http_interface=127.0.0.1
    # The core addon's tests on a database where only it is installed.
    write_conf "$CORE_TEST_CONF" db_name=debt_collection_core_test \
        dbfilter='^debt_collection_core_test$' logfile="$LOGS/pytest-odoo-core.log" \
        max_cron_threads=0 http_port="${ODOO_TEST_HTTP_PORT:-8169}" http_interface=127.0.0.1
}

# Everything a target needs: .venv, Odoo, a running PostgreSQL, config files.
setup_all() {
    ensure_venv
    ensure_odoo
    pg_start
    write_confs
}

# ------------------------------------------------------------- databases

db() { "$PY" "$ROOT/scripts/db.py" "$CONF" "$@"; }

# install_addons CONF DB LOGFILE MODE ADDON...   (MODE: -i install, -u update)
# Runs Odoo with --stop-after-init; on failure prints the end of the log.
install_addons() {
    local conf="$1" dbname="$2" log="$3" mode="$4" rc=0
    shift 4
    local csv
    csv="$(
        IFS=,
        echo "$*"
    )"
    : >"$log"
    (cd / && "$PY" -m odoo -c "$conf" -d "$dbname" "$mode" "$csv" --stop-after-init --logfile="$log") || rc=$?
    local broken
    broken="$(db not-installed "$dbname" "$@" 2>&1)" || rc=1
    if [ "$rc" != 0 ] || grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log"; then
        echo "---- errors in $log:" >&2
        grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" | head -n 20 >&2 || true
        echo "---- last lines of $log:" >&2
        tail -n 40 "$log" >&2
        [ -n "$broken" ] && echo "not installed: $broken" >&2
        return 1
    fi
}
