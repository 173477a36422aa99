from datetime import timedelta

from odoo import models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class DebtCollectionDemo(models.AbstractModel):
    _inherit = "debt.collection.demo"

    def _demo_company(self, story):
        """Rates kept by hand (the demo works offline), notes due in a week,
        interest and compensation credited to the chart's income accounts."""
        result = super()._demo_company(story)
        company = story["company"]
        Account = self.env["account.account"]

        def income(prefix):
            return Account.search(
                [
                    *Account._check_company_domain(company),
                    ("account_type", "in", ("income_other", "income")),
                    ("code", "=like", f"{prefix}%"),
                ],
                limit=1,
            ) or Account.search(
                [
                    *Account._check_company_domain(company),
                    ("account_type", "=", "income_other"),
                ],
                limit=1,
            )

        company.write(
            {
                "debt_collection_nbp_online": False,
                "debt_collection_interest_payment_days": 7,
                "debt_collection_interest_account_id": income("75").id,
                "debt_collection_compensation_account_id": income("76").id,
            }
        )
        return result

    def _demo_rates(self, story):
        """Statutory rates up to today; the EUR rates say where they are from."""
        self.env["debt.collection.interest.rate"]._add_demo_rates()
        rates = super()._demo_rates(story)
        rates.debt_collection_source = self.env._(
            _lt("NBP table A mid rate (demo — verify before use)")
        )
        return rates

    def _demo_extra_steps(self):
        return [
            *super()._demo_extra_steps(),
            (
                _lt("Interest note after a late payment"),
                {"days": 7, "action": "interest_note", "interest_trigger": "payment"},
            ),
        ]

    def _demo_customers(self, story):
        result = super()._demo_customers(story)
        furniture = story["partners"]["furniture"]
        furniture.debt_collection_interest_kind = "statutory_commercial"
        return result

    def _demo_day_done(self, story, day):
        """The manager posts the interest notes the run proposed; most are
        paid (cash at the counter, being small) twelve days later."""
        result = super()._demo_day_done(story, day)
        manager = story["manager"]
        notes = self.env["debt.collection.interest.note"].search(
            [("company_id", "=", story["company"].id), ("state", "=", "draft")],
            order="id",
        )
        for note in notes:
            note.with_user(manager).action_confirm()
            note.with_user(manager).action_post()
            story.setdefault("notes", note.browse())
            story["notes"] |= note
            paid_on = day + timedelta(days=12)
            if len(story["notes"]) % 4 and paid_on < story["today"]:
                story["payments"].append((paid_on, note.move_id, None))
        return result

    def _demo_decisions(self, story):
        """A draft interest note for what Wrocław Logistics owes today."""
        result = super()._demo_decisions(story)
        self.env["debt.collection.interest.note"]._propose(
            story["company"], story["today"], partners=story["partners"]["logistics"]
        )
        return result
