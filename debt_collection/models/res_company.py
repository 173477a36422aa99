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

    # Interest notes
    debt_collection_interest_journal_id = fields.Many2one(
        "account.journal",
        string="Interest Notes Journal",
        check_company=True,
        domain=[("type", "=", "sale")],
        help="Posted interest notes go to this sales journal (created on first use).",
    )
    debt_collection_interest_account_id = fields.Many2one(
        "account.account",
        string="Interest Income Account",
        check_company=True,
        help="Financial income account credited with late-payment interest.",
    )
    debt_collection_compensation_account_id = fields.Many2one(
        "account.account",
        string="Compensation Income Account",
        check_company=True,
        help="Other operating income account credited with the compensation for "
        "recovery costs.",
    )
    debt_collection_interest_min_total = fields.Monetary(
        "Minimum Interest Note",
        currency_field="currency_id",
        default=10.0,
        help="No interest note is proposed for a lower total.",
    )
    debt_collection_interest_day_basis = fields.Selection(
        [("365", "365 days"), ("actual", "Actual days of the year")],
        string="Interest Day Basis",
        default="365",
        required=True,
    )
    debt_collection_interest_payment_days = fields.Integer(
        "Interest Note Payment Days",
        default=7,
        help="An interest note is due this many days after its date.",
    )
    debt_collection_nbp_online = fields.Boolean(
        "Fetch Rates From NBP",
        default=True,
        help="The company has internet access: the statutory interest rates are "
        "updated daily from NBP, and an EUR rate the compensation needs is "
        "fetched from NBP. Off: rates are kept by hand.",
    )
    debt_collection_nbp_rates_url = fields.Char(
        "NBP Interest Rates File",
        default="https://static.nbp.pl/dane/stopy/stopy_procentowe_archiwum.xml",
        help="NBP's file of its interest rates (the archive, or the current "
        "rates); the statutory tables are derived from its reference rate.",
    )
    debt_collection_nbp_api_url = fields.Char(
        "NBP Exchange Rates API",
        default="https://api.nbp.pl/api",
        help="NBP's web API; its table A mid rates convert the compensation.",
    )
    debt_collection_nbp_error = fields.Text(
        "Last NBP Update Failure",
        readonly=True,
        help="Why the last update of the rates from NBP failed (empty once one "
        "succeeds).",
    )
    debt_collection_nbp_error_date = fields.Datetime(
        "Last NBP Update Failed On", readonly=True
    )

    @api.constrains(
        "debt_collection_interest_min_total", "debt_collection_interest_payment_days"
    )
    def _check_debt_collection_interest_settings(self):
        for company in self:
            if (
                company.debt_collection_interest_min_total < 0
                or company.debt_collection_interest_payment_days < 0
            ):
                raise ValidationError(
                    _("The interest note minimum and payment days cannot be negative.")
                )

    @api.constrains("debt_collection_nbp_rates_url", "debt_collection_nbp_api_url")
    def _check_debt_collection_nbp_urls(self):
        for company in self:
            for url in (
                company.debt_collection_nbp_rates_url,
                company.debt_collection_nbp_api_url,
            ):
                if url and not url.startswith(("https://", "http://")):
                    raise ValidationError(
                        _(
                            "An NBP address starts with https:// (or http://), "
                            "not %(url)s.",
                            url=url,
                        )
                    )

    def _debt_collection_interest_journal(self):
        """The interest notes journal, created with code NO when missing."""
        self.ensure_one()
        journal = self.debt_collection_interest_journal_id
        if journal:
            return journal
        Journal = self.env["account.journal"].sudo()  # sudo: configuration on first use
        codes = set(Journal.search([("company_id", "=", self.id)]).mapped("code"))
        code = next(c for c in ("NO", "NOD", "NOTA", "INT") if c not in codes)
        journal = Journal.create(
            {
                "name": _("Interest Notes"),
                "code": code,
                "type": "sale",
                "company_id": self.id,
                "default_account_id": self.debt_collection_interest_account_id.id,
            }
        )
        self.sudo().debt_collection_interest_journal_id = journal
        return journal

    # Payment demands
    debt_collection_demand_days = fields.Integer(
        "Demand Payment Days",
        default=7,
        help="A payment demand asks to pay within this many days of its date.",
    )
    debt_collection_demand_auto_approve = fields.Boolean(
        "Approve Demands Automatically",
        help="Demands are approved as soon as they are prepared, without a manager.",
    )
    debt_collection_final_demand_text = fields.Html(
        "Final Demand Consequences",
        translate=True,
        sanitize=True,
        help="Printed on final demands: what happens when they are not paid. "
        "Empty: the standard text (court proceedings, costs, debt register).",
    )

    def _debt_collection_demand_sequence(self, kind):
        """The company's own numbering of demands of ``kind`` (WZ/…, WO/…)."""
        self.ensure_one()
        code = {
            "demand": "debt.collection.demand",
            "final_demand": "debt.collection.final.demand",
        }[kind]
        # sudo: sequences are configuration, created per company on first use.
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", code), ("company_id", "=", self.id)], limit=1
        )
        if not sequence:
            template = self.env.ref(f"debt_collection.sequence_{kind}").sudo()
            sequence = template.copy({"company_id": self.id, "number_next": 1})
        return sequence

    @api.constrains("debt_collection_demand_days")
    def _check_debt_collection_demand_days(self):
        for company in self:
            if company.debt_collection_demand_days < 0:
                raise ValidationError(_("Demand payment days cannot be negative."))

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
