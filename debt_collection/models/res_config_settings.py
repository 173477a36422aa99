from odoo import api, fields, models


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
    debt_collection_retry_days = fields.Integer(
        related="company_id.debt_collection_retry_days", readonly=False
    )
    debt_collection_existing = fields.Selection(
        selection=lambda self: (
            self.env["res.company"]
            ._fields["debt_collection_existing"]
            ._description_selection(self.env)
        ),
        string="Existing Documents Included",
        compute="_compute_debt_collection_existing",
        readonly=False,
        store=True,
    )
    debt_collection_existing_due_from = fields.Date(
        "Existing Documents Due From",
        compute="_compute_debt_collection_existing",
        readonly=False,
        store=True,
    )

    @api.depends("company_id")
    def _compute_debt_collection_existing(self):
        for settings in self:
            settings.debt_collection_existing = (
                settings.company_id.debt_collection_existing
            )
            settings.debt_collection_existing_due_from = (
                settings.company_id.debt_collection_existing_due_from
            )

    def set_values(self):
        result = super().set_values()
        # Both in one write: the company checks them together.
        values = {
            "debt_collection_existing": self.debt_collection_existing,
            "debt_collection_existing_due_from": self.debt_collection_existing_due_from,
        }
        company = self.company_id
        if any(company[name] != value for name, value in values.items()):
            company.write(values)
        return result

    debt_collection_public_holidays = fields.Selection(
        related="company_id.debt_collection_public_holidays", readonly=False
    )
    debt_collection_public_holiday_text = fields.Text(
        "Public Holidays This Year",
        compute="_compute_debt_collection_public_holiday_text",
    )

    @api.depends("debt_collection_public_holidays", "company_id")
    def _compute_debt_collection_public_holiday_text(self):
        year = fields.Date.context_today(self).year
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        Company = self.env["res.company"]
        for settings in self:
            settings.debt_collection_public_holiday_text = "\n".join(
                f"{day.strftime(lang.date_format)} {name}"
                for day, name in Company._debt_collection_public_holiday_list(
                    settings.debt_collection_public_holidays, year
                )
            )

    def action_open_debt_collection_holidays(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_holiday"
        )
