from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_collection_portal_links = fields.Boolean(
        related="company_id.debt_collection_portal_links", readonly=False
    )
    debt_collection_portal_link_days = fields.Integer(
        related="company_id.debt_collection_portal_link_days", readonly=False
    )
    debt_collection_portal_promise_days = fields.Integer(
        related="company_id.debt_collection_portal_promise_days", readonly=False
    )
    debt_collection_portal_payment_hold_days = fields.Integer(
        related="company_id.debt_collection_portal_payment_hold_days", readonly=False
    )
    debt_collection_statement_interest = fields.Boolean(
        related="company_id.debt_collection_statement_interest", readonly=False
    )
    debt_collection_confirmation_reply_days = fields.Integer(
        related="company_id.debt_collection_confirmation_reply_days", readonly=False
    )
    debt_collection_confirmation_reminders = fields.Integer(
        related="company_id.debt_collection_confirmation_reminders", readonly=False
    )
