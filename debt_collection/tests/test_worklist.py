"""The operator's to-do list: what is due, approvals, postpone, skip, dry run."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DebtCollectionCase, requires_addon, warsaw_winter

# Monday 9 March 2026: the overdue reminder (day 7) of documents due on
# Monday 2 March and the payment demand (day 40) of documents due on 28 January.
TODAY = date(2026, 3, 9)


@tagged("post_install", "-at_install")
class TestWorklist(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.invoice_contact = Partner.create(
            {
                "name": "Księgowość Kowalski",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "email": "faktury@kowalski.example.com",
            }
        )
        cls.jan = Partner.create(
            {
                "name": "Jan Kowalski",
                "parent_id": cls.customer.id,
                "email": "jan@kowalski.example.com",
            }
        )
        cls.customer.debt_collection_contact_ids = [Command.set(cls.jan.ids)]
        cls.nowak = Partner.create(
            {"name": "Sklep Nowak", "is_company": True, "email": "nowak@example.com"}
        )
        # Due on 2 March: the overdue reminder is due on 9 March.
        cls.invoice_a = cls._invoice(cls.customer, "2026-03-02", 1234.56)
        cls.invoice_eur = cls._invoice(
            cls.customer, "2026-03-02", 100.01, currency=cls.eur
        )
        # Below the reminder's minimum per document (20 zł).
        cls.invoice_small = cls._invoice(cls.customer, "2026-03-02", 15.00)
        cls.Worklist = cls.env["debt.collection.worklist"]
        cls.Line = cls.env["debt.collection.worklist.line"]
        cls.Event = cls.env["debt.collection.event"]
        cls.outsider = new_test_user(
            cls.env,
            login="billing_only",
            name="Billing Bartek",
            email="bartek@example.com",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    # Helpers ------------------------------------------------------------------

    def _todo(self, day=TODAY, hour=7, user=None):
        """Open Invoicing > Debt collection > To do at ``hour`` on ``day``."""
        with freeze_time(warsaw_winter(day, hour)):
            action = self.Worklist.with_user(user or self.collector).action_open_today()
        self.assertEqual(action["res_model"], "debt.collection.worklist.line")
        return self.Line.with_user(user or self.collector).search(action["domain"])

    def _line(self, lines, step, partner=None, kind="to_do"):
        line = lines.filtered(
            lambda line: (
                line.step_id == step
                and line.partner_id == (partner or self.customer)
                and line.kind == kind
            )
        )
        self.assertEqual(len(line), 1, f"one {kind} line for {step.name}")
        return line

    def _notice_mails(self):
        return self.env["mail.mail"].search([("model", "=", "debt.collection.notice")])

    def _all_events(self):
        return self.Event.search([("event_type", "=", "action")], order="id")

    def _describe(self, lines):
        return {
            (
                line.partner_id.name,
                line.step_id.name,
                line.kind,
                line.reason or "",
                tuple(sorted(line.move_ids.ids)),
                round(line.amount, 2),
                line.channel,
                line.recipients,
            )
            for line in lines
        }

    # What is due today ---------------------------------------------------------

    @requires_addon("debt_collection_demand")
    def test_today_lists_due_and_skipped_per_customer_and_step(self):
        invoice_nowak = self._invoice(self.nowak, "2026-01-28", 80.00)
        lines = self._todo()
        to_kowalski = "faktury@kowalski.example.com, Cc: jan@kowalski.example.com"
        self.assertEqual(
            self._describe(lines),
            {
                (
                    self.customer.name,
                    "Overdue reminder",
                    "to_do",
                    "",
                    tuple(sorted((self.invoice_a | self.invoice_eur).ids)),
                    # 1234.56 zł + 100.01 EUR at 4 zł per euro (400.04 zł)
                    1634.60,
                    "email",
                    to_kowalski,
                ),
                (
                    self.customer.name,
                    "Overdue reminder",
                    "skip",
                    "below_item_minimum",
                    (self.invoice_small.id,),
                    15.00,
                    "email",
                    to_kowalski,
                ),
                (
                    "Sklep Nowak",
                    "Payment demand",
                    "skip",
                    "below_partner_minimum",
                    (invoice_nowak.id,),
                    80.00,
                    "letter",
                    "nowak@example.com",
                ),
            },
        )
        self.assertEqual(lines.currency_id, self.pln)
        self.assertEqual(set(lines.mapped("date")), {TODAY})
        self.assertFalse(any(lines.mapped("manual_approval")))
        # Looking is not acting.
        self.assertFalse(self._all_events())
        self.assertFalse(self._notice_mails())
        # After the automatic run nothing is left to do today.
        self._run(TODAY)
        self.assertEqual(len(self._notice_mails()), 1)
        self.assertFalse(self._todo(hour=11))

    def test_activity_line_names_the_assignee(self):
        self._invoice(self.nowak, "2026-01-18", 500.00)  # day 50 on 9 March
        self.nowak.debt_collection_user_id = self.manager
        line = self._line(self._todo(), self.step_call, self.nowak)
        self.assertEqual((line.channel, line.recipients), ("activity", "Manager Marek"))
        self.assertAlmostEqual(line.amount, 500.00, places=2)

    # Manual approval ------------------------------------------------------------

    @requires_addon("debt_collection_demand")
    def test_step_waiting_for_approval(self):
        self.step_demand.manual_approval = True
        demanded = self._invoice(self.customer, "2026-01-28", 1500.00)
        self._run(TODAY)
        # The reminder went out automatically, the demand did not.
        self.assertEqual(self._all_events().step_id, self.step_reminder)
        self.assertEqual(len(self._notice_mails()), 1)
        self.assertFalse(self.Event.search([("move_id", "=", demanded.id)]))

        lines = self._todo(hour=11)
        line = self._line(lines, self.step_demand)
        self.assertEqual(len(lines), 1)
        self.assertTrue(line.manual_approval)
        self.assertEqual(line.move_ids, demanded)
        self.assertAlmostEqual(line.amount, 1500.00, places=2)

        with freeze_time(warsaw_winter(TODAY, 11)):
            line.action_execute()
            self._send_queued_mails()
        event = self.Event.search(
            [("move_id", "=", demanded.id), ("event_type", "=", "action")]
        )
        self.assertEqual(
            (event.step_id, event.state, event.origin, event.user_id, event.occurrence),
            (self.step_demand, "done", "manual", self.collector, 0),
        )
        self.assertEqual(event.scheduled_date, TODAY)
        # The demand step prepares the demand document, approved and e-mailed
        # with its PDF (the step approves automatically).
        self.assertEqual(event.demand_id.state, "sent")
        demand_mail = self.env["mail.mail"].search(
            [
                ("model", "=", "debt.collection.demand"),
                ("res_id", "=", event.demand_id.id),
            ]
        )
        self.assertEqual(len(demand_mail), 1)
        self.assertIn("faktury@kowalski.example.com", demand_mail.email_to)
        self.assertNotIn("biuro@kowalski.example.com", demand_mail.email_to)
        self.assertIn("jan@kowalski.example.com", demand_mail.email_cc)
        self.assertEqual(demanded.debt_collection_stage_id, self.step_demand)

        # The automatic runs do not send it again.
        for day in (TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)):
            self._run(day)
        self.assertEqual(
            len(
                self.Event.search(
                    [("move_id", "=", demanded.id), ("event_type", "=", "action")]
                )
            ),
            1,
        )
        self.assertEqual(len(self._notice_mails()), 1)
        self.assertEqual(len(self._mails()), 2)
        self.assertFalse(self._todo(TODAY + timedelta(days=1)))

    # Postpone -------------------------------------------------------------------

    def test_postpone_to_a_later_date(self):
        self.invoice_eur.button_draft()
        self.invoice_small.button_draft()
        line = self._line(self._todo(), self.step_reminder)
        Postpone = self.env["debt.collection.postpone.wizard"].with_user(self.collector)
        for too_early in ("2026-03-08", "2026-03-09"):
            wizard = Postpone.create(
                {"line_ids": [Command.set(line.ids)], "date": too_early}
            )
            with (
                freeze_time(warsaw_winter(TODAY, 7)),
                self.assertRaisesRegex(
                    UserError, "Postpone to a date after 2026-03-09"
                ),
            ):
                wizard.action_postpone()
        self.assertFalse(self._all_events())

        wizard = Postpone.create(
            {"line_ids": [Command.set(line.ids)], "date": "2026-03-12"}
        )
        with freeze_time(warsaw_winter(TODAY, 7)):
            wizard.action_postpone()
        pending = self._all_events()
        self.assertEqual(
            (pending.move_id, pending.state, pending.scheduled_date, pending.user_id),
            (self.invoice_a, "pending", date(2026, 3, 12), self.collector),
        )
        self.assertFalse(line.exists())

        # Nothing before the new date: not by the runs, not on the to-do list.
        for day in ("2026-03-09", "2026-03-10", "2026-03-11"):
            self._run(date.fromisoformat(day))
            self.assertFalse(self._todo(date.fromisoformat(day), hour=11))
        self.assertEqual(self._all_events(), pending)
        self.assertEqual(pending.state, "pending")
        self.assertFalse(self._notice_mails())

        # On the new date it is back, and done.
        new_date = date(2026, 3, 12)
        self._line(self._todo(new_date), self.step_reminder)
        self._run(new_date)
        self.assertEqual(self._all_events(), pending)
        self.assertEqual(
            (pending.state, pending.origin, pending.occurrence, pending.scheduled_date),
            ("done", "automatic", 0, new_date),
        )
        self.assertEqual(len(self._notice_mails()), 1)
        self._run(new_date + timedelta(days=1))
        self.assertEqual(len(self._notice_mails()), 1)

    # Skip -----------------------------------------------------------------------

    def test_skip_consumes_the_occurrence(self):
        self.invoice_eur.button_draft()
        self.invoice_small.button_draft()
        line = self._line(self._todo(), self.step_reminder)
        with freeze_time(warsaw_winter(TODAY, 7)):
            line.action_skip()
        skipped = self._all_events()
        self.assertEqual(
            (
                skipped.move_id,
                skipped.step_id,
                skipped.occurrence,
                skipped.state,
                skipped.reason,
                skipped.origin,
                skipped.user_id,
            ),
            (
                self.invoice_a,
                self.step_reminder,
                0,
                "skipped",
                "operator",
                "manual",
                self.collector,
            ),
        )
        for offset in range(5):  # Monday to Friday
            self._run(TODAY + timedelta(days=offset))
        self.assertEqual(self._all_events(), skipped)
        self.assertFalse(self._notice_mails())
        self.assertFalse(self._todo(TODAY + timedelta(days=1)))
        # The next repeat of the reminder comes a week later as usual.
        self._run(TODAY + timedelta(days=7))
        repeat = self._all_events() - skipped
        self.assertEqual((repeat.occurrence, repeat.state), (1, "done"))
        self.assertEqual(len(self._notice_mails()), 1)

    # Dry run --------------------------------------------------------------------

    @requires_addon("debt_collection_demand")
    def test_dry_run_for_a_future_date(self):
        counts = self._record_counts()
        with freeze_time(warsaw_winter(date(2026, 2, 20), 9)):
            worklist = self.Worklist.with_user(self.collector).create(
                {"date": "2026-04-13"}
            )
            action = worklist.action_show()
            self.assertEqual(action["display_name"], "To do on 2026-04-13")
            lines = self.Line.with_user(self.collector).search(action["domain"])
            self.assertEqual(
                {(line.step_id, line.kind) for line in lines},
                {(self.step_demand, "to_do")},
            )
            self.assertEqual(
                lines.move_ids, self.invoice_a | self.invoice_eur | self.invoice_small
            )
            # 1234.56 + 400.04 + 15.00 zł
            self.assertAlmostEqual(lines.amount, 1649.60, places=2)
            self.assertEqual(
                lines.recipients,
                "faktury@kowalski.example.com, Cc: jan@kowalski.example.com",
            )
            # Another date, another plan.
            worklist.date = "2026-03-09"
            lines = self.Line.with_user(self.collector).search(
                worklist.action_show()["domain"]
            )
            self.assertEqual(
                {(line.step_id, line.kind) for line in lines},
                {(self.step_reminder, "to_do"), (self.step_reminder, "skip")},
            )
            self.assertEqual(self._record_counts(), counts)

            # Nothing can be done ahead of time.
            message = "This is a dry run for 2026-03-09: actions can only be taken"
            with self.assertRaisesRegex(UserError, message):
                lines.action_execute()
            with self.assertRaisesRegex(UserError, message):
                lines.action_skip()
            postpone = (
                self.env["debt.collection.postpone.wizard"]
                .with_user(self.collector)
                .create({"line_ids": [Command.set(lines.ids)], "date": "2026-03-20"})
            )
            with self.assertRaisesRegex(UserError, message):
                postpone.action_postpone()
        self.assertEqual(self._record_counts(), counts)

    def _record_counts(self):
        return {
            model: self.env[model].search_count([])
            for model in (
                "debt.collection.event",
                "debt.collection.notice",
                "debt.collection.run",
                "mail.mail",
                "mail.activity",
            )
        }

    # Changed in the meantime ----------------------------------------------------

    def test_execute_after_payment_does_nothing(self):
        self.invoice_eur.button_draft()
        self.invoice_small.button_draft()
        line = self._line(self._todo(), self.step_reminder)
        self._pay(self.invoice_a, 1234.56, TODAY)
        self.assertIn(self.invoice_a.payment_state, ("paid", "in_payment"))
        with (
            freeze_time(warsaw_winter(TODAY, 7)),
            self.assertRaisesRegex(
                UserError, "Nothing selected is still due: it was done or paid"
            ),
        ):
            line.action_execute()
        self.assertFalse(self._all_events())
        self.assertFalse(self._notice_mails())

    def test_execute_after_the_automatic_run_does_not_send_twice(self):
        line = self._line(self._todo(), self.step_reminder)
        self._run(TODAY)
        done = self._all_events()
        self.assertEqual(len(self._notice_mails()), 1)
        with (
            freeze_time(warsaw_winter(TODAY, 11)),
            self.assertRaisesRegex(UserError, "Nothing selected is still due"),
        ):
            line.action_execute()
        self.assertEqual(self._all_events(), done)
        self.assertEqual(len(self._notice_mails()), 1)

    # Access ---------------------------------------------------------------------

    def test_only_collectors_use_the_list(self):
        lines = self._todo(user=self.collector)
        self.assertTrue(lines)
        todo_menu = self.env.ref(
            "debt_collection.action_debt_collection_worklist_today"
        )
        self.assertEqual(
            todo_menu.groups_id,
            self.env.ref("debt_collection.group_debt_collection_user"),
        )
        with freeze_time(warsaw_winter(TODAY, 7)):
            with self.assertRaises(AccessError):
                self.Worklist.with_user(self.outsider).action_open_today()
            with self.assertRaises(AccessError):
                lines.with_user(self.outsider).action_execute()
            with self.assertRaises(AccessError):
                lines.with_user(self.outsider).action_skip()
        self.assertFalse(self._all_events())
        self.assertFalse(self._notice_mails())
