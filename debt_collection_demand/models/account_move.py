from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_collection_demand_count = fields.Integer(
        compute="_compute_debt_collection_demand_count"
    )

    def _compute_debt_collection_demand_count(self):
        counts = dict(
            self.env["debt.collection.demand.line"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["demand_id:count_distinct"]
            )
        )
        for move in self:
            move.debt_collection_demand_count = counts.get(move, 0)

    def action_debt_collection_demands(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_demand.action_debt_collection_demand"
        )
        action["domain"] = [("line_ids.move_id", "in", self.ids)]
        action["context"] = {}
        return action
