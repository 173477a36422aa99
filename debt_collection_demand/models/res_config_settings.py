from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_collection_demand_days = fields.Integer(
        related="company_id.debt_collection_demand_days", readonly=False
    )
    debt_collection_demand_auto_approve = fields.Boolean(
        related="company_id.debt_collection_demand_auto_approve", readonly=False
    )
    debt_collection_final_demand_text = fields.Html(
        related="company_id.debt_collection_final_demand_text", readonly=False
    )
