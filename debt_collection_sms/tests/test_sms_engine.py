"""The SMS step in the engine, through Odoo's SMS (IAP) with Odoo's SMS mock.

Dates are in winter 2026 (Warsaw = UTC+1): an invoice due on Monday 2 March
gets its SMS (day 3) on Thursday 5 March; the SMS step's window closes on
Sunday 8 March (the e-mail reminder is on day 7).
"""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.segments import count_segments
from .common import FRI_6, MON_2, MON_9, THU_5, WED_4, SmsCollectionCase


@tagged("post_install", "-at_install")
class TestSmsEngine(SmsCollectionCase):
    def test_sms_on_its_day_with_the_right_text_once(self):
        """Nothing on Wednesday; on Thursday one SMS with the document, the
        amount due with its currency, the pay-by date (5 days), the company's
        name and phone; later runs send nothing more."""
        invoice = self._invoice(self.customer, MON_2, 1234.5)
        with self.mockSMSGateway():
            self._run(WED_4)
            self.assertFalse(self._sms_events())
            self.assertEqual(self._sms, [])
            self._run(THU_5)
            self._run(THU_5, hour=15)
            self._run(FRI_6)
        expected = (
            f"Windykacja Sp. z o.o.: payment reminder. Overdue: {invoice.name}, "
            "amount due 1,234.50 PLN. Please pay by 03/10/2026. Already paid? "
            "Please ignore this SMS. Tel. +48 22 123 45 67"
        )
        self.assertEqual(
            [(s["number"], s["body"]) for s in self._sms], [("+48601234567", expected)]
        )
        self.assertSMSIapSent(["+48601234567"], content=expected)
        self.assertSMS(self.customer, "+48601234567", "pending", content=expected)
        event = self._sms_events()
        self.assertEqual(len(event), 1)
        self.assertRecordValues(
            event,
            [
                {
                    "state": "done",
                    "channel": "sms",
                    "scheduled_date": THU_5,
                    "move_id": invoice.id,
                    "sms_number": "+48601234567",
                    "sms_body": expected,
                    "sms_gateway": "iap",
                    "sms_status": "pending",
                    "sms_segments": count_segments(expected).segments,
                }
            ],
        )
        self.assertEqual(event.sms_segments, 2)  # 168 GSM-7 characters
        self.assertEqual(event.sms_gateway_ref, event.sms_sms_id.uuid)
        self.assertEqual(event.notice_id.recipient_ids, self.customer)
        self.assertEqual(str(event.notice_id.pay_by_date), "2026-03-10")

    def test_one_sms_lists_the_customer_documents_shortened(self):
        """Three documents due the same day: one SMS naming two and "+1 more",
        with the total per currency (PLN first, then EUR)."""
        first = self._invoice(self.customer, MON_2, 100)
        second = self._invoice(self.customer, MON_2, 200.25)
        third = self._invoice(self.customer, MON_2, 300)
        euro = self._invoice(self.customer, MON_2, 50, currency=self.eur)
        with self.mockSMSGateway():
            self._run(THU_5)
        self.assertEqual(len(self._sms), 1)
        names = sorted([first.name, second.name, third.name, euro.name])
        self.assertIn(
            f"Overdue: {names[0]}, {names[1]} +2 more, amount due 600.25 PLN + "
            "50.00 EUR.",
            self._sms[0]["body"],
        )
        events = self._sms_events()
        self.assertEqual(len(events), 4)
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(len(events.notice_id), 1)

    def test_sms_asks_for_the_net_of_open_credits(self):
        """1,234.50 due, a credit note of 234.50 not reconciled: the SMS asks
        for 1,000.00 and names the credit; a credit covering it all sends no
        SMS."""
        self._invoice(self.customer, MON_2, 1234.5)
        self._invoice(
            self.customer, MON_2, 234.5, invoice_date=MON_2, move_type="out_refund"
        )
        with self.mockSMSGateway():
            self._run(THU_5)
        self.assertIn(
            "amount due 1,000.00 PLN (less your credits of 234.50 PLN).",
            self._sms[0]["body"],
        )
        other = self.customer.copy({"name": "Sklep Bez Długu"})
        self._invoice(other, MON_2, 100)
        self._invoice(other, MON_2, 100, invoice_date=MON_2, move_type="out_refund")
        with self.mockSMSGateway():
            self._run(THU_5 + timedelta(days=1))
        self.assertEqual(self._sms, [])

    def test_invoice_contact_mobile_first_and_foreign_numbers(self):
        """The invoice contact's mobile wins over the customer's; a German
        customer's national number is read with Germany's prefix."""
        polish = self._sms_customer("Sklep Nowak", mobile="601 111 111")
        self._invoice_contact(polish, "Księgowa Ewa", "0048 602-222-222")
        german = self._sms_customer(
            "Bäckerei Müller GmbH",
            mobile="0151 23456789",
            country=self.env.ref("base.de"),
        )
        self._invoice(polish, MON_2, 500)
        self._invoice(german, MON_2, 700)
        with self.mockSMSGateway():
            self._run(THU_5)
        self.assertEqual(
            sorted(self._sent_numbers()), ["+48602222222", "+4915123456789"]
        )
        self.assertEqual(
            self._sms_events(polish).notice_id.recipient_ids.name, "Księgowa Ewa"
        )

    def test_missing_invalid_and_blacklisted_numbers_are_skipped_once(self):
        """No mobile, an impossible number and a blacklisted one: each skipped
        with its reason on the first run only; nothing is sent to them."""
        nobody = self._sms_customer("Bez Telefonu")
        wrong = self._sms_customer("Zly Numer", mobile="12 34")
        blocked = self._sms_customer("Zablokowany", mobile="+48 603 000 000")
        self.env["phone.blacklist"].sudo().create({"number": "+48603000000"})
        for partner in (nobody, wrong, blocked, self.customer):
            self._invoice(partner, MON_2, 400)
        with self.mockSMSGateway():
            self._run(THU_5)
            self._run(THU_5, hour=16)
            self._run(FRI_6)
        self.assertEqual(self._sent_numbers(), ["+48601234567"])
        outcome = {
            (e.partner_id.name, e.state, e.reason, e.sms_number or False)
            for e in self._sms_events()
        }
        self.assertEqual(
            outcome,
            {
                ("Bez Telefonu", "skipped", "sms_no_number", False),
                ("Zly Numer", "skipped", "sms_invalid_number", False),
                ("Zablokowany", "skipped", "sms_blacklisted", "+48603000000"),
                (self.customer.name, "done", False, "+48601234567"),
            },
        )
        self.assertEqual(len(self._sms_events()), 4, "each recorded once")

    def test_skipped_sms_does_not_stop_the_later_steps(self):
        """A customer without a mobile still gets the e-mail reminder on day 7."""
        nobody = self._sms_customer("Bez Telefonu")
        invoice = self._invoice(nobody, MON_2, 400)
        with self.mockSMSGateway():
            self._run(THU_5)
            self._run(MON_9)
        self.assertEqual(
            [(e.step_id, e.state) for e in self._events(move_id=invoice.id)],
            [(self.step_sms, "skipped"), (self.step_reminder, "done")],
        )


@tagged("post_install", "-at_install")
class TestSmsQuietHours(SmsCollectionCase):
    def test_sms_waits_for_the_window(self):
        """Window 9-17 (e-mails may go from 8): at 8:00 and 18:00 the SMS
        waits; the next morning at 8:00 still; at 9:00 it goes, once."""
        self._set_window(9, 17)
        self._invoice(self.customer, MON_2, 300)
        with self.mockSMSGateway():
            self._run(THU_5, hour=8)
            self._run(THU_5, hour=17)
            self.assertFalse(self._sms_events())
            self.assertEqual(self._sms, [])
            self._run(FRI_6, hour=8)
            self.assertFalse(self._sms_events())
            self._run(FRI_6, hour=9)
            self._run(FRI_6, hour=10)
        self.assertEqual(self._sent_numbers(), ["+48601234567"])
        self.assertRecordValues(
            self._sms_events(), [{"state": "done", "scheduled_date": FRI_6}]
        )

    def test_window_is_read_in_the_company_time_zone(self):
        """Summer (Warsaw = UTC+2): at 18:30 UTC it is 20:30 in Warsaw, after
        the 8-20 window, so nothing goes; at 17:30 UTC (19:30) the SMS goes."""
        self._invoice(self.customer, "2026-06-01", 300)
        engine = self.env["debt.collection.engine"]
        with self.mockSMSGateway():
            with freeze_time("2026-06-04 18:30:00"):
                engine._run_collection_pass(companies=self.company)
            self.assertFalse(self._sms_events())
            with freeze_time("2026-06-05 17:30:00"):
                engine._run_collection_pass(companies=self.company)
        self.assertEqual(self._sent_numbers(), ["+48601234567"])
        self.assertEqual(str(self._sms_events().scheduled_date), "2026-06-05")

    def test_e_mails_are_not_held_by_the_sms_window(self):
        """At 18:00 the e-mail reminder due that day goes; the SMS of another
        document waits for the morning."""
        self._set_window(9, 17)
        emailed = self._invoice(self.customer, MON_2, 300)
        texted = self._invoice(self.customer, "2026-03-06", 300)
        with self.mockSMSGateway():
            self._run(MON_9, hour=18)
            self.assertEqual(
                self._events(move_id=emailed.id).step_id, self.step_reminder
            )
            self.assertFalse(self._events(move_id=texted.id))
            self._run(date_tue := MON_9.replace(day=10), hour=9)
        self.assertEqual(
            self._events(move_id=texted.id).mapped("scheduled_date"), [date_tue]
        )
        self.assertEqual(len(self._sms), 1)

    def test_operator_outside_the_window_postpones_the_sms(self):
        """An operator executing the SMS at 21:00 from the to-do list: it is
        postponed to the next day and the morning run sends it."""
        self._invoice(self.customer, MON_2, 300)
        with self.mockSMSGateway():
            with self._frozen(THU_5, 21):
                worklist = self.env["debt.collection.worklist"].create({"date": THU_5})
                worklist.action_show()
                lines = worklist.line_ids.filtered(
                    lambda line: line.step_id == self.step_sms
                )
                self.assertEqual(lines.recipients, "+48601234567")
                result = lines.action_execute()
            self.assertEqual(result["params"]["type"], "warning")
            self.assertIn("window (08:00-20:00)", result["params"]["message"])
            self.assertRecordValues(
                self._sms_events(), [{"state": "pending", "scheduled_date": FRI_6}]
            )
            self.assertEqual(self._sms, [])
            self._run(FRI_6, hour=8)
        self.assertEqual(self._sent_numbers(), ["+48601234567"])
        self.assertRecordValues(
            self._sms_events(), [{"state": "done", "scheduled_date": FRI_6}]
        )

    def _frozen(self, day, hour):
        return freeze_time(
            datetime(day.year, day.month, day.day, hour) - timedelta(hours=1)
        )


@tagged("post_install", "-at_install")
class TestSmsCostGuard(SmsCollectionCase):
    def test_at_most_n_sms_per_customer_per_period(self):
        """One SMS per 30 days: the SMS of a second invoice four days later is
        skipped (once); an invoice due five weeks later gets its SMS."""
        self.company.debt_collection_sms_max_per_partner = 1
        self.company.debt_collection_sms_period_days = 30
        self._invoice(self.customer, MON_2, 300)
        second = self._invoice(self.customer, "2026-03-06", 200)
        later = self._invoice(self.customer, "2026-04-06", 100)
        with self.mockSMSGateway():
            self._run(THU_5)
            self._run(MON_9)
            self._run(MON_9, hour=15)
            self.assertEqual(len(self._sms), 1)
            self._run("2026-04-09")
        self.assertEqual(len(self._sms), 2)
        self.assertRecordValues(
            self._sms_events(move_id=second.id),
            [{"state": "skipped", "reason": "sms_limit"}],
        )
        self.assertRecordValues(
            self._sms_events(move_id=later.id), [{"state": "done", "reason": False}]
        )

    def test_no_limit_when_zero(self):
        self.company.debt_collection_sms_max_per_partner = 0
        self._invoice(self.customer, MON_2, 300)
        self._invoice(self.customer, "2026-03-06", 200)
        with self.mockSMSGateway():
            self._run(THU_5)
            self._run(MON_9)
        self.assertEqual(len(self._sms), 2)


@tagged("post_install", "-at_install")
class TestSmsIapFailures(SmsCollectionCase):
    def test_wrong_number_for_odoo_gives_up(self):
        """Odoo's SMS service refuses the number: failed for good (not
        retried), the collector gets an activity."""
        self._invoice(self.customer, MON_2, 300)
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            self._run(THU_5)
            self._run(THU_5, hour=12)
        event = self._sms_events()
        self.assertRecordValues(
            event,
            [{"state": "failed", "reason": "sms_invalid_number", "attempts": 1}],
        )
        self.assertIn("Wrong Number Format", event.error)
        self.assertEqual(event.delivery_id.activity_id.user_id, self.collector)

    def test_no_credit_fails_and_tells_the_managers(self):
        self._invoice(self.customer, MON_2, 300)
        with mute_logger(
            "odoo.addons.debt_collection_sms.models.debt_collection_engine"
        ):
            with self.mockSMSGateway(sim_error="credit"):
                self._run(THU_5)
        event = self._sms_events()
        self.assertRecordValues(
            event, [{"state": "failed", "reason": "sms_gateway_account"}]
        )
        self.assertIn("Insufficient Credit", event.error)
        notification = self._manager_notifications()
        self.assertEqual(len(notification), 1)
        self.assertIn("could not be sent", notification.body)
        self.assertIn("Windykacja", notification.subject)

    def test_server_error_is_retried_with_the_same_sms(self):
        """Odoo's SMS service is down: the SMS waits in the queue; the next
        run resends the same SMS record (same uuid), which then goes once."""
        self._invoice(self.customer, MON_2, 300)
        with self.mockSMSGateway(sim_error="jsonrpc_exception"):
            self._run(THU_5)
        event = self._sms_events()
        self.assertRecordValues(event, [{"state": "queued"}])
        self.assertRecordValues(event.delivery_id, [{"state": "queued", "attempts": 1}])
        first_sms = event.sms_sms_id
        self.assertTrue(first_sms)
        with self.mockSMSGateway():
            self._run(THU_5, hour=11)
            self._run(THU_5, hour=12)
        self.assertEqual(self._sent_numbers(), ["+48601234567"])
        self.assertRecordValues(event, [{"state": "done", "attempts": 1}])
        self.assertEqual(event.sms_sms_id, first_sms)
        self.assertEqual(len(event.notice_id), 1)


@tagged("post_install", "-at_install")
class TestSmsFallback(SmsCollectionCase):
    def test_email_not_delivered_falls_back_to_sms(self):
        """The overdue reminder's address is refused by the mail server; the
        step falls back to SMS: the customer gets the overdue SMS for the
        same document, the collector an activity."""
        self.step_sms.active = False
        self.step_reminder.fallback_channel = "sms"
        invoice = self._invoice(self.customer, MON_2, 300)
        self.smtp.recorder.refused["biuro@kowalski.example.com"] = (
            "550 5.1.1 <biuro@kowalski.example.com>: No such user"
        )
        with self.mockSMSGateway():
            with mute_logger("odoo.addons.mail.models.mail_mail"):
                self._run(MON_9)
            with freeze_time(datetime(2026, 3, 9, 9, 30)):
                self.env["debt.collection.delivery"]._cron_follow_up()
        self.assertEqual(self._sent_numbers(), ["+48601234567"])
        self.assertIn(f"Overdue: {invoice.name}", self._sms[0]["body"])
        events = self._events(move_id=invoice.id)
        self.assertEqual(
            [(e.channel, e.state, e.reason) for e in events],
            [("email", "failed", "delivery_failed"), ("sms", "done", False)],
        )
        self.assertEqual(events[1].sms_number, "+48601234567")
        failed = events[0].delivery_id
        self.assertEqual(failed.activity_id.user_id, self.collector)
        self.assertEqual(
            failed.activity_id.activity_type_id,
            self.env.ref("mail.mail_activity_data_todo"),
        )

    def test_sms_fallback_is_refused_where_it_makes_no_sense(self):
        with self.assertRaisesRegex(ValidationError, "cannot fall back to SMS"):
            self.step_sms.fallback_channel = "sms"
        with self.assertRaisesRegex(ValidationError, "cannot fall back to Letter"):
            self.step_reminder.fallback_channel = "letter"
        self.step_sms.fallback_channel = "phone"


@tagged("post_install", "-at_install")
class TestSmsLanguages(SmsCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish(("debt_collection", "debt_collection_sms"))

    def test_polish_and_english_customers_in_one_run(self):
        """Each customer gets the SMS in its language: Polish amounts, dates
        and words (without diacritics: GSM-7), English for the other."""
        polish = self._sms_customer(
            "Piekarnia Żółć Sp. z o.o.", mobile="602 345 678", lang="pl_PL"
        )
        first = self._invoice(polish, MON_2, 1000)
        second = self._invoice(polish, MON_2, 234.56)
        third = self._invoice(polish, MON_2, 10)
        english = self._invoice(self.customer, MON_2, 99.99)
        with self.mockSMSGateway():
            self._run(THU_5)
        bodies = {sms["number"]: sms["body"] for sms in self._sms}
        names = sorted([first.name, second.name, third.name])
        polish_text = (
            "Windykacja Sp. z o.o.: przypomnienie o platnosci. Zalegle: "
            f"{names[0]}, {names[1]} +1 wiecej, do zaplaty 1244,56 PLN. Prosimy "
            "o wplate do 10.03.2026. Jesli wplata zostala juz dokonana, prosimy "
            "zignorowac SMS. Tel. +48 22 123 45 67"
        )
        self.assertEqual(bodies["+48602345678"], polish_text)
        self.assertEqual(count_segments(polish_text).encoding, "gsm7")
        self.assertEqual(
            bodies["+48601234567"],
            f"Windykacja Sp. z o.o.: payment reminder. Overdue: {english.name}, "
            "amount due 99.99 PLN. Please pay by 03/10/2026. Already paid? Please "
            "ignore this SMS. Tel. +48 22 123 45 67",
        )

    def test_pre_due_sms_in_polish_and_english(self):
        """A pre-due SMS step (3 days before): the pre-due text, payable by
        the due date, in each customer's language."""
        self.step_sms.unlink()
        predue = self.env["debt.collection.step"].create(
            {
                "policy_id": self.policy.id,
                "name": "SMS before due",
                "sequence": 5,
                "days": -4,
                "action": "sms",
                "sms_template_id": self.env.ref(
                    "debt_collection_sms.sms_template_predue"
                ).id,
            }
        )
        polish = self._sms_customer("Sklep Źdźbło", mobile="602 345 678", lang="pl_PL")
        pl_invoice = self._invoice(polish, "2026-03-09", 500)
        en_invoice = self._invoice(self.customer, "2026-03-09", 80)
        with self.mockSMSGateway():
            self._run(THU_5)
        bodies = {sms["number"]: sms["body"] for sms in self._sms}
        self.assertEqual(
            bodies["+48602345678"],
            "Windykacja Sp. z o.o.: przypomnienie. Wkrotce mija termin platnosci: "
            f"{pl_invoice.name}, kwota 500,00 PLN, platne do 09.03.2026. "
            "Tel. +48 22 123 45 67",
        )
        self.assertEqual(
            bodies["+48601234567"],
            "Windykacja Sp. z o.o.: friendly reminder. Due soon: "
            f"{en_invoice.name}, amount 80.00 PLN, payable by 03/09/2026. "
            "Tel. +48 22 123 45 67",
        )
        self.assertEqual(len(self._events(step_id=predue.id)), 2)

    def test_polish_demand_template(self):
        """The payment demand SMS template, in Polish."""
        self.step_sms.sms_template_id = self.env.ref(
            "debt_collection_sms.sms_template_demand"
        )
        polish = self._sms_customer("Sklep Źdźbło", mobile="602 345 678", lang="pl_PL")
        invoice = self._invoice(polish, MON_2, 500)
        with self.mockSMSGateway():
            self._run(THU_5)
        self.assertEqual(
            self._sms[0]["body"],
            f"Windykacja Sp. z o.o.: WEZWANIE DO ZAPLATY. Nieoplacone: {invoice.name}, "
            "do zaplaty 500,00 PLN. Prosimy o wplate do 10.03.2026, aby uniknac "
            "dalszych dzialan windykacyjnych. Tel. +48 22 123 45 67",
        )
