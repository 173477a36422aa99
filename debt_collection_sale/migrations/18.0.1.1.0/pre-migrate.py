"""XML ids renamed to one style, ``<model>_view_<type>[_<purpose>]``: the
records keep their ids (and what refers to them), only their names change."""

from odoo.tools import SQL

RENAMED = {
    "view_order_form_debt_collection": "sale_order_view_form_debt_collection",
    "sale_order_tree_debt_collection": "sale_order_view_list_debt_collection",
}


def migrate(cr, version):
    for old, new in RENAMED.items():
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET name = %s WHERE module = %s AND name = %s",
                new,
                "debt_collection_sale",
                old,
            )
        )
