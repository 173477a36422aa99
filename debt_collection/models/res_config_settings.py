from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    debt_collection_enabled = fields.Boolean(
        related="company_id.debt_collection_enabled", readonly=False
    )
    debt_collection_policy_id = fields.Many2one(
        related="company_id.debt_collection_policy_id", readonly=False
    )
    debt_collection_tz = fields.Selection(
        related="company_id.debt_collection_tz", readonly=False
    )
    debt_collection_send_mon = fields.Boolean(
        related="company_id.debt_collection_send_mon", readonly=False
    )
    debt_collection_send_tue = fields.Boolean(
        related="company_id.debt_collection_send_tue", readonly=False
    )
    debt_collection_send_wed = fields.Boolean(
        related="company_id.debt_collection_send_wed", readonly=False
    )
    debt_collection_send_thu = fields.Boolean(
        related="company_id.debt_collection_send_thu", readonly=False
    )
    debt_collection_send_fri = fields.Boolean(
        related="company_id.debt_collection_send_fri", readonly=False
    )
    debt_collection_send_sat = fields.Boolean(
        related="company_id.debt_collection_send_sat", readonly=False
    )
    debt_collection_send_sun = fields.Boolean(
        related="company_id.debt_collection_send_sun", readonly=False
    )
    debt_collection_send_hour = fields.Integer(
        related="company_id.debt_collection_send_hour", readonly=False
    )
    debt_collection_user_id = fields.Many2one(
        related="company_id.debt_collection_user_id", readonly=False
    )
    debt_collection_report_user_ids = fields.Many2many(
        related="company_id.debt_collection_report_user_ids", readonly=False
    )
    debt_collection_max_attempts = fields.Integer(
        related="company_id.debt_collection_max_attempts", readonly=False
    )
    debt_collection_existing = fields.Selection(
        related="company_id.debt_collection_existing", readonly=False
    )
    debt_collection_existing_due_from = fields.Date(
        related="company_id.debt_collection_existing_due_from", readonly=False
    )

    def set_values(self):
        was_enabled = {c.id: c.debt_collection_enabled for c in self.company_id}
        super().set_values()
        company = self.company_id
        if company.debt_collection_enabled and not was_enabled.get(company.id):
            company._debt_collection_switch_on()

    def action_open_debt_collection_holidays(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_holiday"
        )
