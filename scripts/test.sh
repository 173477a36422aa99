#!/usr/bin/env bash
# make test / test-fast / test-update: run the addons' tests with pytest-odoo.
#   test.sh          drop and recreate debt_collection_test (all addons, demo data)
#   test.sh --fast   reuse the existing test database as it is
#   test.sh --update reuse it, but update the addons first (-u), e.g. after XML changes
#   test.sh --core   only the core addon's tests, on a database with only it
# Without PYTEST_ARGS, test.sh first runs the core addon's tests on a database where only it is
# installed (debt_collection_core_test: reminders work without the other
# addons, and no core test leans on them), then every addon's tests. Meanwhile
# (the machine has two cores) the database of all the addons is installed in
# the background; its messages are printed after the core's tests.
# After installing or updating the addons, the web client's bundles are built
# once in the test database (scripts/assets.py), for the browser tours.
# Extra pytest arguments come from $PYTEST_ARGS; pytest's summary is the last line.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mode="${1:-}"
DB=debt_collection_test
setup_all
# Stop the private PostgreSQL server on exit if we started it (quietly).
trap pg_stop_if_started EXIT

mapfile -t addons < <(repo_addons)
[ ${#addons[@]} -gt 0 ] || die "no installable addon found in $ROOT"
# Installed beside the addons for their tests: the Polish chart of accounts
# (real ledgers are tested on l10n_pl) and Odoo's demo payment provider (the
# customer portal pays with it; production installs a real provider).
test_modules=("${addons[@]}" l10n_pl payment_demo)

# run_pytest CONF DB PATH... [ARGS...]: pytest-odoo on DB; returns its exit code.
run_pytest() {
    local conf="$1" dbname="$2"
    shift 2
    # no:benchmark: a machine-wide pytest-benchmark would only add noise and a .benchmarks folder.
    (cd "$ROOT" && "$PY" -m pytest -p no:cacheprovider -p no:benchmark -ra \
        --odoo-config="$conf" --odoo-database="$dbname" --odoo-http --odoo-log-level=warn "$@")
}

# build_assets CONF DB: the web client's bundles, built once and committed
# (scripts/assets.py); without them each tour class builds its own.
build_assets() {
    (cd / && "$PY" "$ROOT/scripts/assets.py" "$1" "$2" web.assets_web.min.css \
        web.assets_web.min.js web.assets_tests.min.js web.assets_web_print.min.css) \
        >"$LOGS/test-assets.log" 2>&1 ||
        say "WARNING: building the web client's bundles failed (log: .cache/log/test-assets.log); each tour builds its own"
}

# install_all: (re)create $DB with every addon, or update them in it (--update);
# prints its messages on stderr and returns non-zero on failure.
install_all() {
    if [ "$mode" != "" ] && db exists "$DB"; then
        if [ "$mode" = --update ]; then
            say "Updating ${addons[*]} in $DB (log: .cache/log/test-install.log)"
            install_addons "$TEST_CONF" "$DB" "$LOGS/test-install.log" -u "${addons[@]}" ||
                { echo "ERROR: updating the addons failed" >&2; return 1; }
            build_assets "$TEST_CONF" "$DB"
        fi
    else
        say "Creating $DB with ${test_modules[*]} and demo data (log: .cache/log/test-install.log)"
        db drop "$DB"
        install_addons "$TEST_CONF" "$DB" "$LOGS/test-install.log" -i "${test_modules[@]}" ||
            { echo "ERROR: installing the addons failed" >&2; return 1; }
        build_assets "$TEST_CONF" "$DB"
    fi
}

rc=0
if { [ "$mode" = "" ] && [ -z "${PYTEST_ARGS:-}" ]; } || [ "$mode" = --core ]; then
    install_rc=0
    if [ "$mode" = "" ]; then
        # Both installs and the core's tests mostly use one core each: install
        # all the addons in the background, show what it said afterwards.
        # Its own process group (set -m), so that an early exit stops Odoo too.
        install_out="$LOGS/test-install.out"
        set -m
        install_all >"$install_out" 2>&1 &
        install_pid=$!
        set +m
        trap 'kill -- -"$install_pid" 2>/dev/null && { wait "$install_pid" || true; }; pg_stop_if_started' EXIT
    fi
    core_db=debt_collection_core_test
    say "Creating $core_db with debt_collection alone and demo data (log: .cache/log/test-core-install.log)"
    db drop "$core_db"
    install_addons "$CORE_TEST_CONF" "$core_db" "$LOGS/test-core-install.log" -i debt_collection l10n_pl ||
        die "installing debt_collection alone failed"
    say "pytest of debt_collection alone (Odoo log: .cache/log/pytest-odoo-core.log)"
    run_pytest "$CORE_TEST_CONF" "$core_db" debt_collection/tests -q || rc=$?
    db drop "$core_db"
    [ "$mode" = --core ] && exit $rc
    wait "$install_pid" || install_rc=$?
    trap pg_stop_if_started EXIT
    cat "$install_out" >&2
    [ "$install_rc" = 0 ] || exit 1
else
    install_all || exit 1
fi

# Test folders of every addon, unless PYTEST_ARGS already names a path.
cd "$ROOT"
# eval: honour shell quoting, e.g. PYTEST_ARGS='-k "a and not b"'
extra=()
eval "extra=(${PYTEST_ARGS:-})"
given_path=0
for arg in "${extra[@]}"; do
    if [ -e "${arg%%::*}" ]; then given_path=1; fi
done
paths=()
if [ $given_path = 0 ]; then
    for addon in "${addons[@]}"; do
        if [ -d "$addon/tests" ]; then paths+=("$addon/tests"); fi
    done
fi

say "pytest (Odoo log: .cache/log/pytest-odoo.log)"
run_pytest "$TEST_CONF" "$DB" "${paths[@]}" "${extra[@]}" || rc=$?
exit $rc
