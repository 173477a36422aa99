from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.translate import LazyTranslate

from ..models.sale_order import OVERRIDE_GROUP

_lt = LazyTranslate(__name__)


class DebtCollectionSaleOverrideWizard(models.TransientModel):
    """Confirm sale orders of a blocked customer, with the reason why."""

    _name = "debt.collection.sale.override.wizard"
    _description = "Confirm Despite the Sales Block"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    block_warning = fields.Text(compute="_compute_block_warning")
    reason = fields.Text(required=True)

    @api.depends("order_ids")
    def _compute_block_warning(self):
        for wizard in self:
            wizard.block_warning = "\n".join(
                wizard.order_ids.filtered("debt_collection_partner_blocked").mapped(
                    "debt_collection_block_warning"
                )
            )

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group(OVERRIDE_GROUP):
            raise AccessError(
                _("Only users who may override the collection block can do this.")
            )
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(
                _("Give the reason for confirming despite the sales block.")
            )
        blocked = self.order_ids.filtered("debt_collection_partner_blocked")
        # The override is recorded in the customer's collection history, which
        # salespeople may not write (_log writes it as the system).
        Event = self.env["debt.collection.event"]
        Event._log(
            [
                Event._prepare_log_vals(
                    order.company_id,
                    order.partner_id.commercial_partner_id,
                    "block",
                    _lt(
                        "%(order)s confirmed despite the sales block. Reason: "
                        "%(reason)s",
                        order=order.name,
                        reason=reason,
                    ),
                    automatic=False,
                )
                for order in blocked
            ]
        )
        for order in blocked:
            order.message_post(
                body=_(
                    "Confirmed despite the sales block. Reason: %(reason)s",
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.order_ids.with_context(
            debt_collection_block_override=True
        ).action_confirm()
        return {"type": "ir.actions.act_window_close"}
