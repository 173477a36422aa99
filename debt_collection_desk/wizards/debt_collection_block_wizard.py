from odoo import _, fields, models
from odoo.exceptions import UserError


class DebtCollectionBlockWizard(models.TransientModel):
    """Block sales to a customer, or lift the block, with a reason."""

    _name = "debt.collection.block.wizard"
    _description = "Block or Unblock a Customer"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    mode = fields.Selection(
        [("block", "Block sales"), ("unblock", "Lift the block")],
        required=True,
        default="block",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.env["res.partner"]._check_debt_collection_block_manager()
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason."))
        partner = self.partner_id.commercial_partner_id
        Block = self.env["debt.collection.block"]
        if self.mode == "block":
            if partner.debt_collection_blocked:
                raise UserError(
                    _("%(customer)s is already blocked.", customer=partner.name)
                )
            Block._block_partners(self.env.company, partner, self.reason)
        else:
            block = Block.sudo().search(  # sudo: the manager check is above
                [
                    ("company_id", "=", self.env.company.id),
                    ("partner_id", "=", partner.id),
                ]
            )
            if not block:
                raise UserError(
                    _("%(customer)s is not blocked.", customer=partner.name)
                )
            block._release(self.reason)
        return {"type": "ir.actions.act_window_close"}
