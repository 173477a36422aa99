from odoo import _, api, fields, models
from odoo.exceptions import UserError

OVERRIDE_GROUP = "debt_collection_sale.group_debt_collection_block_override"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    debt_collection_partner_blocked = fields.Boolean(
        "Customer Blocked", compute="_compute_debt_collection_partner_block"
    )
    debt_collection_block_warning = fields.Text(
        compute="_compute_debt_collection_partner_block"
    )
    debt_collection_partner_block_state = fields.Selection(
        related="partner_id.commercial_partner_id.debt_collection_block_state",
        string="Sales Block",
    )

    @api.depends("partner_id", "company_id")
    def _compute_debt_collection_partner_block(self):
        self.debt_collection_partner_blocked = False
        self.debt_collection_block_warning = False
        # One look-up of the blocks per company, not per order.
        for company in self.company_id:
            orders = self.filtered(lambda o, c=company: o.company_id == c)
            partners = orders.partner_id.commercial_partner_id.with_company(company)
            blocked = partners.filtered("debt_collection_blocked")
            warnings = {p.id: p._debt_collection_block_warning() for p in blocked}
            for order in orders:
                warning = warnings.get(order.partner_id.commercial_partner_id.id)
                order.debt_collection_partner_blocked = bool(warning)
                order.debt_collection_block_warning = warning or False

    @api.onchange("partner_id")
    def _onchange_partner_id_debt_collection_block(self):
        if self.partner_id and self.debt_collection_partner_blocked:
            return {
                "warning": {
                    "title": _("Customer blocked for sales"),
                    "message": self.debt_collection_block_warning,
                    "type": "dialog",
                }
            }

    def action_confirm(self):
        blocked = self.filtered("debt_collection_partner_blocked")
        if blocked and not (
            self.env.context.get("debt_collection_block_override")
            and self.env.user.has_group(OVERRIDE_GROUP)
        ):
            if self.env.user.has_group(OVERRIDE_GROUP):
                return self._debt_collection_open_override_wizard()
            raise UserError(
                _(
                    "This order cannot be confirmed: the customer is blocked for "
                    "sales by debt collection.\n%(warnings)s\nAsk a debt collection "
                    "manager to lift the block, or a user who may override it.",
                    warnings="\n".join(blocked.mapped("debt_collection_block_warning")),
                )
            )
        return super().action_confirm()

    def _debt_collection_open_override_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Confirm Despite the Sales Block"),
            "res_model": "debt.collection.sale.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }
