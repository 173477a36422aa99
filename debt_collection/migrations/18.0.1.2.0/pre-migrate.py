"""XML ids renamed to one style, ``<model>_view_<type>[_<purpose>]``: the
records keep their ids (and what refers to them), only their names change."""

from odoo.tools import SQL

RENAMED = {
    "view_company_ageing_buckets_form": "res_company_view_form_debt_collection_ageing_buckets",
    "view_debt_collection_ageing_form": "debt_collection_ageing_view_form",
    "view_debt_collection_ageing_line_pivot": "debt_collection_ageing_line_view_pivot",
    "view_debt_collection_ageing_line_graph": "debt_collection_ageing_line_view_graph",
    "view_debt_collection_ageing_line_list": "debt_collection_ageing_line_view_list",
    "view_debt_collection_ageing_line_search": "debt_collection_ageing_line_view_search",
    "view_debt_collection_ageing_item_list": "debt_collection_ageing_item_view_list",
    "view_move_list_debt_collection_settlement": "account_move_view_list_debt_collection_settlement",
    "view_move_search_debt_collection_settlement": "account_move_view_search_debt_collection_settlement",
    "view_debt_collection_activity_report_pivot": "debt_collection_activity_report_view_pivot",
    "view_debt_collection_activity_report_graph": "debt_collection_activity_report_view_graph",
    "view_debt_collection_activity_report_list": "debt_collection_activity_report_view_list",
    "view_debt_collection_activity_report_search": "debt_collection_activity_report_view_search",
    "view_debt_collection_kpi_list": "debt_collection_kpi_view_list",
    "view_debt_collection_kpi_graph": "debt_collection_kpi_view_graph",
    "view_debt_collection_kpi_pivot": "debt_collection_kpi_view_pivot",
    "view_debt_collection_kpi_search": "debt_collection_kpi_view_search",
    "view_move_form_debt_collection_block": "account_move_view_form_debt_collection_block",
    "view_invoice_tree_debt_collection_block": "account_move_view_list_debt_collection_block",
    "view_move_form_debt_collection": "account_move_view_form_debt_collection",
    "view_account_invoice_filter_debt_collection": "account_move_view_search_debt_collection",
    "view_out_invoice_tree_debt_collection": "account_move_view_list_debt_collection",
}


def migrate(cr, version):
    for old, new in RENAMED.items():
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET name = %s WHERE module = %s AND name = %s",
                new,
                "debt_collection",
                old,
            )
        )
