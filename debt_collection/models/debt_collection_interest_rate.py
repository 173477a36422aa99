from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.interest import RatePeriod
from ..tools.money import to_decimal

STATUTORY_KINDS = [
    ("statutory_commercial", "Statutory interest for delay in commercial transactions"),
    ("statutory_civil", "Statutory interest for delay (art. 481 of the Civil Code)"),
]


class DebtCollectionInterestRate(models.Model):
    """A statutory interest rate period: valid from its start date until the
    next period of the same kind starts."""

    _name = "debt.collection.interest.rate"
    _description = "Statutory Interest Rate"
    _order = "rate_type, date_from desc"
    _rec_name = "date_from"

    rate_type = fields.Selection(STATUTORY_KINDS, string="Kind", required=True)
    date_from = fields.Date("Valid From", required=True)
    rate = fields.Float("Annual Rate (%)", digits=(6, 2), required=True)
    note = fields.Char(
        help="Where the rate comes from, e.g. the Monitor Polski announcement."
    )

    _sql_constraints = [
        (
            "type_date_unique",
            "UNIQUE(rate_type, date_from)",
            "A rate of this kind already starts on this date.",
        ),
    ]

    @api.constrains("rate")
    def _check_rate(self):
        for rate in self:
            if rate.rate < 0 or rate.rate > 100:
                raise ValidationError(
                    _(
                        "An annual interest rate must be between 0 and 100 %%, not "
                        "%(rate)s %%.",
                        rate=rate.rate,
                    )
                )

    @api.depends("rate_type", "date_from", "rate")
    def _compute_display_name(self):
        for rate in self:
            rate.display_name = f"{rate.date_from}: {rate.rate:.2f} %"

    @api.model
    def _get_periods(self, rate_type):
        """The periods of a statutory kind, for the pure computation."""
        return [
            RatePeriod(rate.date_from, to_decimal(rate.rate))
            for rate in self.search([("rate_type", "=", rate_type)], order="date_from")
        ]

    @api.model
    def _add_demo_rates(self):
        """Demo only: repeat the last known rates up to today, labelled, so that
        the demo computes interest today. Real databases get real rates."""
        today = fields.Date.context_today(self)
        horizon = self.env.company.debt_collection_rate_horizon_months or 6
        for rate_type, _label in STATUTORY_KINDS:
            last = self.search(
                [("rate_type", "=", rate_type)], order="date_from desc", limit=1
            )
            while last:
                start = fields.Date.add(last.date_from, months=horizon)
                if start > today:
                    break
                last = self.create(
                    {
                        "rate_type": rate_type,
                        "date_from": start,
                        "rate": last.rate,
                        "note": _("demo — verify before use"),
                    }
                )
