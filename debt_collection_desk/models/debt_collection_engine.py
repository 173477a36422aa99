"""The engine's part in sales blocks and in the collector's desk.

After each pass the engine lifts the automatic sales blocks of customers who
paid (by the company's release rule), checks the promises to pay whose date
has passed and brings the collection cases up to date: cases open for
customers with something overdue, advance with the collection events (a
reminder, a demand, a final demand) and close when nothing is overdue.
Activity steps land on the case's collector.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import _, models
from odoo.tools import SQL, split_every
from odoo.tools.misc import formatLang

from odoo.addons.debt_collection.tools.money import to_decimal
from odoo.addons.debt_collection.tools.overdue import days_overdue


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _after_pass(self, company):
        result = super()._after_pass(company)
        self._release_blocks(company)
        self._sync_cases(company)
        return result

    def _overdue_totals(self, company, partner_ids, today):
        """{commercial partner id: overdue amount (company currency) less the
        open credits in the same currencies}."""
        if not partner_ids:
            return {}
        rows = self._fetch_items(company, self._restrict_partners(partner_ids))
        return self._net_overdue(company, rows, today)[0]

    # Sales block ----------------------------------------------------------

    def _execute_action_block(self, step, groups, context):
        partners = self.env["res.partner"].concat(*(p for p, _e in groups))
        self.env["debt.collection.block"]._block_partners(
            context.company, partners, step.block_reason or step.name, step=step
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

    def _sync_cases(self, company):
        """Open, refresh and close the company's cases from its open items
        (read a slice of customers at a time, so that memory stays bounded;
        one UPDATE for the amounts)."""
        today = company._debt_collection_today()
        currency = company.currency_id
        oldest, overdue = defaultdict(int), {}
        partner_ids = self._collectible_partner_ids(company, with_policy=False)
        for chunk in split_every(self._plan_slice, partner_ids, list):
            rows = [
                row
                for row in self._fetch_items(company, self._restrict_partners(chunk))
                if row["subject"] and row["date_maturity"] < today
            ]
            for row in rows:
                oldest[row["partner_id"]] = max(
                    oldest[row["partner_id"]],
                    days_overdue(row["date_maturity"], today),
                )
            # What customers owe net of their open credits: a customer whose
            # credits cover the overdue documents has no case.
            overdue.update(
                (p, float(a))
                for p, a in self._net_overdue(company, rows, today)[0].items()
                if not currency.is_zero(float(a))
            )
        Case = self.env["debt.collection.case"]
        # The promises first: a broken one re-opens collection.
        # sudo: the engine checks every case of the company.
        open_cases = (
            Case.sudo()
            .with_company(company)
            .search([("company_id", "=", company.id), ("stage", "!=", "closed")])
        )
        open_cases._check_promises(today)
        cases = Case._open_for(company, self.env["res.partner"].browse(list(overdue)))
        if cases:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """UPDATE debt_collection_case c
                          SET overdue_amount = v.amount, oldest_days = v.days
                         FROM (VALUES %s) AS v(id, amount, days)
                        WHERE c.id = v.id""",
                    SQL(", ").join(
                        SQL(
                            "(%s, %s::numeric, %s)",
                            case.id,
                            currency.round(overdue[case.partner_id.id]),
                            oldest[case.partner_id.id],
                        )
                        for case in cases
                    ),
                )
            )
            cases.invalidate_recordset(["overdue_amount", "oldest_days"])
        to_close = open_cases.exists() - cases
        if to_close:
            to_close.write({"overdue_amount": 0.0, "oldest_days": 0})
            to_close.with_context(debt_collection_case_automatic=True).write(
                {"stage": "closed"}
            )

    def _get_activity_users(self, step, partners):
        users = super()._get_activity_users(step, partners)
        if step.activity_user_rule == "responsible":
            # The collector of each customer's case (opened when missing).
            cases = self.env["debt.collection.case"]._open_for(
                self.env.company, partners
            )
            collectors = {case.partner_id: case.user_id for case in cases}
            for partner in partners:
                collector = collectors.get(partner.commercial_partner_id)
                if collector:
                    users[partner.id] = collector.sudo(False)
        return users

    def _execute_action_activity(self, step, groups, context):
        # The cases of all the step's customers at once (their collectors get
        # the activities, see _get_activity_users), for the next action.
        partners = self.env["res.partner"].concat(*(p for p, _e in groups))
        cases = self.env["debt.collection.case"]._open_for(self.env.company, partners)
        failures = super()._execute_action_activity(step, groups, context)
        done = self.env["res.partner"].concat(
            *(
                partner
                for partner, events in groups
                if not any(event.id in failures for event in events)
            )
        )
        deadline = context.run_date + timedelta(days=step.activity_deadline_days)
        cases.filtered(lambda c: c.partner_id in done.commercial_partner_id).write(
            {
                "next_action": step.activity_summary or step.name,
                "next_action_date": deadline,
            }
        )
        return failures
