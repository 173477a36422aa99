"""Run one debt collection pass on a database: collection_pass.py CONF DB

Used by `make demo` right after the demo database is created, so the demo
shows reminders/history at once. Until the engine exists in the addon it
only prints a warning.
"""

import sys

import odoo
from odoo.tools import config

MODEL, METHOD = "debt.collection.engine", "_run_collection_pass"


def main(conf_path, dbname):
    config.parse_config(["-c", conf_path, "-d", dbname, "--no-http"])
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if MODEL not in env or not hasattr(env[MODEL], METHOD):
            print(
                f"WARNING: {MODEL}.{METHOD} does not exist yet: no collection pass run."
            )
            return 0
        getattr(env[MODEL], METHOD)(force=True)
        env.cr.commit()
    print(f"Ran {MODEL}.{METHOD}(force=True) on {dbname}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
