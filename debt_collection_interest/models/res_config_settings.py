from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_collection_interest_journal_id = fields.Many2one(
        related="company_id.debt_collection_interest_journal_id", readonly=False
    )
    debt_collection_interest_account_id = fields.Many2one(
        related="company_id.debt_collection_interest_account_id", readonly=False
    )
    debt_collection_compensation_account_id = fields.Many2one(
        related="company_id.debt_collection_compensation_account_id", readonly=False
    )
    debt_collection_interest_min_total = fields.Monetary(
        related="company_id.debt_collection_interest_min_total", readonly=False
    )
    debt_collection_interest_day_basis = fields.Selection(
        related="company_id.debt_collection_interest_day_basis", readonly=False
    )
    debt_collection_interest_payment_days = fields.Integer(
        related="company_id.debt_collection_interest_payment_days", readonly=False
    )
    debt_collection_nbp_online = fields.Boolean(
        related="company_id.debt_collection_nbp_online", readonly=False
    )
    debt_collection_nbp_rates_url = fields.Char(
        related="company_id.debt_collection_nbp_rates_url", readonly=False
    )
    debt_collection_nbp_api_url = fields.Char(
        related="company_id.debt_collection_nbp_api_url", readonly=False
    )
    debt_collection_nbp_error = fields.Text(
        related="company_id.debt_collection_nbp_error"
    )

    def action_debt_collection_update_rates(self):
        return self.env["debt.collection.interest.rate"].action_update_from_nbp()
