from datetime import timedelta

from odoo import _, models
from odoo.tools import formatLang

# Transaction states in which the customer has paid (or the provider is
# still confirming it) and those in which the payment did not happen.
PAYING_STATES = ("pending", "authorized", "done")
FAILED_STATES = ("cancel", "error")


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _update_state(self, allowed_states, target_state, state_message):
        """An online payment stops the collection of its documents at once:
        they are held until it is booked (or for the company's payment hold
        days); a payment that fails lifts the hold."""
        transactions = super()._update_state(
            allowed_states, target_state, state_message
        )
        if target_state in PAYING_STATES:
            transactions._debt_collection_hold_documents()
        elif target_state in FAILED_STATES:
            transactions._debt_collection_release_documents()
        return transactions

    def _post_process(self):
        """Once booked, what is still open of the documents (a partial
        payment) goes back to collection."""
        result = super()._post_process()
        self.filtered(lambda tx: tx.state == "done")._debt_collection_release_documents(
            still_open_only=True
        )
        return result

    def _debt_collection_documents(self):
        return self.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.debt_collection_has_receivable
        )

    def _debt_collection_hold_documents(self):
        for tx in self.filtered(lambda t: t.operation != "validation"):
            moves = tx._debt_collection_documents().filtered(
                lambda m: (
                    m.amount_residual
                    and m.debt_collection_hold_reason not in ("dispute", "payment")
                )
            )
            for company in moves.company_id:
                company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
                until = company._debt_collection_today() + timedelta(
                    days=company.debt_collection_portal_payment_hold_days
                )
                # sudo: the provider's notification runs as the public user.
                company_moves.sudo().with_context(
                    debt_collection_hold_note=tx._debt_collection_note()
                ).write(
                    {
                        "debt_collection_hold_until": until,
                        "debt_collection_hold_reason": "payment",
                    }
                )

    def _debt_collection_release_documents(self, still_open_only=False):
        for tx in self:
            moves = tx._debt_collection_documents().filtered(
                lambda m: (
                    m.debt_collection_hold_reason == "payment"
                    and (not still_open_only or m.amount_residual)
                )
            )
            if moves:
                # sudo: as above, the notification or the post-processing cron.
                moves.sudo().with_context(
                    debt_collection_hold_note=tx._debt_collection_note()
                ).write(
                    {
                        "debt_collection_hold_until": False,
                        "debt_collection_hold_reason": False,
                    }
                )

    def _debt_collection_note(self):
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        return _(
            "Online payment %(reference)s of %(amount)s (%(provider)s): %(state)s.",
            reference=self.reference,
            amount=formatLang(self.env, self.amount, currency_obj=self.currency_id),
            provider=self.provider_id.name,
            state=states.get(self.state, self.state),
        )
