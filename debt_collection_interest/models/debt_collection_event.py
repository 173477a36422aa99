from odoo import fields, models


class DebtCollectionEvent(models.Model):
    _inherit = "debt.collection.event"

    event_type = fields.Selection(
        selection_add=[("interest_note", "Interest note")],
        # Uninstalled, the steps of the notes stay in the history as notes.
        ondelete={"interest_note": lambda events: events.write({"event_type": "note"})},
    )
    reason = fields.Selection(
        selection_add=[("nothing_to_charge", "No interest to charge")],
        ondelete={"nothing_to_charge": "set null"},
    )
    interest_note_id = fields.Many2one(
        "debt.collection.interest.note", index="btree_not_null", ondelete="set null"
    )

    def _get_source_record(self):
        if self.interest_note_id and not self.move_id:
            return self.interest_note_id
        return super()._get_source_record()
