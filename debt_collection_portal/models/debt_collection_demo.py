from datetime import date, timedelta

from odoo import models


class DebtCollectionDemo(models.AbstractModel):
    _inherit = "debt.collection.demo"

    def _demo_extras(self, story):
        """Statements sent to two customers today, and the year-end balance
        confirmations: one confirmed on a signed slip, one disputed, the
        others waiting for an answer."""
        result = super()._demo_extras(story)
        company, today = story["company"], story["today"]
        Confirmation = self.env["debt.collection.balance.confirmation"]
        as_of = date(today.year - 1, 12, 31)
        confirmations, _left_out = Confirmation._create_for(company, as_of)
        if not confirmations:
            # A history shorter than a year: the last month end instead.
            as_of = today.replace(day=1) - timedelta(days=1)
            confirmations, _left_out = Confirmation._create_for(company, as_of)
        if confirmations:
            by_email = confirmations.filtered("mail_email_to")
            by_email._send_email()
            (confirmations - by_email)._print()
            confirmations = confirmations.sorted("name")
            first, second = confirmations[:1], confirmations[1:2]
            first._record_answer("confirmed", "user", first.partner_id.name)
            second._record_answer(
                "disputed",
                "user",
                second.partner_id.name,
                reason=self.env._("Our books show a payment you have not booked yet."),
            )
        customers = self.env["res.partner"].browse(
            [partner.id for partner in story["partners"].values()][:2]
        )
        statements = self.env["debt.collection.statement"]._create_for_partners(
            company, customers
        )
        statements.filtered("mail_email_to")._send()
        return result
