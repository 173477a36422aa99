from odoo import _, fields, models
from odoo.exceptions import UserError


class DebtCollectionHoldWizard(models.TransientModel):
    """Put documents on hold (dispute, promise to pay) until a date."""

    _name = "debt.collection.hold.wizard"
    _description = "Put Documents on Hold"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    move_ids = fields.Many2many(
        "account.move",
        string="Documents",
        domain="[('debt_collection_partner_id', '=', partner_id), ('state', '=', 'posted')]",
    )
    hold_until = fields.Date(required=True)
    reason = fields.Selection(
        selection=lambda self: (
            self.env["account.move"]
            ._fields["debt_collection_hold_reason"]
            ._description_selection(self.env)
        ),
        required=True,
        default="promise",
    )
    note = fields.Text()

    def action_hold(self):
        self.ensure_one()
        if not self.move_ids:
            raise UserError(_("Choose the documents to put on hold."))
        if self.move_ids.debt_collection_partner_id - self.partner_id:
            raise UserError(_("The documents must belong to the customer."))
        if self.hold_until < fields.Date.context_today(self):
            raise UserError(_("The hold date cannot be in the past."))
        self.move_ids.with_context(debt_collection_hold_note=self.note).write(
            {
                "debt_collection_hold_until": self.hold_until,
                "debt_collection_hold_reason": self.reason,
            }
        )
        return {"type": "ir.actions.act_window_close"}
