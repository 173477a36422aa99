from odoo import fields, models


class DebtCollectionEvent(models.Model):
    _inherit = "debt.collection.event"

    event_type = fields.Selection(
        selection_add=[("demand", "Payment demand")],
        # Uninstalled, the steps of the demands stay in the history as notes.
        ondelete={"demand": lambda events: events.write({"event_type": "note"})},
    )
    demand_id = fields.Many2one(
        "debt.collection.demand", index="btree_not_null", ondelete="set null"
    )

    def _get_source_record(self):
        if self.demand_id and not self.move_id:
            return self.demand_id
        return super()._get_source_record()

    def _get_document_stage(self):
        if self.event_type == "demand" and self.demand_id:
            demand = self.demand_id
            if demand.state == "closed" and demand.close_reason == "legal":
                return "legal"
            if demand.state in ("approved", "sent"):
                return demand.kind  # "demand" or "final_demand"
            return None
        return super()._get_document_stage()
