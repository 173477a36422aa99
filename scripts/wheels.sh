#!/usr/bin/env bash
# The addons install like any OCA addon: each builds as a wheel named
# odoo-addon-<addon> (its pyproject.toml, build backend whool), and one of
# them installs into a fresh virtualenv beside Odoo, where Odoo finds it.
#   wheels.sh [ADDON]   the addon to install (default: debt_collection)
# Builds from the files git tracks (as whool does), in a temporary folder.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ensure_venv
ensure_odoo
installed="${1:-debt_collection}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

mapfile -t addons < <(repo_addons)
say "Building the wheels of ${addons[*]}"
for addon in "${addons[@]}"; do
    [ -f "$ROOT/$addon/pyproject.toml" ] || die "$addon has no pyproject.toml"
    for file in icon.png index.html; do # what Odoo's Apps screen shows
        [ -f "$ROOT/$addon/static/description/$file" ] || die "$addon has no static/description/$file"
    done
done
# One pip for all of them (pip starts in seconds). No build isolation: whool
# comes from .venv (requirements.txt), so the build needs no network.
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$tmp/wheels" "${addons[@]/#/$ROOT/}" ||
    die "building the wheels failed"
for addon in "${addons[@]}"; do
    compgen -G "$tmp/wheels/odoo_addon_${addon}-18.0.*-py3-none-any.whl" >/dev/null ||
        die "no wheel odoo_addon_${addon}-18.0.* in: $(ls "$tmp/wheels")"
done

say "Installing odoo-addon-$installed into a fresh virtualenv beside Odoo"
# The interpreter .venv was made from, with its site-packages (where Odoo may
# be installed); .venv's site-packages too, for an Odoo found by lib.sh.
base_python="$("$PY" -c 'import sys; print(sys._base_executable)')"
"$base_python" -m venv --system-site-packages --without-pip "$tmp/venv"
site="$("$tmp/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
"$tmp/venv/bin/python" -c 'import sys; open(sys.argv[1], "w").write(f"import site; site.addsitedir({sys.argv[2]!r})\n")' \
    "$site/zz_beside_odoo.pth" "$(_venv_site_packages)"
"$PY" -m pip --python "$tmp/venv/bin/python" install -q --no-deps --no-index \
    "$tmp"/wheels/odoo_addon_"${installed}"-*.whl ||
    die "installing the wheel of $installed failed"

# Odoo looks for addons in odoo/addons of every sys.path entry: the addon
# must be found there, in the new virtualenv, not in this checkout.
found="$(cd / && "$tmp/venv/bin/python" - "$installed" <<'EOF'
import sys

from odoo.modules import module

path = module.get_module_path(sys.argv[1], display_warning=False)
print(path or "")
EOF
)"
[ "$found" = "$site/odoo/addons/$installed" ] ||
    die "Odoo finds $installed at '${found:-nowhere}', not in the new virtualenv ($site/odoo/addons)"
[ -f "$found/static/description/icon.png" ] && [ -f "$found/static/description/index.html" ] ||
    die "the wheel of $installed lacks its icon or description page"
say "OK: ${#addons[@]} wheels built; Odoo finds $installed in $found"
