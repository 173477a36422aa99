from odoo import models


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _execute_action_interest_note(self, step, groups, context):
        """Draft interest notes for approval, one per customer (and currency),
        for the documents of the group; nothing to charge is a skip, missing
        data (a rate) a failure to retry."""
        failures = {}
        Note = self.env["debt.collection.interest.note"]
        for partner, events in groups:
            notes, _skipped, problems = Note._propose(
                context.company,
                context.run_date,
                partners=partner,
                invoices=events.move_id,
            )
            if notes:
                events.sudo().write({"interest_note_id": notes[:1].id})  # sudo: history
            elif problems:
                error = " ".join(problems[partner])
                failures.update({event.id: ("error", error) for event in events})
            else:
                failures.update(
                    {event.id: ("nothing_to_charge", False) for event in events}
                )
        return failures

    def _get_skip_reasons(self):
        return super()._get_skip_reasons() | {"nothing_to_charge"}
