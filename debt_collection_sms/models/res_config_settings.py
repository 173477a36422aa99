from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_collection_sms_gateway = fields.Selection(
        related="company_id.debt_collection_sms_gateway", readonly=False
    )
    debt_collection_smsapi_token = fields.Char(
        related="company_id.debt_collection_smsapi_token",
        readonly=False,
        groups="base.group_system",
    )
    debt_collection_smsapi_sender = fields.Char(
        related="company_id.debt_collection_smsapi_sender", readonly=False
    )
    debt_collection_smsapi_test = fields.Boolean(
        related="company_id.debt_collection_smsapi_test", readonly=False
    )
    debt_collection_smsapi_url = fields.Char(
        related="company_id.debt_collection_smsapi_url",
        readonly=False,
        groups="base.group_system",
    )
    debt_collection_smsapi_timeout = fields.Integer(
        related="company_id.debt_collection_smsapi_timeout", readonly=False
    )
    # The window is saved in one write (see set_values): the company checks
    # both hours together, and one related field at a time could fail.
    debt_collection_sms_hour_from = fields.Integer(
        "SMS From Hour",
        compute="_compute_debt_collection_sms_window",
        readonly=False,
        store=True,
    )
    debt_collection_sms_hour_to = fields.Integer(
        "SMS Until Hour",
        compute="_compute_debt_collection_sms_window",
        readonly=False,
        store=True,
    )
    debt_collection_sms_max_per_partner = fields.Integer(
        related="company_id.debt_collection_sms_max_per_partner", readonly=False
    )
    debt_collection_sms_period_days = fields.Integer(
        related="company_id.debt_collection_sms_period_days", readonly=False
    )

    @api.depends("company_id")
    def _compute_debt_collection_sms_window(self):
        for settings in self:
            company = settings.company_id
            settings.debt_collection_sms_hour_from = (
                company.debt_collection_sms_hour_from
            )
            settings.debt_collection_sms_hour_to = company.debt_collection_sms_hour_to

    def set_values(self):
        result = super().set_values()
        values = {
            "debt_collection_sms_hour_from": self.debt_collection_sms_hour_from,
            "debt_collection_sms_hour_to": self.debt_collection_sms_hour_to,
        }
        company = self.company_id
        if any(company[name] != value for name, value in values.items()):
            company.write(values)
        return result
