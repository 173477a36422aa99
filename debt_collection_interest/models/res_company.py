from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

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
