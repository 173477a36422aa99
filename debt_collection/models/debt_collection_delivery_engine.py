"""What the engine does when a collection message fails for good: the
collector gets an activity, and the step's fallback channel takes over."""

import time
from collections import defaultdict

from markupsafe import Markup

from odoo import _, fields, models


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _deadline_passed(self, deadline):
        """Whether a cron call's time budget (``time.monotonic()``) is used."""
        return time.monotonic() > deadline

    def _follow_up_failed_deliveries(self, deliveries):
        """An activity for the collector of each failed delivery (a phone
        call when the step falls back to the phone), then the fallback."""
        by_fallback = defaultdict(lambda: deliveries.browse())
        for delivery in deliveries:
            by_fallback[delivery.company_id, delivery.step_id.fallback_channel] |= (
                delivery
            )
        for (company, fallback), group in by_fallback.items():
            engine = self.with_company(company)
            engine._open_failure_activities(group, phone=fallback == "phone")
            if fallback:
                getattr(engine, f"_fallback_{fallback}")(group)

    def _open_failure_activities(self, deliveries, phone=False):
        activity_type = self.env.ref(
            "mail.mail_activity_data_call" if phone else "mail.mail_activity_data_todo"
        )
        summary = (
            _("Call the customer: a collection message was not delivered")
            if phone
            else _("Collection message not delivered")
        )
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list, with_activity = [], deliveries.browse()
        for delivery in deliveries:
            user = self._get_responsible(delivery.partner_id)
            if not user:
                continue
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": delivery.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": self._get_failure_note(delivery),
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
            with_activity |= delivery
        # sudo: the engine assigns the follow-up to the collector, whoever
        # noticed the failure (the mail queue, a bounce).
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for delivery, activity in zip(with_activity, activities, strict=True):
            delivery.activity_id = activity
        return activities

    def _get_failure_note(self, delivery):
        documents = ", ".join(delivery.move_ids.mapped("name"))
        note = Markup("<p>%s</p><p>%s</p>") % (
            delivery.display_name,
            delivery._get_failure_summary(),
        )
        if documents:
            note += Markup("<p>%s</p>") % _("Documents: %(documents)s", documents=documents)
        return note

    def _prepare_fallback_event_vals(self, event, channel, state, **values):
        """An action taken instead of ``event``'s failed delivery: same
        document, step and amounts, no exactly-once key of its own (the
        failed action keeps it)."""
        return {
            "company_id": event.company_id.id,
            "partner_id": event.partner_id.id,
            "move_id": event.move_id.id,
            "step_id": event.step_id.id,
            "policy_id": event.policy_id.id,
            "event_type": "action",
            "channel": channel,
            "state": state,
            "origin": "automatic",
            "user_id": False,
            "scheduled_date": event.scheduled_date,
            "date_maturity": event.date_maturity,
            "days_overdue": event.days_overdue,
            "amount_residual": event.amount_residual,
            "document_currency_id": event.document_currency_id.id,
            "amount_residual_currency": event.amount_residual_currency,
            "amount_original_currency": event.amount_original_currency,
            "note": _("Instead of the message that could not be delivered."),
            **values,
        }

    def _create_fallback_events(self, deliveries, channel, state, values_by_delivery):
        vals_list = [
            self._prepare_fallback_event_vals(
                event, channel, state, **values_by_delivery.get(delivery.id, {})
            )
            for delivery in deliveries
            for event in delivery.event_ids
        ]
        # sudo: history
        return self.env["debt.collection.event"].sudo().create(vals_list)

    def _fallback_phone(self, deliveries):
        """The collector calls: the call activity is the action."""
        self._create_fallback_events(
            deliveries,
            "phone",
            "done",
            {d.id: {"activity_id": d.activity_id.id} for d in deliveries},
        )

    def _fallback_letter(self, deliveries):
        """The demand goes by post: a letter waits to be printed for posting."""
        deliveries = deliveries.filtered("demand_id")
        demands = self.env["debt.collection.demand"].concat(
            *(delivery.demand_id for delivery in deliveries)
        )
        letters = self.env["debt.collection.delivery"]._track_letters(
            demands, [self.env["debt.collection.event"]] * len(demands)
        )
        for delivery, letter in zip(deliveries, letters, strict=True):
            letter.step_id = delivery.step_id
        self._create_fallback_events(
            deliveries,
            "letter",
            "queued",
            {d.id: {"delivery_id": l.id} for d, l in zip(deliveries, letters, strict=True)},
        )
        demands.sudo()._log_event(  # sudo: history
            _("E-mail not delivered: print it and send it by post.")
        )
