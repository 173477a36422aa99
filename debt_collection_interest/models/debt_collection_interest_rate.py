from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.debt_collection.tools.money import to_decimal

from ..tools import nbp
from ..tools.interest import STATUTORY_CIVIL, RatePeriod
from .debt_collection_nbp import NbpUnavailableError

STATUTORY_KINDS = [
    ("statutory_commercial", "Statutory interest for delay in commercial transactions"),
    ("statutory_civil", "Statutory interest for delay (art. 481 of the Civil Code)"),
]
IMPORTED_ON_PARAM = "debt_collection.nbp_rates_imported_on"
# A failed update is not tried again automatically (when a note is proposed)
# for this long; "Update Rates Now" always tries.
RETRY_AFTER = timedelta(hours=1)


class DebtCollectionInterestRate(models.Model):
    """A statutory interest rate period: valid from its start date until the
    next period of the same kind starts. Periods are entered by hand (the
    shipped ones too) or derived from NBP's reference rate; where both start
    on the same day, the one entered by hand counts."""

    _name = "debt.collection.interest.rate"
    _description = "Statutory Interest Rate"
    _order = "rate_type, date_from desc, source"
    _rec_name = "date_from"

    rate_type = fields.Selection(STATUTORY_KINDS, string="Kind", required=True)
    date_from = fields.Date("Valid From", required=True)
    rate = fields.Float("Annual Rate (%)", digits=(6, 2), required=True)
    note = fields.Char(
        help="Where the rate comes from, e.g. the Monitor Polski announcement."
    )
    source = fields.Selection(
        [("manual", "Entered by hand"), ("nbp", "Derived from NBP")],
        required=True,
        default="manual",
        readonly=True,
    )
    import_date = fields.Date(
        "Imported On",
        readonly=True,
        help="The day the NBP import derived this rate (or last changed it).",
    )
    confirmed_until = fields.Date(
        help="The last day on which this rate was checked to be still in force "
        "(e.g. on nbp.pl). Without an import from NBP, the civil table is known "
        "up to this day and the commercial one to the end of its half-year.",
    )

    _sql_constraints = [
        (
            "type_date_unique",
            "UNIQUE(rate_type, date_from, source)",
            "A rate of this kind already starts on this date.",
        ),
    ]

    # What the import alone may change on the periods it derived.
    _derived_fields = frozenset({"rate_type", "date_from", "rate", "source"})

    def write(self, vals):
        if (
            self._derived_fields & set(vals)
            and not self.env.context.get("debt_collection_nbp_import")
            and self.filtered(lambda rate: rate.source == "nbp")
        ):
            raise UserError(
                _(
                    "A rate derived from NBP is not changed by hand: add a rate "
                    "entered by hand that starts on the same day, it counts instead."
                )
            )
        return super().write(vals)

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

    @api.constrains("confirmed_until", "date_from")
    def _check_confirmed_until(self):
        today = fields.Date.context_today(self)
        for rate in self.filtered("confirmed_until"):
            if rate.confirmed_until < rate.date_from:
                raise ValidationError(
                    _(
                        "The rate valid from %(start)s cannot be confirmed until "
                        "%(date)s, before it starts.",
                        start=rate.date_from,
                        date=rate.confirmed_until,
                    )
                )
            if rate.confirmed_until > today:
                raise ValidationError(
                    _(
                        "A rate can be confirmed up to today, not until %(date)s: "
                        "nobody knows yet whether it will still be in force.",
                        date=rate.confirmed_until,
                    )
                )

    @api.model
    def _get_tables(self):
        """({kind: periods}, {kind: last known day or None}) of the statutory
        tables, for the pure computation. A kind is known up to the last day it
        was checked (the last import from NBP, or a rate's "confirmed until"
        day): the civil rate up to that day, the commercial one to the end of
        that day's half-year (see tools/nbp.py)."""
        imported_on = fields.Date.to_date(
            # sudo: a technical date every user's computation needs
            self.env["ir.config_parameter"].sudo().get_param(IMPORTED_ON_PARAM)
        )
        rates = self.search([])
        chosen, checked = defaultdict(dict), defaultdict(lambda: [imported_on])
        for rate in rates.sorted(lambda rate: rate.source != "manual"):
            chosen[rate.rate_type].setdefault(rate.date_from, rate.rate)
            checked[rate.rate_type].append(rate.confirmed_until)
        tables, known = {}, {}
        for kind, _label in STATUTORY_KINDS:
            tables[kind] = [
                RatePeriod(start, to_decimal(rate))
                for start, rate in sorted(chosen[kind].items())
            ]
            as_of = max(filter(None, checked[kind]), default=None)
            known[kind] = nbp.table_known_until(kind, tables[kind], as_of)
        return tables, known

    # NBP import --------------------------------------------------------------

    @api.model
    def _store_nbp_tables(self, tables, covered_from, day):
        """Make the periods derived from NBP those of ``tables`` from
        ``covered_from`` on (the first reference rate the file had; older
        derived periods stay), leaving out those a period entered by hand
        already says. Returns (added, changed, removed) counts."""
        # sudo: statutory rates are public law, brought up to date for
        # whichever user's action or the cron needed them.
        Rate = self.sudo().with_context(debt_collection_nbp_import=True)
        rates = Rate.search([])
        manual, derived = {}, {}
        for rate in rates:
            key = rate.rate_type, rate.date_from
            if rate.source == "manual":
                manual[key] = to_decimal(rate.rate)
            else:
                derived[key] = rate
        wanted = {
            (kind, period.start): period.rate
            for kind, periods in tables.items()
            for period in periods
            if manual.get((kind, period.start)) != period.rate
        }
        stale = Rate.browse(
            rate.id
            for key, rate in derived.items()
            if key not in wanted and key[1] >= covered_from
        )
        changed = [
            (rate, wanted[key])
            for key, rate in derived.items()
            if key in wanted and to_decimal(rate.rate) != wanted[key]
        ]
        stale.unlink()
        for rate, value in changed:
            rate.write(
                {
                    "rate": float(value),
                    "import_date": day,
                    "note": self._nbp_note(rate.rate_type, rate.date_from, value),
                }
            )
        added = Rate.create(
            [
                {
                    "rate_type": kind,
                    "date_from": start,
                    "rate": float(value),
                    "source": "nbp",
                    "import_date": day,
                    "note": self._nbp_note(kind, start, value),
                }
                for (kind, start), value in wanted.items()
                if (kind, start) not in derived
            ]
        )
        self.env.flush_all()  # a constraint fails here, before the date is kept
        self.env["ir.config_parameter"].sudo().set_param(
            IMPORTED_ON_PARAM, fields.Date.to_string(day)
        )
        return len(added), len(changed), len(stale)

    def _nbp_note(self, kind, start, rate):
        """How a derived rate follows from the reference rate, to check it."""
        if kind == STATUTORY_CIVIL:
            return _(
                "NBP reference rate %(reference)s %% + %(margin)s points "
                "(art. 481 § 2 KC)",
                reference=rate - nbp.CIVIL_MARGIN,
                margin=nbp.CIVIL_MARGIN,
            )
        margin = nbp.commercial_margin(start)
        return _(
            "NBP reference rate of %(day)s: %(reference)s %% + %(margin)s points "
            "(act of 8 March 2013)",
            day=start,
            reference=rate - margin,
            margin=margin,
        )

    @api.model
    def _update_from_nbp(self, companies):
        """Import NBP's rates from the file of ``companies`` (one address):
        nothing is written when it fails, the reason is kept on the companies
        (for the banner and the next message) and raised."""
        companies = companies.sudo()  # sudo: the companies' update status
        try:
            with self.env.cr.savepoint():
                counts = self.env["debt.collection.nbp"]._import_rates(companies[:1])
        except NbpUnavailableError as error:
            companies.write(
                {
                    "debt_collection_nbp_error": error.args[0],
                    "debt_collection_nbp_error_date": fields.Datetime.now(),
                }
            )
            raise
        companies.filtered("debt_collection_nbp_error").write(
            {
                "debt_collection_nbp_error": False,
                "debt_collection_nbp_error_date": False,
            }
        )
        return counts

    @api.model
    def _update_from_nbp_if_due(self, company):
        """Try an update when a table is needed beyond what is known: only for
        a company that fetches rates, and not again soon after a failure.
        Returns whether the tables changed."""
        failed = company.debt_collection_nbp_error_date
        if not company.debt_collection_nbp_online or (
            failed and fields.Datetime.now() - failed < RETRY_AFTER
        ):
            return False
        try:
            self._update_from_nbp(company)
        except NbpUnavailableError:
            return False
        return True

    @api.model
    def action_update_from_nbp(self):
        """The "Update Rates Now" button: import now, say what changed."""
        if not self.env.user.has_group("debt_collection.group_debt_collection_manager"):
            raise UserError(
                _("Only Debt Collection Managers may update the interest rates.")
            )
        added, changed, removed = self._update_from_nbp(self.env.company)
        _tables, known = self._get_tables()
        kinds = dict(self._fields["rate_type"]._description_selection(self.env))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Interest rates updated from NBP"),
                "message": _(
                    "%(added)s new, %(changed)s changed and %(removed)s removed "
                    "periods. %(known)s",
                    added=added,
                    changed=changed,
                    removed=removed,
                    known=" ".join(
                        _("%(kind)s: known up to %(date)s.", kind=kinds[k], date=day)
                        for k, day in known.items()
                    ),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_update_from_nbp(self):
        """Daily: update the tables for the companies that fetch rates from
        NBP, one download per address; a failure is kept for the banner."""
        companies = self.env["res.company"].search(
            [("debt_collection_nbp_online", "=", True)]
        )
        for url in set(companies.mapped("debt_collection_nbp_rates_url")):
            try:
                self._update_from_nbp(
                    companies.filtered(
                        lambda c, url=url: c.debt_collection_nbp_rates_url == url
                    )
                )
            except NbpUnavailableError:
                continue  # kept on the companies; the next day tries again

    @api.model
    def get_rate_status(self):
        """For the banner of the interest screens: whether a statutory table
        ends before today, what to do, and whether this user may update."""
        today = fields.Date.context_today(self)
        _tables, known = self._get_tables()
        kinds = dict(self._fields["rate_type"]._description_selection(self.env))
        outdated = [
            _("%(kind)s: known up to %(date)s.", kind=kinds[kind], date=day)
            if day
            else _("%(kind)s: no rate known.", kind=kinds[kind])
            for kind, day in known.items()
            if not day or day < today
        ]
        if not outdated:
            return {"outdated": False}
        company = self.env.company
        return {
            "outdated": True,
            "title": _("The statutory interest rate tables are out of date."),
            "lines": outdated,
            "error": company.debt_collection_nbp_error
            and _(
                "The last update from NBP failed: %(error)s",
                error=company.debt_collection_nbp_error,
            ),
            "hint": _(
                "Update them from NBP, or (without internet) add the new rate "
                "periods by hand in Debt Collection > Configuration > Interest "
                "Rates, or confirm there until when the last rate is in force."
            ),
            "can_update": self.env.user.has_group(
                "debt_collection.group_debt_collection_manager"
            ),
        }

    @api.model
    def _add_demo_rates(self):
        """Demo only: repeat the last known rates so that the tables reach
        today, labelled, and the demo computes interest offline. Real
        databases get real rates (from NBP, or typed in)."""
        today = fields.Date.context_today(self)
        tables, known = self._get_tables()
        starts = {
            "statutory_commercial": nbp.half_year_start(today),
            "statutory_civil": today,
        }
        note = _("demo — verify before use")
        self.create(
            [
                {
                    "rate_type": kind,
                    "date_from": starts[kind],
                    "rate": float(tables[kind][-1].rate),
                    "note": note,
                }
                for kind, day in known.items()
                if tables[kind] and day < today
            ]
        )
