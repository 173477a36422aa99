from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_collection_recovery_days = fields.Integer(
        related="company_id.debt_collection_recovery_days", readonly=False
    )

    def action_debt_collection_buckets(self):
        return self.company_id.action_debt_collection_buckets()
