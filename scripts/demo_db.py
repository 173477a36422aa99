"""The demo database of `make demo`: demo_db.py CONF DB COMMAND

create LANG   a new database of a Polish company (country PL, so that the
              accounting installs the Polish chart), in LANG (pl_PL or
              en_US; Polish is always installed), admin / admin, without
              Odoo's own demo data
build         the collection story (debt.collection.demo) in the main
              company, once the addons are installed
"""

import sys

import odoo
from odoo.service import db as db_service
from odoo.tools import config


def create(dbname, lang):
    db_service._create_empty_database(dbname)
    db_service._initialize_db(None, dbname, False, lang, "admin", "admin", "pl")
    print(f"{dbname}: created (Polish company, admin in {lang}).")


def build(dbname):
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        env["debt.collection.demo"]._build_demo(company)
        cr.commit()
        print(f"{dbname}: demo story built in {company.name}.")


def main(conf_path, dbname, command, *args):
    config.parse_config(["-c", conf_path, "-d", dbname, "--no-http"])
    if command == "create":
        create(dbname, *args)
    elif command == "build":
        build(dbname)
    else:
        sys.exit(f"unknown command {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
