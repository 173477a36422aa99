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
    # The collected customer of existing documents, computed in SQL: the
    # invoice's customer, else the partner of a receivable line (opening
    # balances).
    env.cr.execute(
        """
        ALTER TABLE account_move ADD COLUMN IF NOT EXISTS debt_collection_partner_id int4;
        UPDATE account_move SET debt_collection_partner_id = commercial_partner_id
         WHERE commercial_partner_id IS NOT NULL;
        UPDATE account_move m SET debt_collection_partner_id = sub.partner_id
          FROM (SELECT DISTINCT ON (aml.move_id) aml.move_id, p.commercial_partner_id AS partner_id
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE a.account_type = 'asset_receivable'
                 ORDER BY aml.move_id, aml.id) sub
         WHERE m.id = sub.move_id AND m.debt_collection_partner_id IS NULL
        """
    )
