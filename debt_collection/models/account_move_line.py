from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    debt_collection_event_ids = fields.One2many(
        "debt.collection.event", "move_line_id", string="Collection History"
    )

    def reconcile(self):
        result = super().reconcile()
        self.move_id.debt_collection_interest_note_id._log_paid()
        self.env["debt.collection.demand.line"].search(
            [("move_line_id", "in", self.ids)]
        ).demand_id._close_if_paid()
        return result
