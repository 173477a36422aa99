"""An Odoo worker in a process of its own: it sends a company's queued
collection SMS (committing like the cron does) and can be killed by the
test while the gateway holds its request.

    python sms_worker.py <odoo config file> <database> <company id>
"""

import sys

import odoo
from odoo import SUPERUSER_ID, api


def main(config_file, database, company_id):
    odoo.tools.config.parse_config(["-c", config_file, "-d", database])
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].browse(int(company_id))
        env["debt.collection.delivery"]._send_sms_queue(company)


if __name__ == "__main__":
    main(*sys.argv[1:4])
