from odoo.tools import SQL


def pre_init_hook(env):
    """Add the subject-to-collection flags as plain columns with a default.

    Without this the ORM would compute the flag of every existing invoice one by
    one at install; PostgreSQL fills a column default instantly instead.
    """
    for table in ("account_move", "res_partner"):
        env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS debt_collection_subject "
                "boolean DEFAULT true",
                SQL.identifier(table),
            )
        )
