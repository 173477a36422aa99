#!/usr/bin/env bash
# make bench: run tools/bench/run_bench.py against the database
# debt_collection_bench (the script manages that database); extra arguments
# come from $BENCH_ARGS.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

script="$ROOT/tools/bench/run_bench.py"
[ -f "$script" ] || die "$script does not exist yet"
setup_all
trap pg_stop_if_started EXIT
# eval: honour shell quoting in BENCH_ARGS, like a command line
extra=()
eval "extra=(${BENCH_ARGS:-})"
cd "$ROOT"
"$PY" "$script" --config "$CONF" --database debt_collection_bench "${extra[@]}"
