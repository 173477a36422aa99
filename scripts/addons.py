"""Print the installable Odoo addons at the root of the repository, one per line.

An addon is a folder with a __manifest__.py whose "installable" is not False.
"""

import ast
import sys
from pathlib import Path


def main(root):
    for manifest in sorted(Path(root).glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text()).get("installable", True):
            print(manifest.parent.name)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
