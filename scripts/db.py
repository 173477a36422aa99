"""Small database chores for the Makefile targets: db.py CONF COMMAND ARGS.

  exists NAME               exit 0 when database NAME exists, else 1
  drop NAME                 drop NAME (closing its connections) and its filestore
  not-installed NAME ADDON...
                            print the addons not in state "installed"; exit 1 if any
  sessions                  print how many other client sessions are connected

Connection settings come from the [options] of the Odoo config CONF, so this
talks to exactly the server Odoo uses.
"""

import configparser
import os
import shutil
import sys

import psycopg2
from psycopg2 import sql


def connect(conf, dbname):
    params = {"dbname": dbname}
    for key in ("host", "port", "user", "password"):
        value = conf.get(f"db_{key}", "False")
        if value not in ("", "False"):
            params[key] = value
    try:
        conn = psycopg2.connect(**params)
    except psycopg2.OperationalError as error:
        sys.exit(f"cannot connect to PostgreSQL ({params}): {error}")
    conn.autocommit = True
    return conn


def exists(conf, name):
    with connect(conf, "postgres") as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return 0 if cr.fetchone() else 1


def drop(conf, name):
    conn = connect(conf, "postgres")
    with conn.cursor() as cr:
        # WITH (FORCE) (PostgreSQL 13+) ends sessions left by a killed run.
        cr.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
    conn.close()
    shutil.rmtree(
        os.path.join(conf.get("data_dir"), "filestore", name), ignore_errors=True
    )
    return 0


def not_installed(conf, name, *addons):
    conn = connect(conf, name)
    with conn.cursor() as cr:
        cr.execute(
            "SELECT name, state FROM ir_module_module WHERE name = ANY(%s)",
            [list(addons)],
        )
        states = dict(cr.fetchall())
    conn.close()
    missing = [
        f"{addon} ({states.get(addon, 'not found')})"
        for addon in addons
        if states.get(addon) != "installed"
    ]
    if missing:
        print(", ".join(missing))
    return 1 if missing else 0


def sessions(conf):
    with connect(conf, "postgres") as conn, conn.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        print(cr.fetchone()[0])
    return 0


def main(conf_path, command, *args):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(conf_path)
    conf = parser["options"]
    commands = {
        "exists": exists,
        "drop": drop,
        "not-installed": not_installed,
        "sessions": sessions,
    }
    return commands[command](conf, *args)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
