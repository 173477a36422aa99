"""Delivery assurance: a collection action is queued until its channel
confirms it; passing e-mail failures are retried with a pause, final ones
fail with an activity for the collector and the step's fallback; the history
keeps what left. With a real local SMTP server that refuses connections,
then accepts them, then bounces.

Dates are in winter 2026 (Warsaw = UTC+1): an invoice due on Monday 2 March
gets its overdue reminder (day 7) on Monday 9 March, its payment demand
(day 40, a Saturday) on Monday 13 April.
"""

import email
import email.policy
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import config, mute_logger

from ..tools import delivery as delivery_rules
from .common import DebtCollectionCase, requires_addon

MON_2 = date(2026, 3, 2)
MON_9 = date(2026, 3, 9)
DEMAND_DAY = date(2026, 4, 13)
MAIL_LOGGER = "odoo.addons.mail.models.mail_mail"


def _utc(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute)


class DeliveryCase(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_b = cls.env["res.partner"].create(
            {
                "name": "Sklep Nowak",
                "is_company": True,
                "email": "kasa@nowak.example.com",
                "lang": "en_US",
                "street": "ul. Długa 1",
                "zip": "00-001",
                "city": "Warszawa",
            }
        )
        cls.customer_c = cls.env["res.partner"].create(
            {
                "name": "Hurtownia Zielona",
                "is_company": True,
                "email": "biuro@zielona.example.com",
                "lang": "en_US",
            }
        )

    def _queue(self, at):
        """Odoo's mail queue at ``at`` (UTC)."""
        with freeze_time(at):
            self.env["mail.mail"].process_email_queue()

    def _deliveries(self, **domain):
        search = [("company_id", "=", self.company.id)]
        search += [(key, "=", value) for key, value in domain.items()]
        return self.env["debt.collection.delivery"].search(search, order="id")

    def _reminders_on_monday(self):
        """Three customers' overdue reminders queued on Monday 9 March, 10:00
        Warsaw (09:00 UTC), before the mail queue ran."""
        invoices = [
            self._invoice(partner, MON_2, amount)
            for partner, amount in (
                (self.customer, 300),
                (self.customer_b, 400),
                (self.customer_c, 500),
            )
        ]
        self._run(MON_9, deliver=False)
        return invoices


@tagged("post_install", "-at_install")
class TestDeliveryStates(DeliveryCase):
    def test_queued_until_the_mail_server_takes_it_then_done(self):
        """After the run the reminder is queued (not done); once the SMTP
        server took it, the action is done and the delivery sent, at the
        moment it left."""
        (invoice, *_rest) = self._reminders_on_monday()
        event = self._events(move_id=invoice.id)
        self.assertRecordValues(event, [{"state": "queued"}])
        delivery = event.delivery_id
        self.assertRecordValues(
            delivery,
            [{"state": "queued", "channel": "email", "partner_id": self.customer.id}],
        )
        run = event.run_id
        self.assertEqual((run.done_count, run.queued_count), (0, 3))
        self.assertEqual(self.smtp.envelopes, [])

        self._queue(_utc(MON_9, 9, 5))

        self.assertRecordValues(event, [{"state": "done"}])
        self.assertRecordValues(
            delivery, [{"state": "sent", "sent_date": _utc(MON_9, 9, 5)}]
        )
        self.assertEqual((run.done_count, run.queued_count), (3, 0))
        self.assertEqual(len(self.smtp.envelopes), 3)

    def test_history_keeps_exactly_what_left(self):
        """The e-mail is not deleted after sending, and the delivery keeps
        its sender, addresses, subject and body exactly as the server got
        them; a demand also keeps its PDF."""
        self._reminders_on_monday()
        self._queue(_utc(MON_9, 9, 5))
        delivery = self._deliveries(partner_id=self.customer_b.id)
        envelope = next(
            e for e in self.smtp.envelopes if "kasa@nowak.example.com" in e.rcpt_tos
        )
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        self.assertEqual(message["Subject"], delivery.subject)
        self.assertEqual(
            message["Subject"], "Windykacja Sp. z o.o.: overdue payment reminder"
        )
        self.assertIn("kasa@nowak.example.com", delivery.email_to)
        self.assertIn("kasa@nowak.example.com", message["To"])
        self.assertEqual(
            delivery.email_from, '"Collector Anna" <anna.collector@example.com>'
        )
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn(delivery.event_ids.move_id.name, delivery.body_html)
        self.assertIn(delivery.event_ids.move_id.name, html)
        self.assertIn("400.00", delivery.body_html)
        # Kept although the template was made to delete its e-mails.
        mail = delivery.sudo().mail_id
        self.assertEqual((mail.state, mail.auto_delete), ("sent", False))
        self.assertEqual(delivery.notice_id.delivery_state, "sent")

    @requires_addon("debt_collection_demand")
    def test_demand_keeps_its_pdf_and_letter_waits_to_be_printed(self):
        """On the demand day the customer with an e-mail address gets the
        demand with its PDF; the one without waits for the print run as a
        queued letter, sent when printed for posting."""
        self.customer_c.email = False
        self.customer_c.write(
            {"street": "ul. Polna 2", "zip": "00-002", "city": "Warszawa"}
        )
        by_mail = self._invoice(self.customer_b, MON_2, 400)
        by_post = self._invoice(self.customer_c, MON_2, 500)
        self._run(DEMAND_DAY)
        mailed = self._events(move_id=by_mail.id, step_id=self.step_demand.id)
        self.assertRecordValues(mailed, [{"state": "done"}])
        self.assertEqual(
            mailed.delivery_id.attachment_ids.mapped("name"),
            [f"Payment demand {mailed.demand_id.name.replace('/', '-')}.pdf"],
        )
        posted = self._events(move_id=by_post.id, step_id=self.step_demand.id)
        letter = posted.delivery_id
        self.assertRecordValues(posted, [{"state": "queued"}])
        self.assertRecordValues(letter, [{"state": "queued", "channel": "letter"}])

        with freeze_time(_utc(DEMAND_DAY, 14)):
            posted.demand_id.with_user(self.manager).action_print_batch()

        self.assertRecordValues(posted, [{"state": "done"}])
        self.assertRecordValues(
            letter, [{"state": "sent", "sent_date": _utc(DEMAND_DAY, 14)}]
        )


@tagged("post_install", "-at_install")
class TestDeliveryRetries(DeliveryCase):
    def test_smtp_outage_then_every_email_delivered_exactly_once(self):
        """The SMTP server refuses connections when the queue runs: nothing
        is lost, nothing is done; it is retried after 15 minutes, not
        before; once the server is back each customer gets one e-mail, and
        later queue runs send nothing more."""
        self._reminders_on_monday()
        self.smtp.stop()
        with mute_logger(MAIL_LOGGER):
            self._queue(_utc(MON_9, 9, 5))
        deliveries = self._deliveries()
        self.assertEqual(len(deliveries), 3)
        self.assertRecordValues(
            deliveries,
            [
                {"state": "queued", "attempts": 1, "next_retry": _utc(MON_9, 9, 20)}
                for _delivery in deliveries
            ],
        )
        self.assertEqual(set(deliveries.sudo().mail_id.mapped("state")), {"outgoing"})
        self.assertEqual(set(self._events().mapped("state")), {"queued"})

        self.smtp.start()
        self._queue(_utc(MON_9, 9, 10))  # too early: waits for 9:20
        self.assertEqual(self.smtp.envelopes, [])
        self._queue(_utc(MON_9, 9, 21))
        self._queue(_utc(MON_9, 10, 30))
        self._queue(_utc(MON_9, 15, 0))

        self.assertEqual(
            sorted(self.smtp.recipients()),
            [
                "biuro@kowalski.example.com",
                "biuro@zielona.example.com",
                "kasa@nowak.example.com",
            ],
        )
        self.assertRecordValues(
            deliveries,
            [{"state": "sent", "sent_date": _utc(MON_9, 9, 21)} for _d in deliveries],
        )
        self.assertEqual(set(self._events().mapped("state")), {"done"})

    def test_temporary_refusal_is_retried(self):
        """A 4xx answer ("try again later") is retried like an outage."""
        self._reminders_on_monday()
        self.smtp.recorder.data_reply = "451 4.3.0 Mailbox busy, try again later"
        with mute_logger(MAIL_LOGGER):
            self._queue(_utc(MON_9, 9, 5))
        deliveries = self._deliveries()
        self.assertEqual(set(deliveries.mapped("state")), {"queued"})
        self.assertIn("451", deliveries[0].error)
        self.smtp.recorder.data_reply = None
        self._queue(_utc(MON_9, 9, 30))
        self.assertEqual(len(self.smtp.envelopes), 3)
        self.assertEqual(set(deliveries.mapped("state")), {"sent"})

    def test_backoff_then_given_up_after_the_retry_period(self):
        """Down for good: tried after 15 min, 1 h, 4 h, then daily, for the
        company's 3 days; then failed with the reason, the collector gets an
        activity and the run shows the failure."""
        self.assertEqual(self.company.debt_collection_retry_days, 3)
        invoice = self._invoice(self.customer, MON_2, 300)
        self._run(MON_9, deliver=False)
        delivery = self._deliveries()
        self.smtp.stop()
        attempts_at = []
        now = _utc(MON_9, 9, 5)
        with mute_logger(MAIL_LOGGER):
            while delivery.state == "queued" and len(attempts_at) < 20:
                self._queue(now)
                attempts_at.append(now)
                now = delivery.next_retry or now
        first = _utc(MON_9, 9, 5)
        self.assertEqual(
            attempts_at,
            [
                first,
                first + timedelta(minutes=15),
                first + timedelta(minutes=15, hours=1),
                first + timedelta(minutes=15, hours=5),
                first + timedelta(minutes=15, hours=5, days=1),
                first + timedelta(minutes=15, hours=5, days=2),
                first + timedelta(days=3),  # the end of the period
            ],
        )
        self.assertRecordValues(
            delivery, [{"state": "failed", "failure": delivery_rules.EXPIRED}]
        )
        event = self._events(move_id=invoice.id)
        self.assertRecordValues(
            event, [{"state": "failed", "reason": "delivery_failed"}]
        )
        self.assertIn("Not delivered within the retry period", event.error)
        self.assertEqual(event.run_id.failed_count, 1)
        activity = delivery.activity_id
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.res_id, self.customer.id)
        self.assertEqual(activity.summary, "Collection message not delivered")
        # Given up: the collection runs do not send the same reminder again.
        self.smtp.start()
        self._run(date(2026, 3, 13))
        self.assertEqual(self.smtp.envelopes, [])

    def test_retry_period_is_set_per_company(self):
        self.company.debt_collection_retry_days = 1
        self._invoice(self.customer, MON_2, 300)
        self._run(MON_9, deliver=False)
        self.smtp.stop()
        with mute_logger(MAIL_LOGGER):
            self._queue(_utc(MON_9, 9, 5))
        self.assertEqual(
            self._deliveries().retry_until, _utc(MON_9, 9, 5) + timedelta(days=1)
        )


@tagged("post_install", "-at_install")
class TestDeliveryFailures(DeliveryCase):
    def test_refused_recipient_fails_at_once_and_the_collector_calls(self):
        """The server refuses the customer's address (550): failed at once,
        not retried; the step falls back to the phone: the collector gets a
        call activity, recorded as the action taken instead; the history,
        the document, the customer and the to-do list show it."""
        self.step_reminder.fallback_channel = "phone"
        invoice = self._invoice(self.customer_b, MON_2, 400)
        self.smtp.recorder.refused["kasa@nowak.example.com"] = (
            "550 5.1.1 <kasa@nowak.example.com>: No such user"
        )
        with mute_logger(MAIL_LOGGER):
            self._run(MON_9)
            self._run(MON_9, hour=15)
        self.assertEqual(self.smtp.envelopes, [])
        delivery = self._deliveries()
        self.assertRecordValues(
            delivery, [{"state": "failed", "failure": delivery_rules.REFUSED}]
        )
        self.assertIn("No such user", delivery.error)
        events = self._events(move_id=invoice.id)
        self.assertEqual(
            [(e.channel, e.state, e.reason) for e in events],
            [("email", "failed", "delivery_failed"), ("phone", "done", False)],
        )
        activity = delivery.activity_id
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(events[1].activity_id, activity)
        self.assertIn(invoice.name, str(activity.note))

        # Where a user sees it.
        failed_filter = self.env["debt.collection.event"].search(
            [("company_id", "=", self.company.id)]
            + self.env["debt.collection.event"]._get_failed_delivery_domain()
        )
        self.assertEqual(failed_filter, events[0])
        self.assertEqual(invoice.debt_collection_failed_count, 1)
        self.assertEqual(self.customer_b.debt_collection_failed_count, 1)
        with freeze_time(_utc(MON_9, 16)):
            worklist = (
                self.env["debt.collection.worklist"]
                .with_user(self.collector)
                .create({})
            )
            worklist.action_show()
        failed_lines = worklist.line_ids.filtered(lambda line: line.kind == "failed")
        self.assertEqual(failed_lines.partner_id, self.customer_b)
        self.assertIn("No such user", failed_lines.delivery_error)
        # Once the collector has called (activity done), the to-do list no
        # longer lists it; the history still does.
        activity.action_done()
        self.assertFalse(delivery.activity_id)
        self.assertEqual(self.customer_b.debt_collection_failed_count, 1)

    @requires_addon("debt_collection_demand")
    def test_bounced_demand_goes_back_to_approved_and_falls_back_to_a_letter(self):
        """The demand left, then bounced (Odoo's bounce handling): the
        delivery and the action fail, the demand is no longer "sent" and a
        letter waits to be printed; printing it completes the action."""
        self.step_demand.fallback_channel = "letter"
        invoice = self._invoice(self.customer_b, MON_2, 400)
        self._run(DEMAND_DAY)
        event = self._events(move_id=invoice.id, step_id=self.step_demand.id)
        demand = event.demand_id
        self.assertRecordValues(event, [{"state": "done"}])
        self.assertEqual(demand.state, "sent")

        self._bounce(event.delivery_id, "kasa@nowak.example.com")

        delivery = event.delivery_id
        self.assertRecordValues(
            delivery, [{"state": "failed", "failure": delivery_rules.BOUNCE}]
        )
        self.assertIn("User unknown", delivery.error)
        self.assertRecordValues(
            event, [{"state": "failed", "reason": "delivery_failed"}]
        )
        self.assertRecordValues(demand, [{"state": "approved", "sent_by": False}])
        letter_event = (
            self._events(move_id=invoice.id, step_id=self.step_demand.id) - event
        )
        self.assertRecordValues(letter_event, [{"state": "queued"}])
        letter = letter_event.delivery_id
        self.assertRecordValues(
            letter, [{"channel": "letter", "state": "queued", "demand_id": demand.id}]
        )
        self.assertTrue(delivery.activity_id)

        demand.with_user(self.manager).action_print_batch()

        self.assertRecordValues(letter_event, [{"state": "done"}])
        self.assertRecordValues(letter, [{"state": "sent"}])
        self.assertRecordValues(demand, [{"state": "sent", "sent_by": "post"}])

    def test_bounce_of_a_copy_does_not_fail_the_message(self):
        jan = self.env["res.partner"].create(
            {
                "name": "Jan",
                "parent_id": self.customer_b.id,
                "email": "jan@nowak.example.com",
            }
        )
        self.customer_b.debt_collection_contact_ids = jan
        self._invoice(self.customer_b, MON_2, 400)
        self._run(MON_9)
        delivery = self._deliveries()
        self.assertIn("jan@nowak.example.com", delivery.email_cc)
        self._bounce(delivery, "jan@nowak.example.com")
        self.assertEqual(delivery.state, "sent")

    def _bounce(self, delivery, address):
        """The DSN a mail server sends back when ``address`` does not exist,
        processed by Odoo's incoming mail gateway."""
        message_id = delivery.sudo().mail_message_id.message_id
        raw = f"""From: MAILER-DAEMON@mx.nowak.example.com
To: bounce@example.com
Subject: Undelivered Mail Returned to Sender
Message-Id: <dsn-{delivery.id}@mx.nowak.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain

Your message could not be delivered: 550 5.1.1 <{address}>: User unknown.

--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.nowak.example.com

Final-Recipient: rfc822; {address}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--dsn
Content-Type: text/rfc822-headers

Message-Id: {message_id}
From: anna.collector@example.com
To: {address}
Subject: {delivery.subject}

--dsn--
"""
        # The mail gateway runs as the superuser (fetchmail).
        self.env["mail.thread"].sudo().message_process(False, raw)


@tagged("post_install", "-at_install")
class TestDeliveryFollowUp(DeliveryCase):
    def test_mails_left_without_an_outcome_are_followed_up(self):
        """A worker killed while sending leaves an e-mail in "exception" with
        no failure recorded: the follow-up cron puts it back in the queue;
        an e-mail someone deleted or cancelled fails."""
        self._reminders_on_monday()
        lost, cancelled, stuck = self._deliveries()
        lost.sudo().mail_id.unlink()
        cancelled.sudo().mail_id.cancel()
        stuck.sudo().mail_id.write(
            {"state": "exception", "failure_reason": "Error without exception."}
        )
        with freeze_time(_utc(MON_9, 9, 30)):
            self.env["debt.collection.delivery"]._cron_follow_up()
        self.assertRecordValues(
            lost + cancelled,
            [
                {"state": "failed", "failure": delivery_rules.ERROR},
                {"state": "failed", "failure": delivery_rules.ERROR},
            ],
        )
        self.assertRecordValues(stuck, [{"state": "queued", "attempts": 1}])
        self._queue(_utc(MON_9, 9, 50))
        self.assertEqual(stuck.state, "sent")
        self.assertEqual(len(self.smtp.envelopes), 1)

    def test_cron_time_budget_stays_below_the_worker_limit(self):
        engine = self.env["debt.collection.engine"]
        for limits, budget in (
            ({"limit_time_real_cron": 120, "limit_time_real": 60}, 60),
            ({"limit_time_real_cron": -1, "limit_time_real": 60}, 30),
            ({"limit_time_real_cron": 3600, "limit_time_real": 60}, 600),
            ({"limit_time_real_cron": 0, "limit_time_real": 0}, 600),
        ):
            with self.subTest(limits=limits), patch.dict(config.options, limits):
                self.assertEqual(engine._get_time_budget(), budget)


@tagged("post_install", "-at_install")
class TestRetryBudgetInDays(DeliveryCase):
    def test_failed_action_is_retried_over_days_not_used_up_by_hourly_runs(self):
        """No e-mail address: the action fails; hourly runs try again after
        15 min, 1 h, 4 h, then daily, for the company's 3 days; an address
        added on Wednesday afternoon is still used."""
        self.customer_c.email = False
        invoice = self._invoice(self.customer_c, MON_2, 500)
        tries = []
        for day in (MON_9, date(2026, 3, 10), date(2026, 3, 11)):
            for hour in range(10, 18):
                self._run(day, hour=hour)
                event = self._events(move_id=invoice.id)
                tries.append(event.attempts)
        event = self._events(move_id=invoice.id)
        self.assertRecordValues(event, [{"state": "failed", "reason": "no_recipient"}])
        # Monday 10:00, 11:00 (after 15 min), 12:00 (after 1 h), 16:00 (after
        # 4 h); Tuesday and Wednesday 16:00 (daily).
        self.assertEqual(tries[:8], [1, 2, 3, 3, 3, 3, 4, 4])
        self.assertEqual(tries[-1], 6)
        self.customer_c.email = "biuro@zielona.example.com"
        self._run(date(2026, 3, 12), hour=10)  # the end of the 3 days
        self.assertRecordValues(event, [{"state": "done", "attempts": 7}])
        self.assertEqual(self.smtp.recipients(), ["biuro@zielona.example.com"])
