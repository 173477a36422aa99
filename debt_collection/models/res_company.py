import pytz

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.base.models.res_partner import _tz_get

from ..tools import calendar as sending_calendar
from ..tools.holidays import PUBLIC_HOLIDAYS

_lt = LazyTranslate(__name__)

PUBLIC_HOLIDAY_NAMES = {
    "new_year": _lt("New Year's Day"),
    "epiphany": _lt("Epiphany"),
    "easter": _lt("Easter Sunday"),
    "easter_monday": _lt("Easter Monday"),
    "labour_day": _lt("Labour Day"),
    "constitution_day": _lt("Constitution Day"),
    "pentecost": _lt("Pentecost"),
    "corpus_christi": _lt("Corpus Christi"),
    "assumption": _lt("Assumption of Mary"),
    "all_saints": _lt("All Saints' Day"),
    "independence_day": _lt("Independence Day"),
    "christmas_eve": _lt("Christmas Eve"),
    "christmas": _lt("Christmas Day"),
    "christmas_second": _lt("Second Day of Christmas"),
}

# What decides which documents existing at switch-on are collected.
EXISTING_CHOICE_FIELDS = (
    "debt_collection_existing",
    "debt_collection_existing_due_from",
    "debt_collection_enabled_date",
)


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
        "collected: the others get Subject to Collection unticked (tick it on "
        "a document to collect it anyway). New documents are always included.",
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
    debt_collection_public_holidays = fields.Selection(
        [("pl", "Poland")],
        string="Public Holidays",
        compute="_compute_debt_collection_public_holidays",
        store=True,
        readonly=False,
        help="Nothing is sent on the public holidays of this country, computed "
        "for every year (movable feasts included). Set from the company's "
        "country; empty: only the holidays entered by hand.",
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
    debt_collection_retry_days = fields.Integer(
        "Retry Period (Days)",
        default=3,
        help="A failed action (no e-mail address, gateway outage, template "
        "error) and an e-mail the mail server could not take for a passing "
        "reason are tried again after 15 minutes, 1 hour, 4 hours, then daily, "
        "for this many days from the first failure.",
    )

    @api.constrains("debt_collection_retry_days")
    def _check_debt_collection_retry_days(self):
        for company in self:
            if not 1 <= company.debt_collection_retry_days <= 30:
                raise ValidationError(
                    _("The retry period must be between 1 and 30 days.")
                )

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
        before = {}
        if set(vals) & set(EXISTING_CHOICE_FIELDS):
            before = {
                company.id: company._debt_collection_existing_choice()
                for company in self
            }
        result = super().write(vals)
        for company in self.filtered(lambda c: c.id in before):
            company._debt_collection_apply_existing(before[company.id])
        if vals.get("debt_collection_enabled"):
            self._debt_collection_switch_on()
        return result

    def _debt_collection_existing_choice(self):
        self.ensure_one()
        return {name: self[name] for name in EXISTING_CHOICE_FIELDS}

    @api.model
    def _debt_collection_excluded_sql(self, choice):
        """SQL condition on a document ``m``: it existed when collection was
        switched on, and the company's ``choice`` of existing documents
        (see :meth:`_debt_collection_existing_choice`) leaves it out."""
        enabled = choice["debt_collection_enabled_date"]
        if not enabled or choice["debt_collection_existing"] == "all":
            return SQL("FALSE")
        condition = SQL("m.create_date < %s", enabled)
        if choice["debt_collection_existing"] == "from_due_date":
            condition = SQL(
                """%s AND NOT EXISTS (
                    SELECT 1 FROM account_move_line aml
                      JOIN account_account a ON a.id = aml.account_id
                     WHERE aml.move_id = m.id AND a.account_type = 'asset_receivable'
                       AND COALESCE(aml.date_maturity, aml.date) >= %s)""",
                condition,
                choice["debt_collection_existing_due_from"],
            )
        return condition

    def _debt_collection_apply_existing(self, before):
        """Make the subject-to-collection flag of the documents tell the truth
        about the existing ones: the company's choice leaves them out, so
        they are unticked (one UPDATE). Those the ``before`` choice left out
        and the new one includes are ticked again, unless someone set their
        flag by hand (a flag event) or the customer is not collected."""
        self.ensure_one()
        self.env.flush_all()
        now_excluded = self._debt_collection_excluded_sql(
            self._debt_collection_existing_choice()
        )
        was_excluded = self._debt_collection_excluded_sql(before)
        receivable = SQL(
            """m.company_id = %s AND EXISTS (
                SELECT 1 FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                 WHERE aml.move_id = m.id AND a.account_type = 'asset_receivable')""",
            self.id,
        )
        self.env.cr.execute(
            SQL(
                """UPDATE account_move m SET debt_collection_subject = FALSE
                    WHERE m.debt_collection_subject AND %s AND %s""",
                receivable,
                now_excluded,
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE account_move m SET debt_collection_subject = TRUE
                     FROM res_partner cp
                    WHERE cp.id = m.debt_collection_partner_id
                      AND cp.debt_collection_subject
                      AND NOT m.debt_collection_subject AND %s AND %s AND NOT %s
                      AND NOT EXISTS (
                          SELECT 1 FROM debt_collection_event e
                           WHERE e.move_id = m.id AND e.event_type = 'flag')""",
                receivable,
                was_excluded,
                now_excluded,
            )
        )
        self.env["account.move"].invalidate_model(["debt_collection_subject"])

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
        """The days the run does not send: the company's holidays and the
        public holidays of its country (computed per year)."""
        self.ensure_one()
        return sending_calendar.Holidays(
            self.debt_collection_holiday_ids.mapped("date"),
            PUBLIC_HOLIDAYS.get(self.debt_collection_public_holidays),
        )

    @api.depends("country_id")
    def _compute_debt_collection_public_holidays(self):
        for company in self:
            code = (company.country_id.code or "").lower()
            company.debt_collection_public_holidays = (
                code if code in PUBLIC_HOLIDAYS else False
            )

    @api.model
    def _debt_collection_public_holiday_list(self, country, year):
        """[(date, name)] of the public holidays of ``country`` (a value of
        ``debt_collection_public_holidays``) in ``year``, translated."""
        yearly = PUBLIC_HOLIDAYS.get(country)
        if not yearly:
            return []
        return [
            (day, self.env._(PUBLIC_HOLIDAY_NAMES[code]))
            for day, code in sorted(yearly(year).items())
        ]
