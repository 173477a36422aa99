from odoo import api, fields, models


class DebtCollectionEvent(models.Model):
    _inherit = "debt.collection.event"

    channel = fields.Selection(
        selection_add=[("portal", "Customer portal")],
        ondelete={"portal": "set default"},
    )
    event_type = fields.Selection(
        selection_add=[
            ("statement", "Customer statement"),
            ("balance_confirmation", "Balance confirmation"),
        ],
        ondelete={"statement": "set default", "balance_confirmation": "set default"},
    )
    statement_id = fields.Many2one(
        "debt.collection.statement",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
    balance_confirmation_id = fields.Many2one(
        "debt.collection.balance.confirmation",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    @api.model
    def _complete_vals(self, vals_list):
        # What the customer does in the portal goes through the desk's and the
        # documents' own methods: their events are the portal's.
        if self.env.context.get("debt_collection_portal"):
            for vals in vals_list:
                if vals.get("channel", "system") == "system":
                    vals["channel"] = "portal"
                if self.env.user._is_public():
                    vals["user_id"] = False
        return super()._complete_vals(vals_list)

    def action_open_source(self):
        record = self.statement_id or self.balance_confirmation_id
        if len(self) == 1 and record and not self.move_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": record._name,
                "res_id": record.id,
                "view_mode": "form",
                "target": "current",
            }
        return super().action_open_source()
