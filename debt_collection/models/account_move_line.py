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
        lines = self.sudo()
        lines.move_id.debt_collection_interest_note_id._log_paid()
        self.env["debt.collection.demand.line"].sudo().search(
            [("move_line_id", "in", lines.ids)]
        ).demand_id._close_if_paid()
        return result
