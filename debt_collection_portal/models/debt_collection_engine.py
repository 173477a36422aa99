from odoo import models


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _execute_action_statement(self, step, groups, context):
        """E-mail each customer of the step its statement: all its open items
        and credits, with its PDF (one statement per customer)."""
        failures, vals_list, events_list = {}, [], []
        Statement = self.env["debt.collection.statement"]
        company = context.company
        for partner, events in groups:
            to, cc = self._get_notice_recipients(step, partner)
            if not to:
                failures.update({event.id: ("no_recipient", False) for event in events})
                continue
            vals = Statement._prepare_vals(company, partner, to, cc)
            vals.update(date=context.run_date, step_id=step.id, run_id=context.run.id)
            vals_list.append(vals)
            events_list.append(events)
        if not vals_list:
            return failures
        statements = Statement._create_numbered(vals_list)
        for statement, events in zip(statements, events_list, strict=True):
            events.sudo().write({"statement_id": statement.id})  # sudo: history
        # The events wait for the mail server, as for the other messages.
        statements._send(step.mail_template_id, events_list=events_list)
        return failures
