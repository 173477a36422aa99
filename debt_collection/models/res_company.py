import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.base.models.res_partner import _tz_get


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "debt.collection.calendar.mixin"]

    debt_collection_enabled = fields.Boolean(
        "Automatic Debt Collection",
        help="The hourly collection run acts on this company's receivables.",
    )
    debt_collection_enabled_date = fields.Datetime(
        "Debt Collection Enabled On",
        readonly=True,
        help="Documents created before this moment are existing documents.",
    )
    debt_collection_existing = fields.Selection(
        [
            ("all", "All open documents"),
            ("from_due_date", "Open documents due from a date"),
            ("none", "None, only new documents"),
        ],
        string="Existing Documents Included",
        default="none",
        required=True,
        help="Which documents that existed when collection was switched on are "
        "collected. New documents are always included.",
    )
    debt_collection_existing_due_from = fields.Date(
        "Existing Documents Due From",
        help="Existing documents due before this date are not collected.",
    )
    debt_collection_policy_id = fields.Many2one(
        "debt.collection.policy",
        string="Default Collection Policy",
        check_company=True,
        help="Used for customers and documents without a policy of their own.",
    )
    debt_collection_tz = fields.Selection(
        _tz_get,
        string="Collection Time Zone",
        default=lambda self: self.env.user.tz or "Europe/Warsaw",
        help="The sending hours and days are read in this time zone.",
    )
    debt_collection_holiday_ids = fields.One2many(
        "debt.collection.holiday", "company_id", string="Collection Holidays"
    )
    debt_collection_user_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        help="Gets the collection activities of customers without a collection responsible.",
    )
    debt_collection_report_user_ids = fields.Many2many(
        "res.users",
        "res_company_debt_collection_report_user_rel",
        "company_id",
        "user_id",
        string="Send Run Report To",
        help="After each automatic run that did something, these users get a report.",
    )
    debt_collection_max_attempts = fields.Integer(
        "Attempts Per Action",
        default=3,
        help="A failed action (no e-mail address, template error) is retried on "
        "the next runs until it has been attempted this many times.",
    )

    @api.constrains("debt_collection_max_attempts")
    def _check_debt_collection_max_attempts(self):
        for company in self:
            if company.debt_collection_max_attempts < 1:
                raise ValidationError(_("An action must be attempted at least once."))

    @api.constrains("debt_collection_policy_id")
    def _check_debt_collection_policy_company(self):
        for company in self:
            company.debt_collection_policy_id._check_usable_in(company)

    @api.constrains("debt_collection_existing", "debt_collection_existing_due_from")
    def _check_debt_collection_existing(self):
        for company in self:
            if (
                company.debt_collection_existing == "from_due_date"
                and not company.debt_collection_existing_due_from
            ):
                raise ValidationError(
                    _("Give the due date from which existing documents are collected.")
                )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("debt_collection_enabled"):
            self._debt_collection_switch_on()
        return result

    def _debt_collection_switch_on(self):
        """Enable collection; documents existing now become "existing" ones."""
        for company in self:
            if not company.debt_collection_enabled:
                company.debt_collection_enabled = True  # write() comes back here
            if not company.debt_collection_enabled_date:
                company.debt_collection_enabled_date = fields.Datetime.now()
        cron = self.env.ref(
            "debt_collection.ir_cron_debt_collection", raise_if_not_found=False
        )
        if cron and not cron.active:
            cron.sudo().active = True  # sudo: cron jobs belong to the system

    def _debt_collection_local_now(self):
        """The current time, naive, in the company's collection time zone."""
        self.ensure_one()
        tz = pytz.timezone(self.debt_collection_tz or "UTC")
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(tz).replace(tzinfo=None)

    def _debt_collection_today(self):
        return self._debt_collection_local_now().date()

    def _debt_collection_holidays(self):
        self.ensure_one()
        return set(self.debt_collection_holiday_ids.mapped("date"))
