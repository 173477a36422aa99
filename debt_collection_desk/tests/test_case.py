"""The collector's desk: cases follow the engine, collectors move them, log
calls, take promises to pay (kept or broken) and disputes."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.debt_collection.tests.common import DebtCollectionCase

from ..models.debt_collection_case import DISPUTE_HOLD_UNTIL


class CaseCase(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector_2 = new_test_user(
            cls.env,
            login="collector_2",
            name="Collector Bartek",
            groups="base.group_user,debt_collection.group_debt_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        # Due Monday 2 March 2026.
        cls.invoice = cls._invoice(cls.customer, "2026-03-02", 1000.0)

    def _case(self, partner=None, company=None):
        return self.env["debt.collection.case"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", (company or self.company).id),
            ],
            order="id desc",
            limit=1,
        )

    def _case_events(self, event_type="case"):
        return self.env["debt.collection.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", event_type)],
            order="id",
        )

    def _log_call(self, day, user=None, **values):
        """Log a call on the customer's case on ``day``."""
        with freeze_time(f"{day} 10:00:00"):
            case = self._case().with_user(user or self.collector)
            action = case.action_log_call()
            wizard = (
                self.env["debt.collection.call.wizard"]
                .with_user(user or self.collector)
                .with_context(**action["context"])
                .create(values)
            )
            return wizard.action_log()


@tagged("post_install", "-at_install")
class TestCaseStages(CaseCase):
    def test_case_follows_the_engine_and_closes_when_paid(self):
        self._run("2026-03-03")
        case = self._case()
        self.assertEqual(
            (case.stage, case.user_id, case.overdue_amount, case.oldest_days),
            ("new", self.collector, 1000.0, 1),
        )
        # Day 7: the overdue reminder.
        self._run("2026-03-09")
        self.assertEqual((case.stage, case.oldest_days), ("reminded", 7))
        # Monday 13 April (day 42): the demand, approved and sent.
        self._run("2026-04-13")
        self.assertEqual(case.stage, "demanded")
        self.assertEqual(self._case(), case, "one open case per customer")
        # Day 50: the phone call lands on the case's collector.
        case.user_id = self.collector_2
        self._run("2026-04-21")
        activity = self._events(step_id=self.step_call.id).activity_id
        self.assertEqual(activity.user_id, self.collector_2)
        self.assertEqual(activity.res_id, self.customer.id)
        self.assertIn(self.invoice.name, str(activity.note))
        self.assertEqual(
            (case.next_action, case.next_action_date),
            ("Call about overdue invoices", date(2026, 4, 23)),
        )
        self.assertEqual(case.stage, "demanded")
        # Monday 11 May (day 70): the final demand.
        self._run("2026-05-11")
        self.assertEqual((case.stage, case.oldest_days), ("final_demand", 70))
        # Paid: the case closes.
        self._pay(self.invoice, 1000.0, "2026-05-12")
        self._run("2026-05-12")
        self.assertEqual(
            (case.stage, case.overdue_amount, case.date_closed),
            ("closed", 0.0, date(2026, 5, 12)),
        )
        # The engine's moves are the case's own business: the customer's
        # collection history only has what people did.
        self.assertFalse(self._case_events())
        # A new invoice overdue later opens a new case.
        self._invoice(self.customer, "2026-05-15", 300.0)
        self._run("2026-05-18")
        self.assertNotEqual(self._case(), case)
        self.assertEqual(self._case().stage, "new")

    def test_case_moves_when_the_step_is_reported_done(self):
        """The engine inserts its events with SQL and the e-mail's delivery
        marks them done with the ORM: the case moves when either reports the
        finished step through the hook, never because of how a row was
        written."""
        self._run("2026-03-03")
        case = self._case()
        self._run("2026-03-09", deliver=False)
        reminder = self._events(step_id=self.step_reminder.id)
        self.assertEqual((reminder.state, case.stage), ("queued", "new"))
        # A write of the row alone (a data fix) is not a finished step.
        reminder.sudo().write({"state": "done"})
        self.assertEqual(case.stage, "new")
        reminder.sudo().write({"state": "queued"})
        # The mail server takes the e-mail: the delivery reports the step done.
        self._send_queued_mails()
        self.assertEqual((reminder.state, case.stage), ("done", "reminded"))

    def test_pre_due_reminder_opens_no_case(self):
        self._invoice(self.customer, "2026-03-12", 500.0)
        self._pay(self.invoice, 1000.0, "2026-03-01")
        self._run("2026-03-09")  # the pre-due reminder of the new invoice
        self.assertTrue(self._events(step_id=self.step_predue.id))
        self.assertFalse(self._case())

    def test_collector_moves_the_case_by_hand(self):
        self._run("2026-03-09")
        case = self._case().with_user(self.collector)
        case.stage = "legal"
        event = self._case_events()[-1]
        self.assertEqual(
            (event.origin, event.user_id, str(event.note)),
            (
                "manual",
                self.collector,
                "<p>Stage: Reminded → Handed over for legal action</p>",
            ),
        )
        # The engine does not move it back nor forward.
        self._run("2026-04-13")
        self.assertEqual(case.stage, "legal")
        with self._refused(UserError, "Log a Call"):
            case.stage = "promise"
        with self._refused(UserError, "cannot be closed"):
            case.stage = "closed"
        self.assertEqual(case.stage, "legal")

    def test_filters(self):
        other = self.env["res.partner"].create({"name": "Other", "is_company": True})
        self._invoice(other, "2026-03-02", 50.0)
        self._run("2026-03-09")
        Case = self.env["debt.collection.case"].with_user(self.collector)
        self._case(other).user_id = self.collector_2
        self.assertEqual(
            Case.search([("user_id", "=", self.collector.id)]).partner_id, self.customer
        )
        self.env["debt.collection.block"]._block_partners(
            self.company, other, "Cheque bounced"
        )
        self.assertEqual(Case.search([("blocked", "=", True)]).partner_id, other)
        self.assertEqual(
            Case.search([("blocked", "=", False)]).partner_id, self.customer
        )
        self._case().next_action_date = "2026-03-09"
        self._case(other).next_action_date = "2026-03-12"
        self.assertEqual(
            Case.search([("next_action_date", "<=", "2026-03-10")]).partner_id,
            self.customer,
        )


@tagged("post_install", "-at_install")
class TestPromiseToPay(CaseCase):
    def test_promise_kept_lifts_the_hold(self):
        self._run("2026-03-09")
        self._log_call(
            "2026-03-10",
            result="promise",
            promise_amount=400.0,
            promise_date="2026-03-20",
            note="<p>Will pay 400 on the 20th</p>",
        )
        case = self._case()
        self.assertEqual(
            (case.stage, case.promise_state, case.promise_residual),
            ("promise", "open", 1000.0),
        )
        self.assertEqual(case.promise_move_ids, self.invoice)
        self.assertEqual(
            (
                self.invoice.debt_collection_hold_until,
                self.invoice.debt_collection_hold_reason,
            ),
            (date(2026, 3, 23), "promise"),  # with the 3 grace days
        )
        self.assertEqual(case.last_contact_date, date(2026, 3, 10))
        promise = self._case_events("promise")
        self.assertIn("Promise to pay", str(promise.note))
        self.assertIn("400.00", str(promise.note))
        # Day 14: the repeated reminder waits for the promise.
        self._run("2026-03-16")
        self.assertEqual(len(self._events(step_id=self.step_reminder.id)), 1)
        # 399.99 paid is not the promise.
        self._pay(self.invoice, 399.99, "2026-03-17")
        self._run("2026-03-17")
        self.assertEqual(case.promise_state, "open")
        self._pay(self.invoice, 0.01, "2026-03-18")
        self._run("2026-03-18")
        self.assertEqual(case.promise_state, "kept")
        self.assertFalse(self.invoice.debt_collection_hold_until)
        self.assertEqual(case.stage, "reminded")
        self.assertEqual(case.overdue_amount, 600.0)
        self.assertIn(
            "Promise kept: 400.00", str(self._case_events("promise")[-1].note)
        )
        self.assertFalse(case.activity_ids)

    def test_promise_broken_reopens_collection_with_an_activity(self):
        self._run("2026-03-09")
        self._log_call(
            "2026-03-10",
            result="promise",
            promise_amount=1000.0,
            promise_date="2026-03-20",
        )
        case = self._case()
        self._pay(self.invoice, 100.0, "2026-03-19")
        # Friday 20 March + 3 grace days: still waiting on Monday 23.
        self._run("2026-03-23")
        self.assertEqual((case.promise_state, case.stage), ("open", "promise"))
        self.assertFalse(case.activity_ids)
        self._run("2026-03-24")
        self.assertEqual((case.promise_state, case.stage), ("broken", "reminded"))
        self.assertFalse(self.invoice.debt_collection_hold_until)
        event = self._case_events("promise")[-1]
        self.assertEqual(event.origin, "automatic")
        self.assertIn("Promise broken", str(event.note))
        self.assertIn("100.00", str(event.note))
        activity = case.activity_ids
        self.assertEqual(
            (activity.user_id, activity.date_deadline, activity.summary),
            (
                self.collector,
                date(2026, 3, 24),
                "Broken promise to pay: call the customer",
            ),
        )
        # Held through the grace days, collection went on the day after.
        self.assertEqual(
            self._events(step_id=self.step_reminder.id).mapped("scheduled_date"),
            [date(2026, 3, 9), date(2026, 3, 24)],
        )

    def test_bad_promises_are_refused(self):
        self._run("2026-03-09")
        cases = [
            ({"promise_amount": 100.0, "promise_date": "2026-03-09"}, "in the past"),
            ({"promise_amount": 0.0, "promise_date": "2026-03-20"}, "must be positive"),
            (
                {"promise_amount": -5.0, "promise_date": "2026-03-20"},
                "must be positive",
            ),
            (
                {"promise_amount": 1000.01, "promise_date": "2026-03-20"},
                "more than the documents still owe",
            ),
            (
                {
                    "promise_amount": 100.0,
                    "promise_date": "2026-03-20",
                    "move_ids": [Command.clear()],
                },
                "Choose the documents",
            ),
        ]
        for values, message in cases:
            with self.subTest(message=message), self._refused(UserError, message):
                self._log_call("2026-03-10", result="promise", **values)
        self.assertFalse(self.invoice.debt_collection_hold_until)
        self.assertEqual(self._case().stage, "reminded")
        with self._refused(UserError, "Write down what was said"):
            self._log_call("2026-03-10", result="note", note="<p><br></p>")
        with self._refused(UserError, "next action is"):
            self._log_call(
                "2026-03-10",
                result="note",
                note="<p>x</p>",
                next_action_date="2026-03-12",
            )


@tagged("post_install", "-at_install")
class TestDispute(CaseCase):
    def test_dispute_holds_chosen_documents_until_resolved(self):
        second = self._invoice(self.customer, "2026-03-02", 200.0)
        self._run("2026-03-09")
        with self._refused(UserError, "reason of the dispute"):
            self._log_call(
                "2026-03-10", result="dispute", move_ids=[Command.set(second.ids)]
            )
        with self._refused(UserError, "Choose the disputed documents"):
            self._log_call("2026-03-10", result="dispute", dispute_reason="Damaged")
        self._log_call(
            "2026-03-10",
            result="dispute",
            move_ids=[Command.set(second.ids)],
            dispute_reason="Goods damaged in transport",
            note="<p>Sends photos</p>",
            next_action="Check the photos",
            next_action_date="2026-03-12",
        )
        case = self._case()
        self.assertEqual(case.stage, "disputed")
        self.assertEqual(case.dispute_move_ids, second)
        self.assertEqual(
            (second.debt_collection_hold_until, second.debt_collection_hold_reason),
            (DISPUTE_HOLD_UNTIL, "dispute"),
        )
        self.assertFalse(self.invoice.debt_collection_hold_until)
        self.assertEqual(
            (case.next_action, case.next_action_date),
            ("Check the photos", date(2026, 3, 12)),
        )
        dispute = self._case_events("dispute")
        self.assertEqual(dispute.move_id, second)
        self.assertIn("Goods damaged in transport", str(dispute.note))
        # The undisputed invoice is still reminded, the disputed one is not.
        self._run("2026-03-16")
        reminded = self._events(step_id=self.step_reminder.id).move_id
        self.assertEqual(reminded, self.invoice | second)  # day 7, before
        self.assertEqual(
            self._events(
                step_id=self.step_reminder.id, scheduled_date=date(2026, 3, 16)
            ).move_id,
            self.invoice,
        )
        with freeze_time("2026-03-17 10:00:00"):
            case.with_user(self.collector).action_resolve_dispute()
        self.assertFalse(second.debt_collection_hold_until)
        self.assertEqual(case.stage, "reminded")
        self.assertIn("Dispute resolved", str(self._case_events("dispute")[-1].note))


@tagged("post_install", "-at_install")
class TestCaseMultiCompany(CaseCase):
    def test_cases_stay_in_their_company(self):
        company_b = self.setup_other_company(name="Firma Beta S.A.")["company"]
        self._run("2026-03-09")
        case_b = self.env["debt.collection.case"]._open_for(company_b, self.customer)
        self.assertNotEqual(case_b, self._case())
        self.assertEqual(
            self.env["debt.collection.case"].with_user(self.collector).search([]),
            self._case(),
        )
        with self._refused(AccessError, ""):
            case_b.with_user(self.collector).read(["stage"])
        # Company A's run does not close company B's case, nor count its items.
        self._pay(self.invoice, 1000.0, "2026-03-10")
        self._run("2026-03-10")
        self.assertEqual(self._case().stage, "closed")
        self.assertEqual(case_b.stage, "new")

    def test_billing_user_reads_cases_only(self):
        self._run("2026-03-09")
        billing = new_test_user(
            self.env,
            login="billing",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        case = self._case().with_user(billing)
        self.assertEqual(case.stage, "reminded")
        with self._refused(AccessError, ""):
            case.write({"next_action": "x"})


@tagged("post_install", "-at_install")
class TestDeskTour(CaseCase, HttpCase):
    def test_collector_takes_a_promise_from_the_desk(self):
        today = self.company._debt_collection_today()
        invoice = self._invoice(self.customer, today - timedelta(days=10), 1234.56)
        self._pay(self.invoice, 1000.0, today - timedelta(days=30))
        # Today's run (whatever the weekday) sends the overdue reminder: the
        # case is "reminded" once the mail server took it.
        with freeze_time(fields.Datetime.now()):
            self.env["debt.collection.engine"]._run_collection_pass(
                force=True, companies=self.company
            )
            self.assertEqual(self._case().stage, "new")
            self.env["mail.mail"].process_email_queue()
        self.assertEqual(self._case().stage, "reminded")
        self.start_tour(
            "/odoo/action-debt_collection_desk.action_debt_collection_case",
            "debt_collection_desk_tour",
            login="collector",
        )
        case = self._case()
        self.assertEqual(
            (case.stage, case.promise_state, case.promise_amount, case.promise_date),
            ("promise", "open", 500.0, date(2099, 12, 31)),
        )
        self.assertEqual(case.promise_move_ids, invoice)
        self.assertEqual(invoice.debt_collection_hold_reason, "promise")
