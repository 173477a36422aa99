from odoo import fields, models


class DebtCollectionCredit(models.Model):
    _inherit = "debt.collection.credit"

    demand_id = fields.Many2one(
        "debt.collection.demand", ondelete="cascade", index="btree_not_null"
    )
