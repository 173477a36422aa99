from odoo import fields, models


class DebtCollectionStep(models.Model):
    _inherit = "debt.collection.step"

    action = fields.Selection(
        selection_add=[("block", "Block sales")], ondelete={"block": "cascade"}
    )
    block_reason = fields.Char(
        translate=True,
        help="Shown to salespeople on the blocked customer. Empty: the step's name.",
    )

    def _get_action_channels(self):
        return dict(super()._get_action_channels(), block="system")
