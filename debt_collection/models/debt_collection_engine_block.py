"""The engine's part in blocking sales and in the collector's desk.

After each pass the engine lifts the automatic sales blocks of customers who
paid (by the company's release rule), checks the promises to pay whose date
has passed and brings the collection cases up to date with what is overdue.
"""

from collections import defaultdict
from decimal import Decimal

from odoo import _, api, models
from odoo.tools.misc import formatLang

from ..tools.money import to_decimal


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    @api.model
    def _run_collection_pass(self, force=False, companies=None):
        result = super()._run_collection_pass(force=force, companies=companies)
        # sudo: as in the pass itself, the cron user may not be in every company.
        companies = companies or self.env["res.company"].sudo().search(
            [("debt_collection_enabled", "=", True)]
        )
        for company in companies:
            self.with_company(company)._after_pass(company)
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return result

    def _after_pass(self, company):
        """Company-wide follow-up of a pass (extension point)."""
        self._release_blocks(company)

    def _overdue_totals(self, company, partner_ids, today):
        """{commercial partner id: overdue amount (company currency)}, one query."""
        totals = defaultdict(Decimal)
        if not partner_ids:
            return totals
        for row in self._fetch_items(company, self._restrict_partners(partner_ids)):
            if row["date_maturity"] < today:
                totals[row["partner_id"]] += to_decimal(row["amount_residual"])
        return totals

    # Sales block ----------------------------------------------------------

    def _execute_action_block(self, step, groups, run_date, run):
        partners = self.env["res.partner"].concat(*(p for p, _e in groups))
        self.env["debt.collection.block"]._block_partners(
            self.env.company, partners, step.block_reason or step.name, step=step
        )
        return {}

    def _release_blocks(self, company):
        """Lift the automatic blocks of customers who paid enough."""
        rule = company.debt_collection_block_release
        if rule == "manual":
            return
        # sudo: the engine lifts blocks whoever runs it.
        blocks = (
            self.env["debt.collection.block"]
            .sudo()
            .search([("company_id", "=", company.id), ("origin", "=", "automatic")])
        )
        if not blocks:
            return
        today = company._debt_collection_today()
        totals = self._overdue_totals(company, blocks.partner_id.ids, today)
        currency = company.currency_id
        threshold = to_decimal(company.debt_collection_block_release_amount)
        for block in blocks:
            overdue = totals.get(block.partner_id.id, Decimal(0))
            if rule == "nothing_overdue" and overdue <= 0:
                reason = _("nothing is overdue any more.")
            elif rule == "below_threshold" and overdue < threshold:
                reason = _(
                    "the overdue amount %(amount)s is below %(threshold)s.",
                    amount=formatLang(self.env, float(overdue), currency_obj=currency),
                    threshold=formatLang(
                        self.env, float(threshold), currency_obj=currency
                    ),
                )
            else:
                continue
            block._release(reason, automatic=True)
