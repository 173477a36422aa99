from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _debt_collection_reconciled(self):
        """The demands whose items are now paid are closed."""
        result = super()._debt_collection_reconciled()
        self.env["debt.collection.demand.line"].search(
            [("move_line_id", "in", self.ids)]
        ).demand_id._close_if_paid()
        return result
