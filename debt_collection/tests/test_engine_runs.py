"""How the engine runs: calendar, exactly-once, crashes, concurrency, failures,
activities, grouping, run records and reports, and the cron.

Dates are in winter 2026 (Warsaw = UTC+1) unless said otherwise:
Mon 2 March, Sat 7, Sun 8, Mon 9, Tue 10, Wed 11, Thu 12, Sat 14, Sun 15, Mon 16.
With the shared policy an invoice due on Monday 2 March gets its overdue
reminder (day 7) on Monday 9 March and its pre-due reminder (day -3) on
Friday 27 February.
"""

from datetime import date, timedelta
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext, mute_logger

from .common import DebtCollectionCase, requires_addon, warsaw_winter
from .concurrency import ConcurrentWorkersCase

MON_2 = date(2026, 3, 2)
SAT_7 = date(2026, 3, 7)
SUN_8 = date(2026, 3, 8)
MON_9 = date(2026, 3, 9)
TUE_10 = date(2026, 3, 10)
WED_11 = date(2026, 3, 11)
THU_12 = date(2026, 3, 12)
SAT_14 = date(2026, 3, 14)
SUN_15 = date(2026, 3, 15)
MON_16 = date(2026, 3, 16)
TUE_17 = date(2026, 3, 17)


class SimulatedCrash(BaseException):
    """A crash the engine cannot catch (like the worker being killed)."""


@tagged("post_install", "-at_install")
class TestEngineRuns(DebtCollectionCase):
    """One class (the company set-up is costly), in sections: calendar,
    exactly-once, crash, failures, activity, grouping, run record, cron."""

    # The 'Phone the customer' step (day 50) of an invoice due on 2 March.
    CALL_DAY = date(2026, 4, 21)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Engine = type(cls.env["debt.collection.engine"])
        cls.customer_b = cls.env["res.partner"].create(
            {
                "name": "Sklep Nowak",
                "is_company": True,
                "email": "kasa@nowak.example.com",
                "lang": "en_US",
            }
        )
        cls.silent = cls.env["res.partner"].create(
            {"name": "Firma Bez Maila", "is_company": True, "lang": "en_US"}
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="sales_sam",
            name="Sales Sam",
            email="sam@example.com",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _keys(self, events=None):
        """(document, step, occurrence, state) of the events, in a stable order."""
        events = self._events() if events is None else events
        return sorted(
            (e.move_id.name, e.step_id.name, e.occurrence, e.state) for e in events
        )

    def _runs(self):
        return self.env["debt.collection.run"].search(
            [("company_id", "=", self.company.id)], order="id"
        )

    def _notices(self):
        return self.env["debt.collection.notice"].search(
            [("company_id", "=", self.company.id)]
        )

    def _reports(self):
        """Queued run reports of the company's runs."""
        return self.env["mail.mail"].search(
            [("model", "=", "debt.collection.run"), ("res_id", "in", self._runs().ids)],
            order="id",
        )

    def _activities(self, partner):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )

    def _assert_nothing_done(self):
        self.assertFalse(self._events(), "no event may be recorded")
        self.assertFalse(self._mails(), "no e-mail may be queued")
        self.assertFalse(self._runs(), "no run may be recorded")

    def test_nothing_before_the_sending_hour_in_warsaw(self):
        """The reminder due on Monday 9 March waits for 8:00 Warsaw time: at
        7:00 and 7:59 nothing happens, at 8:30 it is sent (7:30 UTC, so the
        hour is read in the company's time zone, not in UTC)."""
        invoice = self._invoice(self.customer, MON_2, 500)
        self._run(MON_9, hour=7)
        self._assert_nothing_done()
        with freeze_time(warsaw_winter(MON_9, 7, 59)):
            self.env["debt.collection.engine"]._run_collection_pass(
                companies=self.company
            )
        self._assert_nothing_done()

        with freeze_time(warsaw_winter(MON_9, 8, 30)):
            self.env["debt.collection.engine"]._run_collection_pass(
                companies=self.company
            )
            self._send_queued_mails()
        self.assertEqual(self._keys(), [(invoice.name, "Overdue reminder", 0, "done")])
        self.assertEqual(self._events().scheduled_date, MON_9)
        self.assertEqual(len(self._mails(self.customer)), 1)

    def test_run_at_eight_sends(self):
        invoice = self._invoice(self.customer, MON_2, 500)
        self._run(MON_9, hour=8)
        self.assertEqual(self._keys(), [(invoice.name, "Overdue reminder", 0, "done")])
        self.assertEqual(len(self._mails(self.customer)), 1)

    def test_weekend_work_waits_for_monday_and_is_sent_once(self):
        """Due Saturday 7 March, the reminder is due Saturday 14 March: the
        Saturday and Sunday runs do nothing, Monday's sends it once."""
        invoice = self._invoice(self.customer, SAT_7, 800)
        for day in (SAT_14, SUN_15):
            for hour in (8, 10, 18):
                self._run(day, hour=hour)
        self._assert_nothing_done()

        self._run(MON_16, hour=8)
        self._run(MON_16, hour=9)
        self._run(MON_16, hour=17)
        self._run(TUE_17, hour=10)
        events = self._events()
        self.assertEqual(self._keys(), [(invoice.name, "Overdue reminder", 0, "done")])
        self.assertEqual(events.scheduled_date, MON_16)
        self.assertEqual(events.days_overdue, 9)
        self.assertEqual(len(self._mails(self.customer)), 1)
        self.assertEqual(len(self._runs()), 1)

    def test_holiday_postpones_to_the_next_working_day(self):
        self.env["debt.collection.holiday"].create(
            {"name": "Company day off", "date": MON_9, "company_id": self.company.id}
        )
        invoice = self._invoice(self.customer, MON_2, 500)
        self._run(MON_9, hour=8)
        self._run(MON_9, hour=14)
        self._assert_nothing_done()

        self._run(TUE_10, hour=8)
        self._run(TUE_10, hour=12)
        self.assertEqual(self._keys(), [(invoice.name, "Overdue reminder", 0, "done")])
        self.assertEqual(self._events().scheduled_date, TUE_10)
        self.assertEqual(len(self._mails(self.customer)), 1)

    @requires_addon("debt_collection_demand")
    def test_polish_company_sends_nothing_on_easter_monday(self):
        """A Polish company has Poland's public holidays without entering
        them: the final demand due on Easter Monday 2026 (6 April) waits for
        Tuesday."""
        self.assertFalse(self.company.debt_collection_public_holidays)
        self.company.country_id = self.env.ref("base.pl")
        self.assertEqual(self.company.debt_collection_public_holidays, "pl")
        easter_monday, tuesday = date(2026, 4, 6), date(2026, 4, 7)
        # Day 70 (the final demand) of an invoice due on 26 January.
        invoice = self._invoice(self.customer, easter_monday - timedelta(days=70), 900)
        self._run(easter_monday, hour=8)
        self._run(easter_monday, hour=15)
        self._assert_nothing_done()

        self._run(tuesday, hour=9)
        self.assertEqual(self._keys(), [(invoice.name, "Final demand", 0, "done")])
        self.assertEqual(self._events().scheduled_date, tuesday)

    def test_holiday_of_another_company_does_not_postpone(self):
        self.env["debt.collection.holiday"].sudo().create(
            {
                "name": "Their day off",
                "date": MON_9,
                "company_id": self.env.ref("base.main_company").id,
            }
        )
        invoice = self._invoice(self.customer, MON_2, 500)
        self._run(MON_9, hour=10)
        self.assertEqual(self._keys(), [(invoice.name, "Overdue reminder", 0, "done")])

    def test_policy_with_its_own_calendar(self):
        """A policy sending on Saturdays from 9:00 only: its customer gets
        nothing on Monday (while the company's customer does) and gets the
        reminder on Saturday at 9:00, not at 8:00."""
        weekend = self.env["debt.collection.policy"].create(
            {
                "name": "Saturday only",
                "company_id": self.company.id,
                "use_own_calendar": True,
                "debt_collection_send_mon": False,
                "debt_collection_send_tue": False,
                "debt_collection_send_wed": False,
                "debt_collection_send_thu": False,
                "debt_collection_send_fri": False,
                "debt_collection_send_sat": True,
                "debt_collection_send_hour": 9,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Weekend reminder",
                            "days": 7,
                            "action": "reminder",
                            "mail_template_id": self.step_reminder.mail_template_id.id,
                        }
                    )
                ],
            }
        )
        self.customer_b.with_company(self.company).debt_collection_policy_id = weekend
        invoice_a = self._invoice(self.customer, MON_2, 500)
        invoice_b = self._invoice(self.customer_b, MON_2, 700)

        self._run(MON_9, hour=10)
        self.assertEqual(
            self._keys(), [(invoice_a.name, "Overdue reminder", 0, "done")]
        )
        self.assertFalse(self._mails(self.customer_b))

        for day in (TUE_10, WED_11, THU_12):
            self._run(day, hour=10)
        self._run(SAT_14, hour=8)
        self.assertFalse(self._mails(self.customer_b))

        self._run(SAT_14, hour=9)
        self._run(SAT_14, hour=15)
        self.assertEqual(
            self._keys(),
            [
                (invoice_a.name, "Overdue reminder", 0, "done"),
                (invoice_b.name, "Weekend reminder", 0, "done"),
            ],
        )
        self.assertEqual(
            self._events(partner_id=self.customer_b.id).scheduled_date, SAT_14
        )
        self.assertEqual(len(self._mails(self.customer_b)), 1)
        self.assertEqual(len(self._mails(self.customer)), 1)

    def test_force_ignores_the_calendar(self):
        """On Sunday 8 March at 3:00 the automatic run does nothing, a forced
        pass sends the reminder that is due that day."""
        invoice = self._invoice(self.customer, date(2026, 3, 1), 500)
        engine = self.env["debt.collection.engine"]
        with freeze_time(warsaw_winter(SUN_8, 3)):
            engine._run_collection_pass(companies=self.company)
            self._assert_nothing_done()
            done, remaining = engine._run_collection_pass(
                force=True, companies=self.company
            )
            self._send_queued_mails()
        self.assertEqual((done, remaining), (1, 0))
        self.assertEqual(self._keys(), [(invoice.name, "Overdue reminder", 0, "done")])
        self.assertEqual(self._events().scheduled_date, SUN_8)
        self.assertEqual(len(self._mails(self.customer)), 1)

    def test_runs_on_the_same_day_send_once(self):
        """Two items due for the overdue reminder and one for the pre-due
        reminder: the first run sends two e-mails and records three events;
        the later runs of the day (and a forced one) add nothing."""
        inv_1 = self._invoice(self.customer, MON_2, 300)
        inv_2 = self._invoice(self.customer, MON_2, 400)
        inv_3 = self._invoice(self.customer, WED_11, 500)
        self._run(MON_9, hour=9)
        expected = [
            (inv_1.name, "Overdue reminder", 0, "done"),
            (inv_2.name, "Overdue reminder", 0, "done"),
            (inv_3.name, "Pre-due reminder", 0, "done"),
        ]
        self.assertEqual(self._keys(), expected)
        self.assertEqual(len(self._mails(self.customer)), 2)

        self._run(MON_9, hour=10)
        self._run(MON_9, hour=16)
        with freeze_time(warsaw_winter(MON_9, 23)):
            self.env["debt.collection.engine"]._run_collection_pass(
                force=True, companies=self.company
            )
        self.assertEqual(self._keys(), expected)
        self.assertEqual(len(self._mails(self.customer)), 2)
        self.assertEqual(len(self._runs()), 1)

    def test_the_key_is_enforced_by_the_database(self):
        """A second event on the same (item, step, occurrence) is refused by
        the database itself, whatever code tries to write it."""
        invoice = self._invoice(self.customer, MON_2, 300)
        self._run(MON_9)
        event = self._events()
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            # sudo: users cannot write history at all (see test_security).
            event.sudo().copy({"state": "done"})
        self.assertEqual(len(self._events(move_id=invoice.id)), 1)

    # Crash: a worker dies between deciding and committing; the transaction
    # is rolled back and the next run sends exactly once.

    def _crash_then_run(self, model, method):
        inv_1 = self._invoice(self.customer, MON_2, 300)
        inv_2 = self._invoice(self.customer_b, MON_2, 400)
        seen = {}

        original = getattr(type(self.env[model]), method)

        def crash(this, *args, **kwargs):
            original(this, *args, **kwargs)
            # The events were claimed in this transaction when we die.
            seen["states"] = sorted(self._events().mapped("state"))
            raise SimulatedCrash

        with (
            patch.object(type(self.env[model]), method, crash),
            self.assertRaises(SimulatedCrash),
            self.env.cr.savepoint(),
        ):
            self._run(MON_9, hour=9)
        self.assertTrue(seen["states"], "the crash must come after the claim")
        self._assert_nothing_done()

        self._run(MON_9, hour=10)
        self._run(MON_9, hour=11)
        self.assertEqual(
            self._keys(),
            [
                (inv_1.name, "Overdue reminder", 0, "done"),
                (inv_2.name, "Overdue reminder", 0, "done"),
            ],
        )
        self.assertEqual(len(self._mails(self.customer)), 1)
        self.assertEqual(len(self._mails(self.customer_b)), 1)
        return seen["states"]

    def test_crash_in_the_step_after_the_claim(self):
        """Dies while acting (after the e-mails and their events were
        queued): nothing survives, the next run sends once."""
        states = self._crash_then_run("debt.collection.engine", "_execute_step")
        self.assertEqual(states, ["queued", "queued"])

    def test_crash_in_the_stage_update(self):
        states = self._crash_then_run("account.move", "_debt_collection_set_stage")
        self.assertEqual(states, ["queued", "queued"])

    def test_crash_when_finishing_the_run(self):
        states = self._crash_then_run("debt.collection.run", "_finish")
        self.assertEqual(states, ["queued", "queued"])

    def test_crash_right_after_the_claim(self):
        """Dies before any action: the events claimed as "in progress" are
        gone with the transaction and are not left blocking the key."""
        inv_1 = self._invoice(self.customer, MON_2, 300)
        seen = {}

        def crash(this, *args, **kwargs):
            seen["states"] = self._events().mapped("state")
            raise SimulatedCrash

        with (
            patch.object(self.Engine, "_execute_step", crash),
            self.assertRaises(SimulatedCrash),
            self.env.cr.savepoint(),
        ):
            self._run(MON_9, hour=9)
        self.assertEqual(seen["states"], ["running"])
        self._assert_nothing_done()
        self._run(MON_9, hour=10)
        self.assertEqual(self._keys(), [(inv_1.name, "Overdue reminder", 0, "done")])
        self.assertEqual(len(self._mails(self.customer)), 1)

    def test_no_recipient_is_retried_for_the_retry_period(self):
        """Retried daily for the company's 3 days from the first failure
        (Monday 10:00 to Thursday 10:00), then left alone."""
        self.assertEqual(self.company.debt_collection_retry_days, 3)
        invoice = self._invoice(self.silent, MON_2, 500)
        history = []
        for day in (MON_9, TUE_10, WED_11, THU_12, date(2026, 3, 13)):
            self._run(day)
            event = self._events()
            history.append(
                (
                    str(day),
                    len(event),
                    event.state,
                    event.reason,
                    event.attempts,
                    event.scheduled_date,
                )
            )
        self.assertEqual(
            history,
            [
                ("2026-03-09", 1, "failed", "no_recipient", 1, MON_9),
                ("2026-03-10", 1, "failed", "no_recipient", 2, TUE_10),
                ("2026-03-11", 1, "failed", "no_recipient", 3, WED_11),
                # The last attempt, at the end of the period.
                ("2026-03-12", 1, "failed", "no_recipient", 4, THU_12),
                # The period is over: Friday's run leaves it alone.
                ("2026-03-13", 1, "failed", "no_recipient", 4, THU_12),
            ],
        )
        self.assertEqual(self._events().move_id, invoice)
        self.assertFalse(self._mails())
        self.assertEqual(
            [(run.date, run.failed_count) for run in self._runs()],
            [(MON_9, 1), (TUE_10, 1), (WED_11, 1), (THU_12, 1)],
        )
        # Exhausted: an address added afterwards does not send it by itself
        # (the operator can still act on it from the to-do list).
        self.silent.email = "late@bezmaila.example.com"
        self._run(MON_16)
        self.assertEqual(self._events().state, "failed")
        self.assertFalse(self._mails())

    def test_address_added_before_the_limit_sends(self):
        invoice = self._invoice(self.silent, MON_2, 500)
        self._run(MON_9)
        self._run(TUE_10)
        self.assertEqual(self._events().attempts, 2)
        self.silent.email = "ksiegowosc@bezmaila.example.com"
        self._run(WED_11)
        event = self._events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.move_id, invoice)
        self.assertEqual(event.state, "done")
        self.assertFalse(event.reason)
        self.assertFalse(event.error)
        self.assertEqual(event.attempts, 3)
        mails = self._mails(self.silent)
        self.assertEqual(len(mails), 1)
        self.assertEqual(event.notice_id.mail_message_id, mails.mail_message_id)
        self._run(THU_12)
        self.assertEqual(len(self._mails(self.silent)), 1)
        self.assertEqual(len(self._events()), 1)

    def _break_template(self, step, body):
        broken = step.mail_template_id.sudo().copy({"body_html": body})
        step.mail_template_id = broken
        return broken

    def test_broken_template_fails_its_step_only(self):
        """The overdue reminder template raises while rendering: its events
        fail with the error text; the pre-due reminders of the same run (of
        the same customer and of another one) are sent; once the template is
        repaired, the next run sends the reminders."""
        good_template = self.step_reminder.mail_template_id
        self._break_template(
            self.step_reminder,
            '<div><p>Dear <t t-out="object.partner_id.name"/></p>'
            '<t t-out="object.partner_id.no_such_field_xyz"/></div>',
        )
        overdue_a = self._invoice(self.customer, MON_2, 300)
        predue_a = self._invoice(self.customer, WED_11, 200)
        overdue_b = self._invoice(self.customer_b, MON_2, 400)
        predue_c = self._invoice(self.silent, TUE_10, 100)
        self.silent.email = "biuro@c.example.com"
        self._run(MON_9)

        self.assertEqual(
            self._keys(),
            sorted(
                [
                    (overdue_a.name, "Overdue reminder", 0, "failed"),
                    (overdue_b.name, "Overdue reminder", 0, "failed"),
                    (predue_a.name, "Pre-due reminder", 0, "done"),
                    (predue_c.name, "Pre-due reminder", 0, "done"),
                ]
            ),
        )
        failed = self._events(state="failed")
        self.assertEqual(set(failed.mapped("reason")), {"error"})
        self.assertEqual(set(failed.mapped("attempts")), {1})
        for event in failed:
            self.assertIn("Failed to render", event.error)
            self.assertIn("no_such_field_xyz", event.error)
        self.assertEqual(len(self._mails(self.customer)), 1)
        self.assertEqual(len(self._mails(self.customer_b)), 0)
        self.assertEqual(len(self._mails(self.silent)), 1)
        self.assertEqual(
            self._mails(self.customer).mail_message_id,
            self._events(move_id=predue_a.id).notice_id.mail_message_id,
        )
        self.assertFalse(
            self.env["debt.collection.notice"].search(
                [("step_id", "=", self.step_reminder.id)]
            ),
            "the failed step leaves no message behind",
        )

        self.step_reminder.mail_template_id = good_template
        self._run(TUE_10)
        retried = self._events(step_id=self.step_reminder.id)
        self.assertEqual(set(retried.mapped("state")), {"done"})
        self.assertEqual(set(retried.mapped("attempts")), {2})
        self.assertEqual(len(self._mails(self.customer)), 2)
        self.assertEqual(len(self._mails(self.customer_b)), 1)

    def test_template_error_is_recorded_as_readable_text(self):
        """The error stored on the event (and listed in the run report) is
        the plain text of the error, not HTML-escaped."""
        self.company.debt_collection_report_user_ids = self.manager
        self._break_template(
            self.step_reminder,
            '<div><t t-out="object.partner_id.no_such_field_xyz"/></div>',
        )
        self._invoice(self.customer, MON_2, 300)
        self._run(MON_9)
        event = self._events()
        self.assertEqual((event.state, event.reason), ("failed", "error"))
        self.assertIn(
            "AttributeError: 'res.partner' object has no attribute 'no_such_field_xyz'",
            event.error,
        )
        self.assertNotIn("&#39;", event.error)
        self.assertIn(
            "'res.partner' object has no attribute 'no_such_field_xyz'",
            html2plaintext(self._reports().body_html),
        )

    def test_template_failing_for_one_customer_does_not_block_others(self):
        """The template reads the customer's reference: for the customer
        without one, rendering raises. Only that customer's events fail;
        the other customer of the same step gets the reminder."""
        self._break_template(
            self.step_reminder,
            '<div><p>Customer ref. <t t-out="object.partner_id.ref.upper()"/></p></div>',
        )
        self.customer_b.ref = "nw-001"
        inv_a = self._invoice(self.customer, MON_2, 300)
        inv_b = self._invoice(self.customer_b, MON_2, 400)
        self._run(MON_9)
        self.assertEqual(
            self._keys(),
            [
                (inv_a.name, "Overdue reminder", 0, "failed"),
                (inv_b.name, "Overdue reminder", 0, "done"),
            ],
        )
        failed = self._events(move_id=inv_a.id)
        self.assertEqual(failed.reason, "error")
        self.assertIn("has no attribute", failed.error)
        self.assertIn("upper", failed.error)
        mail_b = self._mails(self.customer_b)
        self.assertEqual(len(mail_b), 1)
        self.assertIn("NW-001", mail_b.body_html)
        self.assertFalse(self._mails(self.customer))

    def _run_call_step(self):
        # Summer time: _run's 10:00 is 11:00 in Warsaw, still a sending hour.
        self._run(self.CALL_DAY)

    def test_activity_for_the_default_collector_lists_the_documents(self):
        inv_1 = self._invoice(self.customer, MON_2, 1234.56)
        inv_2 = self._invoice(self.customer, date(2026, 3, 1), 99.99)
        self._run_call_step()
        self._run(date(2026, 4, 22))
        activity = self._activities(self.customer)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.summary, "Call about overdue invoices")
        self.assertEqual(activity.date_deadline, date(2026, 4, 23))
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        # Each document with its amount, due date and days overdue, formatted
        # as Odoo formats them (the run reads the language once for all), the
        # oldest due first as in the e-mails.
        self.assertEqual(
            " ".join(html2plaintext(activity.note).split()),
            "Documents: "
            f"{inv_2.name}: 99.99 zł, due 03/01/2026 (51 days overdue) "
            f"{inv_1.name}: 1,234.56 zł, due 03/02/2026 (50 days overdue)",
        )
        events = self._events()
        self.assertEqual(
            self._keys(),
            sorted(
                [
                    (inv_1.name, "Phone the customer", 0, "done"),
                    (inv_2.name, "Phone the customer", 0, "done"),
                ]
            ),
        )
        self.assertEqual(set(events.mapped("channel")), {"activity"})
        self.assertEqual(events.activity_id, activity)
        self.assertFalse(self._mails())

    def test_collection_responsible_gets_it(self):
        self.customer.debt_collection_user_id = self.manager
        self._invoice(self.customer, MON_2, 500)
        self._run_call_step()
        self.assertEqual(self._activities(self.customer).user_id, self.manager)

    def test_salesperson_rule(self):
        self.step_call.activity_user_rule = "salesperson"
        self.customer.user_id = self.salesperson
        self.customer.debt_collection_user_id = self.manager
        self._invoice(self.customer, MON_2, 500)
        self._run_call_step()
        self.assertEqual(self._activities(self.customer).user_id, self.salesperson)

    def test_fixed_user_rule(self):
        self.step_call.write(
            {"activity_user_rule": "fixed", "activity_user_id": self.manager.id}
        )
        self.customer.user_id = self.salesperson
        self._invoice(self.customer, MON_2, 500)
        self._invoice(self.customer_b, MON_2, 600)
        self._run_call_step()
        self.assertEqual(self._activities(self.customer).user_id, self.manager)
        self.assertEqual(self._activities(self.customer_b).user_id, self.manager)

    def test_nobody_to_assign(self):
        self.company.debt_collection_user_id = False
        invoice = self._invoice(self.customer, MON_2, 500)
        self.customer_b.debt_collection_user_id = self.manager
        invoice_b = self._invoice(self.customer_b, MON_2, 600)
        self._run_call_step()
        self.assertFalse(self._activities(self.customer))
        event = self._events(move_id=invoice.id)
        self.assertEqual(
            (event.state, event.reason, event.attempts), ("failed", "no_assignee", 1)
        )
        # The other customer of the same step still gets its activity.
        self.assertEqual(self._activities(self.customer_b).user_id, self.manager)
        self.assertEqual(self._events(move_id=invoice_b.id).state, "done")

    def test_one_mail_per_customer_and_step(self):
        inv_1 = self._invoice(self.customer, MON_2, 100)
        inv_2 = self._invoice(self.customer, MON_2, 250.5)
        inv_3 = self._invoice(self.customer, MON_2, 1000.01)
        inv_b = self._invoice(self.customer_b, MON_2, 77.7)
        self._run(MON_9)
        self.assertEqual(len(self._mails()), 2)
        mail_a = self._mails(self.customer)
        mail_b = self._mails(self.customer_b)
        self.assertEqual(len(mail_a), 1)
        self.assertEqual(
            mail_a.email_to,
            '"Hurtownia Kowalski Sp. z o.o." <biuro@kowalski.example.com>',
        )
        self.assertEqual(mail_b.email_to, '"Sklep Nowak" <kasa@nowak.example.com>')
        for invoice in (inv_1, inv_2, inv_3):
            self.assertIn(invoice.name, mail_a.body_html)
            self.assertNotIn(invoice.name, mail_b.body_html)
        self.assertIn(inv_b.name, mail_b.body_html)
        self.assertNotIn(inv_b.name, mail_a.body_html)
        # Total of the three documents, to the grosz.
        self.assertIn("1,350.51", mail_a.body_html)
        notice = self._events(partner_id=self.customer.id).notice_id
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.move_ids, inv_1 | inv_2 | inv_3)
        self.assertEqual(notice.amount_residual, 1350.51)

    def test_run_counts_and_report(self):
        self.company.debt_collection_report_user_ids = self.manager
        debtor = self.env["res.partner"].create(
            {"name": "Drobny Dłużnik", "email": "d@example.com", "lang": "en_US"}
        )
        sent = self._invoice(self.customer, MON_2, 500)
        failing = self._invoice(self.silent, MON_2, 300)
        # Below the reminder's minimum of 20.00 per document.
        small = self._invoice(debtor, MON_2, 19.99)
        self._run(MON_9)
        run = self._runs()
        self.assertEqual(len(run), 1)
        self.assertEqual(
            (run.date, run.origin, run.done_count, run.skipped_count, run.failed_count),
            (MON_9, "automatic", 1, 1, 1),
        )
        self.assertEqual(run.event_ids, self._events())
        self.assertEqual(self._events(move_id=small.id).reason, "below_item_minimum")
        self.assertEqual(run.notice_ids.partner_id, self.customer)

        report = self._reports()
        self.assertEqual(len(report), 1)
        self.assertEqual(report.res_id, run.id)
        self.assertEqual(report.recipient_ids, self.manager.partner_id)
        self.assertEqual(
            report.subject,
            # Sent with the run, before the mail queue sends the reminder.
            f"Debt collection {self.company.name} 03/09/2026: 0 done, 1 queued, "
            "1 failed",
        )
        body = report.body_html
        self.assertIn("Overdue reminder", body)
        self.assertIn("Firma Bez Maila", body)
        self.assertIn(failing.name, body)
        self.assertIn("No recipient with an e-mail address", body)
        self.assertNotIn(sent.name, body)

        # The next day only the failure is retried: a run of its own.
        self._run(TUE_10)
        runs = self._runs()
        self.assertEqual(len(runs), 2)
        self.assertEqual(
            (
                runs[1].date,
                runs[1].done_count,
                runs[1].skipped_count,
                runs[1].failed_count,
            ),
            (TUE_10, 0, 0, 1),
        )
        self.assertEqual(len(self._reports()), 2)
        self.assertEqual(
            self._reports()[1].subject,
            f"Debt collection {self.company.name} 03/10/2026: 0 done, 0 queued, "
            "1 failed",
        )

    def test_no_run_and_no_report_when_nothing_happens(self):
        self.company.debt_collection_report_user_ids = self.manager
        self._invoice(self.customer, MON_2, 500)
        self._run(MON_9)
        self.assertEqual(len(self._runs()), 1)
        self.assertEqual(len(self._reports()), 1)
        self._run(MON_9, hour=15)
        self._run(TUE_10)
        self.assertEqual(len(self._runs()), 1)
        self.assertEqual(len(self._reports()), 1)

    def test_no_report_without_recipients(self):
        self.company.debt_collection_report_user_ids = False
        self._invoice(self.customer, MON_2, 500)
        self._run(MON_9)
        self.assertEqual(self._runs().done_count, 1)
        self.assertFalse(self._reports())

    def _result(self):
        return (
            [
                (
                    e.move_id.name,
                    e.step_id.name,
                    e.occurrence,
                    e.state,
                    e.reason,
                    e.scheduled_date,
                    e.origin,
                    e.amount_residual,
                )
                for e in self._events().sorted(lambda e: e.move_id.name)
            ],
            sorted(
                (m.email_to, m.email_cc, m.subject, m.email_from)
                for m in self._mails().filtered(
                    lambda m: m.res_id in self._notices().ids
                )
            ),
            [(r.date, r.origin, r.done_count, r.failed_count) for r in self._runs()],
        )

    def test_switch_on_activates_the_cron(self):
        cron = self.env.ref("debt_collection.ir_cron_debt_collection")
        self.assertTrue(cron.active)
        cron.sudo().active = False
        self.company.debt_collection_enabled = False
        self.company._debt_collection_switch_on()
        self.assertTrue(cron.active)
        self.assertTrue(self.company.debt_collection_enabled)
        self.assertEqual(cron.interval_type, "hours")
        self.assertEqual(cron.interval_number, 1)

    def test_cron_runs_the_engine_like_run(self):
        cron = self.env.ref("debt_collection.ir_cron_debt_collection")
        self.assertTrue(cron.active)
        inv_1 = self._invoice(self.customer, MON_2, 300)
        inv_2 = self._invoice(self.customer_b, WED_11, 400)
        self.env.flush_all()

        savepoint = self.env.cr.savepoint()
        with freeze_time(warsaw_winter(MON_9, 10)):
            cron.sudo().method_direct_trigger()
            self._send_queued_mails()
        by_cron = self._result()
        progress = (
            self.env["ir.cron.progress"]
            .sudo()
            .search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        )
        self.assertEqual(progress.remaining, 0)
        savepoint.close(rollback=True)
        self.assertFalse(self._events())

        self._run(MON_9, hour=10)
        by_run = self._result()
        self.assertEqual(by_cron, by_run)
        self.assertEqual(
            [row[:4] for row in by_run[0]],
            sorted(
                [
                    (inv_1.name, "Overdue reminder", 0, "done"),
                    (inv_2.name, "Pre-due reminder", 0, "done"),
                ]
            ),
        )
        self.assertEqual(len(by_run[1]), 2)

    def test_cron_outside_the_calendar_does_nothing(self):
        cron = self.env.ref("debt_collection.ir_cron_debt_collection")
        self._invoice(self.customer, MON_2, 300)
        with freeze_time(warsaw_winter(SUN_8, 10)):
            cron.sudo().method_direct_trigger()
        with freeze_time(warsaw_winter(MON_9, 7)):
            cron.sudo().method_direct_trigger()
        self._assert_nothing_done()


@tagged("post_install", "-at_install")
class TestConcurrentWorkers(ConcurrentWorkersCase):
    """Two workers run the engine at once: one pass planned and sent once,
    a run's batches shared (see :class:`ConcurrentWorkersCase`)."""

    def test_two_workers_send_once(self):
        with self._cursor() as cr:
            moves, today = self._setup_data(self._env(cr))
            expected = self._expected_actions(moves, today)
        self.assertEqual(len(expected), 4)

        outcomes = self._race(self.ids["company"], self.ids["policy"])

        # One worker plans the run (the other finds the planning lock taken
        # or the run already planned); both may work its batch, which only
        # one can hold. A worker whose transaction PostgreSQL aborted
        # (serialization failure) did nothing; any other error is a failure.
        self.assertEqual(len(outcomes), 2, outcomes)
        self.assertFalse(
            [o for o in outcomes.values() if o[0] == "error"],
            f"a worker failed: {outcomes}",
        )
        done = [o[1] for o in outcomes.values() if o[0] == "done"]
        self.assertEqual(sum(d for d, _r in done), 2, outcomes)
        self.assertFalse([r for _d, r in done if r], outcomes)

        with self._cursor() as cr:
            env = self._env(cr)
            events, acted_on = self._acted_on(env)
            self.assertEqual(acted_on, expected)
            self.assertEqual(len(events.run_id), 1)
            notices = events.notice_id
            self.assertEqual(len(notices), 4, "one message per customer and step")
            mails = env["mail.mail"].search(
                [
                    ("model", "=", "debt.collection.notice"),
                    ("res_id", "in", notices.ids),
                ]
            )
            self.assertEqual(len(mails), 4)
            self.assertEqual(
                sorted(mails.mapped(lambda mail: mail.email_to)),
                [
                    '"Concurrent customer 1" <customer1@concurrency.example.com>',
                    '"Concurrent customer 1" <customer1@concurrency.example.com>',
                    '"Concurrent customer 2" <customer2@concurrency.example.com>',
                    '"Concurrent customer 2" <customer2@concurrency.example.com>',
                ],
            )

        # A third worker later finds nothing to do.
        with (
            patch.object(self.Engine, "_sending_policies", self._only_test_policy()),
            self._cursor() as cr,
        ):
            env = self._env(cr)
            company = env["res.company"].browse(self.ids["company"])
            self.assertEqual(
                env["debt.collection.engine"]._run_collection_pass(
                    force=True, companies=company
                ),
                (0, 0),
            )
            self.assertEqual(
                env["debt.collection.event"].search_count(
                    [("policy_id", "=", self.ids["policy"])]
                ),
                4,
            )

    def test_two_workers_share_the_batches_each_customer_once(self):
        expected = self._four_customers_and_an_opening_entry()
        # One customer per batch: four batches for two workers.
        run_id = self._plan_a_batch_per_customer()

        worked = {}

        def work(env, name):
            company = env["res.company"].browse(self.ids["company"])
            return env["debt.collection.engine"]._work_batches(company)

        with self._both_workers_hold_a_batch(worked):
            outcomes = self._in_threads(work)

        # (A worker that ends while the other still holds a batch counts it
        # as remaining: the cron would look again.)
        self.assertEqual(
            {name: o[0] for name, o in outcomes.items()},
            {"A": "done", "B": "done"},
            outcomes,
        )
        self.assertEqual(sum(o[1][0] for o in outcomes.values()), 4, outcomes)
        self.assertTrue(worked.get("A") and worked.get("B"), "both workers worked")
        self.assertEqual(
            sorted(p for batches in worked.values() for b in batches for p in b),
            sorted(self.ids["partners"]),
            "each batch worked by one worker",
        )
        self._assert_run_done_once(run_id, expected)

    def test_two_worker_processes_share_the_batches_each_customer_once(self):
        """Two Odoo cron workers in processes of their own (two servers, or
        a server with ``workers``), each running a copy of the batch worker
        cron on the same run."""
        expected = self._four_customers_and_an_opening_entry()
        run_id = self._plan_a_batch_per_customer()
        with self._cursor() as cr:
            pending = self._env(cr)["debt.collection.batch"].search(
                [("state", "=", "pending")]
            )
            self.assertEqual(pending.run_id.ids, [run_id], "no other work waits")
        crons = self._batch_worker_crons(("A", "B"))

        outcomes = self._in_processes(crons)

        report = self._report(outcomes)
        self.assertEqual(
            {name: code for name, (code, _b, _e) in outcomes.items()},
            {"A": 0, "B": 0},
            report,
        )
        worked = {name: batches for name, (_c, batches, _e) in outcomes.items()}
        self.assertTrue(worked["A"] and worked["B"], f"both worked:\n{report}")
        self.assertEqual(
            sorted(
                p for batches in worked.values() for b in batches for p in b["partners"]
            ),
            sorted(self.ids["partners"]),
            f"each batch worked by one process:\n{report}",
        )
        self._assert_run_done_once(run_id, expected)
        with self._cursor() as cr:
            # Each cron job ended done (not failed), due again in an hour.
            crons = self._env(cr)["ir.cron"].browse(crons.values())
            self.assertEqual(crons.mapped("failure_count"), [0, 0])
            self.assertTrue(
                all(c.nextcall > fields.Datetime.now() for c in crons), report
            )
