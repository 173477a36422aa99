"""SMS steps that announce the customer's payment demand or interest note
(its number, amount and pay-by date) instead of listing the documents due."""

from odoo import models


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _execute_action_sms(self, step, groups, run_date, run):
        if step.sms_announce == "documents":
            return super()._execute_action_sms(step, groups, run_date, run)
        announced = self._get_sms_announced(step, [p.id for p, _e in groups])
        failures, to_send = {}, []
        for partner, events in groups:
            if partner.id in announced:
                to_send.append((partner, events))
            else:
                # Not a final outcome: the demand may be approved, the note
                # posted, before the next runs.
                failures.update(
                    {event.id: ("sms_nothing_to_announce", False) for event in events}
                )
        if to_send:
            failures.update(
                super(
                    DebtCollectionEngine,
                    self.with_context(debt_collection_sms_announced=announced),
                )._execute_action_sms(step, to_send, run_date, run)
            )
        return failures

    def _get_sms_announced(self, step, partner_ids):
        """{customer id: notice values} naming the latest payment demand
        (approved or sent) or posted, unpaid interest note of each customer."""
        if step.sms_announce == "demand":
            model, field, states = (
                "debt.collection.demand",
                "demand_id",
                ("approved", "sent"),
            )
        else:
            model, field, states = (
                "debt.collection.interest.note",
                "interest_note_id",
                ("posted",),
            )
        records = self.env[model].search(
            [
                ("company_id", "=", self.env.company.id),
                ("partner_id", "in", partner_ids),
                ("state", "in", states),
            ],
            order="date desc, id desc",
        )
        announced = {}
        for record in records:
            announced.setdefault(record.partner_id.id, {field: record.id})
        return announced

    def _prepare_notice_vals(self, step, partner, events, run_date, run, to, cc):
        vals = super()._prepare_notice_vals(
            step, partner, events, run_date, run, to, cc
        )
        announced = self.env.context.get("debt_collection_sms_announced") or {}
        vals.update(announced.get(partner.id, {}))
        return vals
