from datetime import timedelta

from odoo import models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class DebtCollectionDemo(models.AbstractModel):
    _inherit = "debt.collection.demo"

    def _demo_extra_steps(self):
        """A payment demand after 30 days, a final demand after 60."""
        return [
            *super()._demo_extra_steps(),
            (
                _lt("Payment demand"),
                {
                    "days": 30,
                    "action": "demand",
                    "pay_by_days": 7,
                    "min_partner_amount": 100,
                },
            ),
            (
                _lt("Final demand"),
                {
                    "days": 60,
                    "action": "final_demand",
                    "pay_by_days": 7,
                    "min_partner_amount": 100,
                    "demand_auto_approve": True,
                },
            ),
        ]

    def _demo_timeline(self, story):
        """The payment demands of two customers are approved and e-mailed the
        day after they were prepared (see STORY_INVOICES): one is paid later,
        the other escalated to a final demand."""
        timeline = super()._demo_timeline(story)
        today = story["today"]
        partners = story["partners"]

        def send(key, paid_on=None):
            def action():
                demands = self.env["debt.collection.demand"].search(
                    [
                        ("partner_id", "=", partners[key].id),
                        ("state", "=", "to_approve"),
                    ]
                )
                if demands:
                    demands.with_user(story["manager"]).action_approve()
                    demands.with_user(story["manager"]).action_send_email()
                if demands and paid_on:
                    # The customer pays everything the demand lists.
                    story["payments"] += [
                        (paid_on, move, None) for move in demands.line_ids.move_id
                    ]

            return action

        for key, first, paid_on in (
            ("furniture", 49, today - timedelta(days=35)),
            ("logistics", 39, None),
        ):
            for days in range(first, first - 7, -1):
                day = today - timedelta(days=days)
                timeline.setdefault(day, []).append(send(key, paid_on))
        return timeline

    def _demo_decisions(self, story):
        """What the manager and the collectors decided today on the prepared
        documents: demands approved and e-mailed, printed for the post,
        drafted by hand or cancelled."""
        result = super()._demo_decisions(story)
        company, today = story["company"], story["today"]
        partners, invoices = story["partners"], story["invoices"]
        manager = story["manager"]
        Demand = self.env["debt.collection.demand"]

        def demands_of(key, states=("to_approve",)):
            return Demand.search(
                [
                    ("partner_id", "=", partners[key].id),
                    ("state", "in", states),
                ]
            )

        # Approve and e-mail, approve and print for the post.
        textile = demands_of("textile")
        textile.with_user(manager).action_approve()
        textile.with_user(manager).action_send_email()
        machinery = demands_of("machinery")
        machinery.with_user(manager).action_approve()
        machinery.with_user(manager).action_print_batch()
        # Drafted by a collector, waiting; cancelled after a credit note.
        items = invoices["print"].line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        Demand.with_user(story["collector"])._create_for_items(
            company, "demand", items, date=today
        )
        dairy_items = invoices["dairy"].line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        Demand._create_for_items(
            company, "demand", dairy_items, date=today - timedelta(days=2)
        ).with_user(manager).action_cancel()
        return result

    def _demo_dates(self, story):
        """The demands' workflow stamps at the demo's own dates."""
        company = story["company"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE debt_collection_demand
                      SET submitted_date = LEAST(submitted_date, date + interval '9 hours'),
                          approved_date = LEAST(approved_date, date + interval '10 hours'),
                          sent_date = LEAST(sent_date, date + interval '11 hours')
                    WHERE company_id = %s""",
                company.id,
            )
        )
        return super()._demo_dates(story)
