from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _debt_collection_reconciled(self):
        """A reconciled interest note entry records its note as paid."""
        result = super()._debt_collection_reconciled()
        self.move_id.debt_collection_interest_note_id._log_paid()
        return result
