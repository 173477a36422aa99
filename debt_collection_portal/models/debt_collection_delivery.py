from odoo import api, fields, models

# The e-mails of this addon followed like the collection messages and demands.
PORTAL_MAIL_MODELS = (
    "debt.collection.statement",
    "debt.collection.balance.confirmation",
)


class DebtCollectionDelivery(models.Model):
    _inherit = "debt.collection.delivery"

    statement_id = fields.Many2one(
        "debt.collection.statement", index="btree_not_null", ondelete="set null"
    )
    balance_confirmation_id = fields.Many2one(
        "debt.collection.balance.confirmation",
        index="btree_not_null",
        ondelete="set null",
    )

    @api.model
    def _get_collection_mail_models(self):
        return super()._get_collection_mail_models() + PORTAL_MAIL_MODELS

    def _prepare_source_vals(self, record):
        vals = super()._prepare_source_vals(record)
        if record._name == "debt.collection.statement":
            vals["statement_id"] = record.id
        elif record._name == "debt.collection.balance.confirmation":
            vals["balance_confirmation_id"] = record.id
        return vals

    def action_open_source(self):
        record = self.statement_id or self.balance_confirmation_id
        if len(self) == 1 and record:
            return {
                "type": "ir.actions.act_window",
                "res_model": record._name,
                "res_id": record.id,
                "view_mode": "form",
                "target": "current",
            }
        return super().action_open_source()
