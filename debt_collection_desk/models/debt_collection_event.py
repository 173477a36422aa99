"""The desk's part in the collection history: block, case, promise and
dispute events, and the cases moving with the finished steps."""

from collections import defaultdict

from odoo import fields, models

# The case stage each step action leads to (actions not listed do not move
# the case).
STAGE_BY_ACTION = {"reminder": "reminded"}
# The case stage a collection document's stage leads to (see
# debt.collection.event._get_document_stage).
STAGE_BY_DOCUMENT = {
    "demand": "demanded",
    "final_demand": "final_demand",
    "legal": "legal",
}


class DebtCollectionEvent(models.Model):
    _inherit = "debt.collection.event"

    event_type = fields.Selection(
        selection_add=[
            ("block", "Sales block"),
            ("case", "Collection case"),
            ("promise", "Promise to pay"),
            ("dispute", "Dispute"),
        ],
        ondelete={
            "block": "cascade",
            "case": "cascade",
            "promise": "cascade",
            "dispute": "cascade",
        },
    )

    def _on_steps_done(self):
        result = super()._on_steps_done()
        self._advance_cases()
        return result

    def _get_case_stage(self):
        """The case stage this event leads to, or None."""
        self.ensure_one()
        document_stage = self._get_document_stage()
        if document_stage:
            return STAGE_BY_DOCUMENT[document_stage]
        if self.step_id and self.step_id.days >= 0:
            return STAGE_BY_ACTION.get(self.step_id.action)
        return None

    def _advance_cases(self):
        # A customer's case follows its last event that leads somewhere:
        # read from the end, the first one found is it (a demand logs one
        # event per document; the others need not be looked at).
        by_company = defaultdict(dict)
        for event in reversed(self):
            stages = by_company[event.company_id]
            if event.partner_id.id in stages:
                continue
            stage = event._get_case_stage()
            if stage:
                stages[event.partner_id.id] = stage
        Case = self.env["debt.collection.case"]
        for company, stages in by_company.items():
            if stages:
                Case._advance(company, stages)
        return True
