"""Run one debt collection pass on a database: collection_pass.py CONF DB

Used by `make demo` right after the demo database is created, so that the demo
shows reminders, demands and history at once. The pass ignores the sending
calendar (force=True).
"""

import sys

import odoo
from odoo.tools import config


def main(conf_path, dbname):
    config.parse_config(["-c", conf_path, "-d", dbname, "--no-http"])
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        done, _remaining = env["debt.collection.engine"]._run_collection_pass(
            force=True
        )
        cr.commit()
    print(f"Collection pass on {dbname}: {done} customers handled.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
