#!/usr/bin/env bash
# make lint: ruff format --check, ruff check, pylint-odoo on every addon.
# make format (lint.sh --fix): apply ruff format and the safe ruff fixes.
# Runs every linter even if one fails; exits non-zero if any failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ensure_venv
cd "$ROOT"
if [ "${1:-}" = --fix ]; then
    "$PY" -m ruff check --fix .
    "$PY" -m ruff format .
    exit 0
fi

failed=()
say "ruff format --check"
"$PY" -m ruff format --check . || failed+=("ruff format (run: make format)")
say "ruff check"
"$PY" -m ruff check . || failed+=("ruff check")
mapfile -t addons < <(repo_addons)
say "pylint (pylint_odoo) on ${addons[*]}"
# Odoo must be importable for pylint to follow `from odoo import ...`.
ensure_odoo
"$PY" -m pylint --rcfile=.pylintrc "${addons[@]}" || failed+=("pylint")
if [ ${#failed[@]} -gt 0 ]; then
    printf 'lint failed: %s\n' "${failed[@]}" >&2
    exit 1
fi
say "lint passed"
