"""SMS as collection deliveries: queued by the engine, sent by the queue.

The engine's SMS action only *queues* the SMS (a delivery committed with the
batch that claimed its events); the queue then sends each SMS in its own
transaction, after the claim is committed:

1. take the SMS with a conditional UPDATE that marks it as being submitted,
   and commit: two workers never send one SMS, and a worker killed during
   the call leaves a trace;
2. call the gateway with the SMS's reference (SMSAPI ``idx`` with
   ``check_idx``, Odoo SMS ``uuid``), which is the collection message's own:
   it never changes, whatever happens to the customer's documents;
3. record the answer and commit.

An SMS whose earlier attempt may have left (no answer, or the worker died)
is sent again with the same reference, and the gateway refuses the
duplicate, but only for 24 hours (SMSAPI forgets an ``idx`` after that):
later, it is not sent again; it fails and the collector checks.
"""

import time
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.debt_collection.tools import delivery as delivery_rules

from ..tools import smsapi
from ..tools.segments import count_segments
from .debt_collection_sms_gateway import SmsMessage

# SMSAPI remembers an idx for 24 hours; keep a margin.
IDX_MEMORY = timedelta(hours=23)
# A submission this old without an answer: the worker that made it is gone.
SUBMISSION_TIMEOUT = timedelta(minutes=15)
UNCONFIRMED = "unconfirmed"
ACCOUNT = "account"
# Answers that end an SMS for good: (failure, event reason).
FINAL_FAILURES = {
    smsapi.INVALID_NUMBER: (delivery_rules.INVALID_ADDRESS, "sms_invalid_number"),
    smsapi.BLACKLISTED: (delivery_rules.REFUSED, "sms_blacklisted"),
    smsapi.REFUSED: (delivery_rules.REFUSED, "delivery_failed"),
}


class DebtCollectionDelivery(models.Model):
    _inherit = "debt.collection.delivery"

    channel = fields.Selection(
        selection_add=[("sms", "SMS")], ondelete={"sms": "cascade"}
    )
    failure = fields.Selection(
        selection_add=[
            (ACCOUNT, "SMS gateway account: authorisation, credit or settings"),
            (UNCONFIRMED, "Unknown whether the SMS left"),
        ],
        ondelete={ACCOUNT: "set null", UNCONFIRMED: "set null"},
    )
    sms_number = fields.Char("SMS Number")
    sms_body = fields.Text("SMS Text")
    sms_contact_id = fields.Many2one("res.partner", string="SMS Recipient")
    sms_ref = fields.Char(
        "SMS Reference",
        index="btree_not_null",
        help="Sent with every attempt (SMSAPI idx, Odoo SMS uuid): the gateway "
        "refuses a second SMS with the same reference.",
    )
    sms_submitted_date = fields.Datetime(
        "Submitted On", help="Being sent to the gateway since then."
    )
    sms_unconfirmed_since = fields.Datetime(
        "Unconfirmed Since",
        help="An attempt that may have reached the gateway got no answer then.",
    )

    @api.model
    def _queue_sms(self, company, messages, events_list, notices):
        """Queue ``messages`` [SmsMessage] of ``notices``, carrying the
        events of ``events_list``; the queue sends them after the commit."""
        vals_list = [
            {
                "company_id": company.id,
                "partner_id": notice.partner_id.id,
                "channel": "sms",
                "step_id": notice.step_id.id,
                "notice_id": notice.id,
                "sms_number": message.number,
                "sms_body": message.body,
                "sms_contact_id": message.partner.id,
                "sms_ref": message.ref,
                "subject": notice.display_name,
            }
            for message, notice in zip(messages, notices, strict=True)
        ]
        deliveries = self.sudo().create(vals_list)  # sudo: history
        for delivery, events in zip(deliveries, events_list, strict=True):
            events.sudo().write(  # sudo: history
                {
                    "sms_number": delivery.sms_number,
                    "sms_body": delivery.sms_body,
                    "sms_segments": count_segments(delivery.sms_body).segments,
                    "sms_gateway": company.debt_collection_sms_gateway,
                }
            )
        deliveries._link_events(events_list)
        return deliveries

    def _fallback_sms(self):
        """The customer gets an SMS instead of the failed message: the
        step's SMS template (else the shipped one), on a collection message
        of its own that lists the same documents."""
        engine = self.env["debt.collection.engine"]
        company = self.env.company
        recipients = {
            delivery.id: delivery.partner_id._debt_collection_sms_recipient(
                delivery.event_ids.move_id
            )
            for delivery in self
        }
        blacklisted = engine._get_sms_blacklisted(
            {number for _c, number, _r in recipients.values() if number}
        )
        # sudo: the engine records what it sends; users cannot create messages.
        Notice = self.env["debt.collection.notice"].sudo()
        for delivery in self.filtered("event_ids"):
            contact, number, reason = recipients[delivery.id]
            if reason or number in blacklisted:
                continue
            step = delivery.step_id
            notice = Notice.create(
                engine._prepare_notice_vals(
                    step,
                    delivery.partner_id,
                    delivery.event_ids,
                    company._debt_collection_today(),
                    delivery.notice_id.run_id,
                    contact,
                    self.env["res.partner"],
                )
            )
            events = delivery._create_fallback_events(
                "sms", "queued", {delivery.id: {"notice_id": notice.id}}
            )
            template = step.sms_template_id or step._default_sms_template(step.days)
            body = template._render_field("body", notice.ids, compute_lang=True)
            message = SmsMessage(
                ref=engine._get_sms_ref(notice),
                number=number,
                body=body[notice.id],
                partner=contact,
            )
            self._queue_sms(company, [message], [events], notice)

    # Sending -------------------------------------------------------------

    @api.model
    def _cron_follow_up(self):
        result = super()._cron_follow_up()
        engine = self.env["debt.collection.engine"]
        self._send_sms_queue(deadline=time.monotonic() + engine._get_time_budget())
        return result

    @api.model
    def _send_sms_queue(self, companies=None, deadline=None):
        """Send the queued SMS that are due, within the companies' SMS
        window, one transaction per SMS outside tests; stop at ``deadline``
        (time.monotonic()). Returns the deliveries attempted."""
        now = fields.Datetime.now()
        domain = [
            ("channel", "=", "sms"),
            ("state", "=", "queued"),
            "|",
            ("next_retry", "=", False),
            ("next_retry", "<=", now),
            "|",
            ("sms_submitted_date", "=", False),
            ("sms_submitted_date", "<", now - SUBMISSION_TIMEOUT),
        ]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        # sudo: the queue is sent whoever runs it (the cron, a collector).
        queue = self.sudo().search(domain, order="id")
        engine = self.env["debt.collection.engine"]
        attempted = self.browse()
        for company in queue.company_id:
            if not company._debt_collection_sms_window_open():
                continue
            account_errors = []
            for delivery in queue.filtered(lambda d, c=company: d.company_id == c):
                if deadline and time.monotonic() > deadline:
                    return attempted
                if account_errors:
                    # The account is refused: asking again for each SMS
                    # won't help.
                    delivery._record_sms_failure(ACCOUNT, account_errors[0])
                    account_errors.append(account_errors[0])
                    continue
                result = delivery._submit_sms()
                attempted |= delivery
                if result and result.kind == smsapi.ACCOUNT:
                    account_errors.append(result.error)
                if engine._can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            if account_errors:
                engine._notify_sms_account_failure(
                    company,
                    queue.notice_id.run_id[:1],
                    account_errors[0],
                    len(account_errors),
                )
        return attempted

    def _submit_sms(self):
        """Take this SMS (unless another worker has), mark it as being
        submitted, commit, call the gateway and record the answer. Returns
        the gateway's result, or None when it was not called."""
        self.ensure_one()
        now = fields.Datetime.now()
        rows = self.env.execute_query(
            SQL(
                """UPDATE debt_collection_delivery
                      SET sms_unconfirmed_since = COALESCE(
                              sms_unconfirmed_since, sms_submitted_date),
                          sms_submitted_date = %(now)s
                    WHERE id = %(id)s AND state = 'queued'
                      AND (sms_submitted_date IS NULL
                           OR sms_submitted_date < %(stale)s)
                RETURNING sms_unconfirmed_since""",
                now=now,
                id=self.id,
                stale=now - SUBMISSION_TIMEOUT,
            )
        )
        self.invalidate_recordset()
        if not rows:
            return None  # another worker has it
        unconfirmed_since = rows[0][0]
        if unconfirmed_since and now - unconfirmed_since >= IDX_MEMORY:
            self._fail(
                UNCONFIRMED,
                _(
                    "An attempt on %(date)s got no answer from the gateway, which "
                    "no longer recognises the SMS after 24 hours: it is not sent "
                    "again. Check in the gateway whether it left.",
                    date=fields.Datetime.to_string(unconfirmed_since),
                ),
            )
            return None
        engine = self.env["debt.collection.engine"]
        if engine._can_commit():
            # The gateway is called only for what is committed.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        message = SmsMessage(
            ref=self.sms_ref,
            number=self.sms_number,
            body=self.sms_body,
            partner=self.sms_contact_id or self.partner_id,
        )
        result = self.env["debt.collection.sms.gateway"]._send(
            self.company_id, [message]
        )[0]
        self._record_sms_result(result)
        return result

    def _record_sms_result(self, result):
        self.ensure_one()
        vals = {"sms_submitted_date": False}
        event_vals = {}
        if result.gateway_ref:
            event_vals["sms_gateway_ref"] = result.gateway_ref
        if result.status:
            event_vals["sms_status"] = result.status
        if result.sms:
            event_vals["sms_sms_id"] = result.sms.id
        if result.kind in (smsapi.SENT, smsapi.DUPLICATE):
            vals["sms_unconfirmed_since"] = False
        elif result.maybe_sent:
            vals["sms_unconfirmed_since"] = (
                self.sms_unconfirmed_since or fields.Datetime.now()
            )
        self.write(vals)
        if event_vals:
            self.event_ids.sudo().write(event_vals)  # sudo: history
        if result.kind in (smsapi.SENT, smsapi.DUPLICATE):
            self._mark_sent()
        elif result.kind in FINAL_FAILURES:
            failure, reason = FINAL_FAILURES[result.kind]
            self._fail(failure, result.error, reason=reason)
        elif result.kind == smsapi.ACCOUNT:
            self._record_sms_failure(ACCOUNT, result.error)
        else:
            self._retry_later(result.error)

    def _record_sms_failure(self, failure, error):
        """The gateway refused the account: this SMS fails, its actions
        fail too and the collection runs retry them (a new SMS with the same
        reference) once the managers have fixed the account."""
        deliveries = self._lock(("queued",))
        deliveries.write(
            {
                "state": "failed",
                "failure": failure,
                "error": error,
                "failed_date": fields.Datetime.now(),
                "sms_submitted_date": False,
            }
        )
        deliveries.event_ids.sudo()._record_outcome(  # sudo: history
            "failed", "sms_gateway_account", error
        )
