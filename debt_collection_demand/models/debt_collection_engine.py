from odoo import models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _execute_action_demand(self, step, groups, context):
        return self._prepare_demands("demand", step, groups, context.run_date)

    def _execute_action_final_demand(self, step, groups, context):
        return self._prepare_demands("final_demand", step, groups, context.run_date)

    def _prepare_demands(self, kind, step, groups, run_date):
        """Demand documents, one per customer: waiting for approval, or
        approved and e-mailed with their PDF when the step says so (those
        without an e-mail address wait approved, to be posted)."""
        events = self.env["debt.collection.event"].concat(*(e for _p, e in groups))
        demands = self.env["debt.collection.demand"]._create_for_items(
            self.env.company,
            kind,
            events.move_line_id,
            date=run_date,
            auto_approve=step.demand_auto_approve,
            pay_by_days=step.pay_by_days,
            net_credits=step.net_credits,
            attach_invoices=step.attach_invoices,
            letter_template=step.letter_template_id,
            submit=True,  # their amounts were taken just now
        )
        # Each demand carries out the step's actions of its customer's
        # documents. Written with the events' outcome (see _run_handler).
        by_partner = events.grouped("partner_id")
        actions = {demand.id: by_partner[demand.partner_id] for demand in demands}
        for demand in demands:
            actions[demand.id].sudo().demand_id = demand  # sudo: history
        if kind == "final_demand":
            demands._close_escalated_demands()
        approved = demands.filtered(lambda d: d.state == "approved")
        by_email = approved.filtered("mail_email_to")
        if by_email:
            by_email._send_email(step.mail_template_id, actions=actions)
        by_post = approved - by_email
        by_post._log_event(_lt("No e-mail address: print it and send it by post."))
        self.env["debt.collection.delivery"]._track_letters(
            by_post, [actions[demand.id] for demand in by_post]
        )
        return {}
