from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_collection_portal_sms_link = fields.Boolean(
        related="company_id.debt_collection_portal_sms_link", readonly=False
    )
