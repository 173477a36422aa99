from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    debt_collection_event_ids = fields.One2many(
        "debt.collection.event", "move_line_id", string="Collection History"
    )

    def reconcile(self):
        result = super().reconcile()
        # sudo: collection follows accounting. Whoever may reconcile (a Billing
        # clerk without collection rights) closes the paid demands and records
        # the paid interest notes; the history names that user.
        self.sudo()._debt_collection_reconciled()
        return result

    def _debt_collection_reconciled(self):
        """Hook: ``self`` (as superuser) was just reconciled; the addons with
        collection documents paid by these lines follow here."""
        return True
