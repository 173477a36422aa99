from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_collection_demand_count = fields.Integer(
        compute="_compute_debt_collection_demand_count"
    )

    def _compute_debt_collection_demand_count(self):
        counts = dict(
            self.env["debt.collection.demand"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.debt_collection_demand_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_debt_collection_demands(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_demand.action_debt_collection_demand"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action
