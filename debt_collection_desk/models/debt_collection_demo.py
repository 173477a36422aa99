from datetime import timedelta

from odoo import models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class DebtCollectionDemo(models.AbstractModel):
    _inherit = "debt.collection.demo"

    def _demo_extra_steps(self):
        """Sales blocked 90 days after the due date (the final demand was not
        paid)."""
        return [
            *super()._demo_extra_steps(),
            (
                _lt("Block sales"),
                {
                    "days": 90,
                    "action": "block",
                    "min_partner_amount": 1000,
                    "block_reason": self.env._(_lt("Final demand not paid")),
                },
            ),
        ]

    def _demo_timeline(self, story):
        """A dispute yesterday, a promise to pay today, both on the phone."""
        timeline = super()._demo_timeline(story)
        today, company = story["today"], story["company"]
        partners, invoices = story["partners"], story["invoices"]
        collector = story["collector"]
        Case = self.env["debt.collection.case"]

        def dispute():
            case = Case._open_for(company, partners["stone"])
            case.with_user(collector)._set_dispute(
                invoices["stone"], self.env._(_lt("Half of the delivery was damaged."))
            )

        def promise():
            # Lublin Foods promises on the phone to pay in ten days' time.
            case = Case._open_for(company, partners["foods"])
            case.with_user(collector)._set_promise(
                invoices["foods"].amount_residual,
                today + timedelta(days=10),
                invoices["foods"],
            )

        timeline.setdefault(today - timedelta(days=1), []).append(dispute)
        timeline.setdefault(today, []).append(promise)
        return timeline
