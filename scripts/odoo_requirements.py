"""Rewrite Odoo's requirements.txt with the pins meant for Python >= 3.12.

Usage: odoo_requirements.py ODOO_REQUIREMENTS OUTPUT

Odoo 18 pins old (Debian bookworm / Ubuntu jammy) versions for Python < 3.12,
several of which no longer build from PyPI with current pip/setuptools (e.g.
cbor2 5.4.2). Its Python >= 3.12 pins (Ubuntu noble) ship wheels for 3.10+ and
are what lib.sh falls back to when the official pins fail to install.
"""

import sys

from pip._vendor.packaging.markers import Marker

PY312 = {"python_version": "3.12", "python_full_version": "3.12.0"}


def main(source, output):
    kept = []
    for line in open(source).read().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if not requirement:
            continue
        spec, _sep, marker = requirement.partition(";")
        if marker.strip():
            python = PY312 if sys.version_info < (3, 12) else {}
            if not Marker(marker.strip()).evaluate(python):
                continue
        kept.append(spec.strip())
    with open(output, "w") as out:
        out.write("\n".join(kept) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
