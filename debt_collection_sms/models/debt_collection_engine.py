"""The SMS step action of the collection engine.

For each customer of the step: find the mobile number (invoice contact, else
the customer), normalise it to E.164 with the contact's country, check Odoo's
phone blacklist and the company's SMS limit per customer; those who cannot get
an SMS are skipped with the reason (final: recorded once). The others get one
collection message each, the SMS text rendered on it in their language, and
the SMS is *queued*: the delivery queue sends it once the batch is committed
(see ``debt.collection.delivery``). Outside the company's SMS window nothing
is claimed: the SMS waits for the window.
"""

import logging
import time
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, models

from .debt_collection_event import SMS_SKIP_REASONS
from .debt_collection_sms_gateway import SmsMessage

_logger = logging.getLogger(__name__)


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _get_skip_reasons(self):
        return super()._get_skip_reasons() | SMS_SKIP_REASONS

    # Quiet hours -----------------------------------------------------------

    def _execute_plan(self, plan, origin="automatic", deadline=None, run=None):
        company = self.env["res.company"].browse(plan.company_id)
        if plan.groups and not company._debt_collection_sms_window_open():
            steps = self.env["debt.collection.step"].browse(
                {group.step_id for group in plan.groups}
            )
            sms_step_ids = set(steps.filtered(lambda s: s.action == "sms").ids)
            held = [g for g in plan.groups if g.step_id in sms_step_ids]
            plan.groups = [g for g in plan.groups if g.step_id not in sms_step_ids]
            if held and origin == "manual":
                self._postpone_sms_groups(company, held)
        result = super()._execute_plan(plan, origin=origin, deadline=deadline, run=run)
        if not run:
            # The SMS the batches queued (and committed) go out now.
            self.env["debt.collection.delivery"]._send_sms_queue(
                company,
                deadline=deadline or time.monotonic() + self._get_time_budget(),
            )
        return result

    def _work_batches(self, company, deadline=None, batch_ids=None):
        result = super()._work_batches(company, deadline=deadline, batch_ids=batch_ids)
        # The SMS the batches queued (and committed) go out now; not while a
        # batch is held: sending commits.
        self.env["debt.collection.delivery"]._send_sms_queue(
            company, deadline=deadline or time.monotonic() + self._get_time_budget()
        )
        return result

    def _postpone_sms_groups(self, company, groups):
        """SMS an operator executes outside the window wait for it: they are
        recorded as postponed to the day the window opens next."""
        day = company._debt_collection_sms_next_day()
        rows = [(item, g.step_id, "pending", None) for g in groups for item in g.items]
        channels = {group.step_id: "sms" for group in groups}
        self._claim_events(
            company, day, rows, channels, self.env["debt.collection.run"], "manual"
        )

    # The action ----------------------------------------------------------

    def _execute_action_sms(self, step, groups, context):
        if step.sms_announce != "documents" and not self.env.context.get(
            "debt_collection_sms_announced"
        ):
            return self._announce_by_sms(step, groups, context)
        company, run_date, run = context.company, context.run_date, context.run
        failures, to_send = {}, []
        recipients = {
            partner.id: partner._debt_collection_sms_recipient(events.move_id)
            for partner, events in groups
        }
        blacklisted = self._get_sms_blacklisted(
            {number for _c, number, _r in recipients.values() if number}
        )
        sent_counts = self._get_sms_counts(
            company, [partner.id for partner, _e in groups], run_date
        )
        limit = company.debt_collection_sms_max_per_partner
        for partner, events in groups:
            contact, number, reason = recipients[partner.id]
            if not reason and number in blacklisted:
                reason = "sms_blacklisted"
            if not reason and limit and sent_counts.get(partner.id, 0) >= limit:
                reason = "sms_limit"
            if reason:
                failures.update({event.id: (reason, False) for event in events})
                if number:
                    events.sudo().write({"sms_number": number})  # sudo: history
                continue
            sent_counts[partner.id] = sent_counts.get(partner.id, 0) + 1
            to_send.append((partner, events, contact, number))
        if not to_send:
            return failures
        notices = self._get_sms_notices(step, to_send, run_date, run)
        bodies = step.sms_template_id._render_field(
            "body", notices.ids, compute_lang=True
        )
        messages = [
            SmsMessage(
                ref=self._get_sms_ref(notice),
                number=number,
                body=bodies[notice.id],
                partner=contact,
            )
            for notice, (_p, _e, contact, number) in zip(notices, to_send, strict=True)
        ]
        self.env["debt.collection.delivery"]._queue_sms(
            company, messages, [events for _p, events, _c, _n in to_send], notices
        )
        return failures

    def _get_sms_blacklisted(self, numbers):
        if not numbers:
            return set()
        # sudo: the blacklist is readable by administrators only; the engine
        # only asks whether the numbers are on it.
        return set(
            self.env["phone.blacklist"]
            .sudo()
            .search([("number", "in", list(numbers))])
            .mapped("number")
        )

    def _get_sms_counts(self, company, partner_ids, run_date):
        """{customer id: SMS sent within the company's period up to
        ``run_date``}; one SMS is one collection message, whatever the number
        of documents it lists."""
        since = run_date - timedelta(days=company.debt_collection_sms_period_days - 1)
        rows = self.env["debt.collection.event"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partner_ids),
                ("channel", "=", "sms"),
                ("state", "in", ("queued", "done")),
                ("notice_id", "!=", False),
                ("scheduled_date", ">=", since),
                ("scheduled_date", "<=", run_date),
            ],
            ["partner_id"],
            ["notice_id:count_distinct"],
        )
        return {partner.id: count for partner, count in rows}

    def _get_sms_notices(self, step, to_send, run_date, run):
        """One collection message per customer: a retry keeps the message of
        the first attempt."""
        # sudo: the engine records what it sends; users cannot create messages.
        Notice = self.env["debt.collection.notice"].sudo()
        Partner = self.env["res.partner"]  # no copy: an SMS has one recipient
        notices, vals_list, new_indexes = [], [], []
        for index, (partner, events, contact, _number) in enumerate(to_send):
            previous = events.notice_id
            if len(previous) == 1:
                notices.append(previous)
                continue
            vals_list.append(
                self._prepare_notice_vals(
                    step, partner, events, run_date, run, contact, Partner
                )
            )
            new_indexes.append(index)
            notices.append(None)
        created = Notice.create(vals_list)
        for index, notice in zip(new_indexes, created, strict=True):
            notices[index] = notice
            to_send[index][1].sudo().write({"notice_id": notice.id})  # sudo: history
        if step.net_credits:
            self.env["debt.collection.credit"]._attach(created, "notice_id")
        return Notice.concat(*notices)

    def _get_sms_ref(self, notice):
        """The same reference on every attempt of one SMS (the gateway's
        duplicate guard): the collection message's, which a retry keeps
        whatever happens to the customer's documents, prefixed with the
        database so that databases sharing a gateway account never clash."""
        # sudo: the database uuid is a system parameter.
        db_uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return f"dc-{db_uuid[:8]}-n{notice.id}"

    # Announcing a payment demand or an interest note ------------------------

    def _announce_by_sms(self, step, groups, context):
        """An SMS about the customer's payment demand or interest note (its
        number, amount and pay-by date) instead of the documents due."""
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
                self.with_context(
                    debt_collection_sms_announced=announced
                )._execute_action_sms(step, to_send, context)
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

    @api.model
    def _notify_sms_account_failure(self, company, run, error, count):
        """The gateway refused the account: tell the collection managers."""
        _logger.error("Debt collection SMS refused for %s: %s", company.name, error)
        managers = self.env.ref("debt_collection.group_debt_collection_manager").users
        managers = managers.filtered(
            lambda u: u.active and not u.share and company in u.company_ids
        )
        if not managers:
            return
        body = Markup("<p>%s</p><p>%s</p>") % (
            _(
                "%(count)s SMS of the collection run could not be sent: the "
                "gateway refused the account.",
                count=count,
            ),
            error,
        )
        # sudo: a notification to the managers, whoever runs the collection.
        self.env["mail.thread"].sudo().message_notify(
            partner_ids=managers.partner_id.ids,
            subject=_("Collection SMS not sent (%(company)s)", company=company.name),
            body=body,
            model=run._name if run else False,
            res_id=run.id if run else False,
            author_id=self.env.ref("base.partner_root").id,
        )
