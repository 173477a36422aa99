from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Sales blocks and the collector's desk
    debt_collection_block_release = fields.Selection(
        related="company_id.debt_collection_block_release", readonly=False
    )
    debt_collection_block_release_amount = fields.Monetary(
        related="company_id.debt_collection_block_release_amount", readonly=False
    )
    debt_collection_block_invoices = fields.Selection(
        related="company_id.debt_collection_block_invoices", readonly=False
    )
    debt_collection_promise_grace_days = fields.Integer(
        related="company_id.debt_collection_promise_grace_days", readonly=False
    )
