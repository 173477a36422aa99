"""Build asset bundles in a database, as a server does for its first visitor:
assets.py CONF DB FILE...   (FILE: BUNDLE.min.js or BUNDLE.min.css)

make test runs it after installing the test database of all the addons: a
browser tour's transaction is rolled back, and the bundles generated for it
with it, so without this every tour class would compile the web client's
JavaScript and SCSS again (about 8 seconds on two cores). The tours load the
same files either way: a bundle's URL holds the checksum of its sources.
"""

import sys

import odoo
from odoo.tools import config


def main(conf_path, dbname, *files):
    config.parse_config(["-c", conf_path, "-d", dbname, "--no-http"])
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for file in files:
            name, _, extension = file.rpartition(".min.")
            bundle = env["ir.qweb"]._get_asset_bundle(
                name, css=extension == "css", js=extension == "js"
            )
            if extension == "css":
                bundle.css()
            else:
                bundle.js()
        cr.commit()


if __name__ == "__main__":
    main(*sys.argv[1:])
