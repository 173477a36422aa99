from odoo import api, fields, models


def _retire_interest_steps(steps):
    """On uninstall, interest note steps become archived collector
    activities: the history that points to them stays complete."""
    steps.write({"action": "activity", "active": False})


class DebtCollectionStep(models.Model):
    _inherit = "debt.collection.step"

    action = fields.Selection(
        selection_add=[("interest_note", "Propose interest note")],
        ondelete={"interest_note": _retire_interest_steps},
    )
    interest_trigger = fields.Selection(
        [("due", "Days after the due date"), ("payment", "Days after a late payment")],
        string="Count Days From",
        default="due",
        required=True,
        help="An interest note can be proposed while documents are overdue, or "
        "after a document was paid late (interest then runs to the payment day).",
    )

    def _get_action_channels(self):
        return dict(super()._get_action_channels(), interest_note="system")

    def _is_payment_triggered(self):
        return super()._is_payment_triggered() or (
            self.action == "interest_note" and self.interest_trigger == "payment"
        )

    @api.constrains("interest_trigger")
    def _check_policy_order_interest_trigger(self):
        # A step counted from a late payment stands outside the ladder.
        self._check_policy_order()
