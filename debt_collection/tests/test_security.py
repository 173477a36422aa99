"""Access rights of the collection groups and isolation between companies."""

from datetime import date

from freezegun import freeze_time
from markupsafe import Markup

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import DebtCollectionCase, requires_addon, warsaw_winter


@tagged("post_install", "-at_install")
class TestAccessRights(DebtCollectionCase):
    """Who may configure, who may chase, who may only look."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_user = new_test_user(
            cls.env,
            login="billing_ola",
            name="Billing Ola",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.plain_user = new_test_user(
            cls.env,
            login="plain_piotr",
            name="Plain Piotr",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        # Due Monday 2 March 2026: the overdue reminder (day 7) is due on
        # Monday 9 March.
        cls.invoice = cls._invoice(cls.customer, "2026-03-02", 1234.56)

    def _open_todo(self, user):
        """Invoicing > Debt Collection > To Do, as ``user``, today."""
        action = (
            self.env["debt.collection.worklist"].with_user(user).action_open_today()
        )
        return (
            self.env["debt.collection.worklist.line"]
            .with_user(user)
            .search(action["domain"])
        )

    # Managers -------------------------------------------------------------

    def test_manager_creates_edits_and_deletes_policies_and_steps(self):
        Policy = self.env["debt.collection.policy"].with_user(self.manager)
        policy = Policy.create({"name": "Key accounts"})
        self.assertEqual(policy.company_id, self.company)
        step = (
            self.env["debt.collection.step"]
            .with_user(self.manager)
            .create(
                {
                    "policy_id": policy.id,
                    "name": "Phone first",
                    "days": 3,
                    "action": "activity",
                    "activity_summary": "Call the key account",
                }
            )
        )
        step.write({"days": 5, "min_item_amount": 500.0})
        policy.write({"name": "Key accounts (gentle)"})
        self.assertEqual(policy.name, "Key accounts (gentle)")
        self.assertEqual((step.days, step.min_item_amount), (5, 500.0))
        self.assertEqual(step.company_id, self.company)
        step.unlink()
        self.assertFalse(policy.step_ids)
        policy.unlink()
        self.assertFalse(Policy.search([("name", "like", "Key accounts")]))

    def test_manager_edits_holidays_and_the_company_default(self):
        holiday = (
            self.env["debt.collection.holiday"]
            .with_user(self.manager)
            .create({"name": "Święto Niepodległości", "date": "2026-11-11"})
        )
        self.assertEqual(holiday.company_id, self.company)
        policy = (
            self.env["debt.collection.policy"]
            .with_user(self.manager)
            .create({"name": "Gentle"})
        )
        policy.is_default = True
        self.assertEqual(self.company.debt_collection_policy_id, policy)

    @requires_addon("debt_collection_demand")
    def test_manager_runs_the_setup_wizard(self):
        """A manager of a company switched on for the first time (no default
        policy yet) goes through the three steps and gets a policy."""
        self.company.write(
            {"debt_collection_policy_id": False, "debt_collection_enabled": False}
        )
        wizard = (
            self.env["debt.collection.setup.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "predue_days": 2,
                    "predue_min_amount": 50.0,
                    "overdue_min_amount": 100.0,
                    "overdue_days": 5,
                    "overdue_repeat_interval": 10,
                    "overdue_repeat_max": 1,
                    "demand_days": 30,
                    "final_demand_days": 45,
                    "existing": "all",
                }
            )
        )
        wizard.action_next()
        self.assertEqual(wizard.state, "overdue")
        wizard.action_next()
        self.assertEqual(wizard.state, "calendar")
        action = wizard.action_finish()
        policy = self.company.debt_collection_policy_id
        self.assertEqual(action["res_id"], policy.id)
        self.assertTrue(self.company.debt_collection_enabled)
        self.assertEqual(
            [(s.setup_role, s.days, s.action) for s in policy.step_ids],
            [
                ("predue", -2, "reminder"),
                ("overdue", 5, "reminder"),
                ("demand", 30, "demand"),
                ("final_demand", 45, "final_demand"),
            ],
        )
        self.assertIn(self.manager, self.company.debt_collection_report_user_ids)

    # Collectors -----------------------------------------------------------

    @requires_addon("debt_collection_demand")
    def test_collector_reads_policies_but_cannot_change_them(self):
        policy = self.policy.with_user(self.collector)
        self.assertEqual(policy.name, "Standard")
        self.assertEqual(
            policy.step_ids.mapped("name"),
            [
                "Pre-due reminder",
                "Overdue reminder",
                "Payment demand",
                "Phone the customer",
                "Final demand",
            ],
        )
        Policy = self.env["debt.collection.policy"].with_user(self.collector)
        Step = self.env["debt.collection.step"].with_user(self.collector)
        with self.assertRaises(AccessError):
            policy.write({"name": "Lenient"})
        with self.assertRaises(AccessError):
            Policy.create({"name": "My own policy"})
        with self.assertRaises(AccessError):
            policy.unlink()
        step = self.step_reminder.with_user(self.collector)
        with self.assertRaises(AccessError):
            step.write({"min_item_amount": 1000000})
        with self.assertRaises(AccessError):
            step.unlink()
        with self.assertRaises(AccessError):
            Step.create(
                {
                    "policy_id": self.policy.id,
                    "name": "Sneaky",
                    "days": 100,
                    "action": "activity",
                }
            )
        with self.assertRaises(AccessError):
            self.env["debt.collection.holiday"].with_user(self.collector).create(
                {"name": "Day off", "date": "2026-03-09"}
            )
        with self.assertRaises(AccessError):
            self.env["debt.collection.setup.wizard"].with_user(self.collector).create(
                {}
            )
        # Nothing changed.
        self.assertEqual(self.policy.name, "Standard")
        self.assertEqual(self.step_reminder.min_item_amount, 20.0)
        self.assertEqual(len(self.policy.step_ids), 5)

    def test_collector_adds_notes_without_sudo(self):
        action = self.customer.with_user(
            self.collector
        ).action_debt_collection_add_note()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.collector)
            .with_context(**action["context"])
            .create({"note": "<p>Phoned, promised to pay on Friday.</p>"})
        )
        wizard.action_add_note()
        # A note on a document, from the invoice's button.
        action = self.invoice.with_user(
            self.collector
        ).action_debt_collection_add_note()
        self.env[action["res_model"]].with_user(self.collector).with_context(
            **action["context"]
        ).create(
            {"note": "<p>Sent a copy of the invoice again.</p>", "channel": "email"}
        ).action_add_note()
        notes = self.env["debt.collection.event"].search(
            [("event_type", "=", "note")], order="id"
        )
        self.assertEqual(
            [
                (n.partner_id, n.move_id, n.channel, n.user_id, n.company_id, n.note)
                for n in notes
            ],
            [
                (
                    self.customer,
                    self.env["account.move"],
                    "phone",
                    self.collector,
                    self.company,
                    Markup("<p>Phoned, promised to pay on Friday.</p>"),
                ),
                (
                    self.customer,
                    self.invoice,
                    "email",
                    self.collector,
                    self.company,
                    Markup("<p>Sent a copy of the invoice again.</p>"),
                ),
            ],
        )
        # The collector sees them in the customer's history.
        self.assertEqual(
            self.customer.with_user(self.collector).debt_collection_event_ids, notes
        )

    def test_collector_puts_a_document_on_hold_without_sudo(self):
        with freeze_time(warsaw_winter(date(2026, 3, 5), 10)):
            action = self.invoice.with_user(
                self.collector
            ).action_debt_collection_hold()
            self.env[action["res_model"]].with_user(self.collector).with_context(
                **action["context"]
            ).create(
                {
                    "hold_until": "2026-03-20",
                    "reason": "dispute",
                    "note": "Customer disputes the delivery",
                }
            ).action_hold()
        self.assertEqual(self.invoice.debt_collection_hold_until, date(2026, 3, 20))
        self.assertEqual(self.invoice.debt_collection_hold_reason, "dispute")
        hold = self.env["debt.collection.event"].search([("event_type", "=", "hold")])
        self.assertEqual(len(hold), 1)
        self.assertEqual(hold.user_id, self.collector)
        self.assertEqual(hold.move_id, self.invoice)
        self.assertEqual(hold.hold_until, date(2026, 3, 20))
        self.assertIn("Customer disputes the delivery", hold.note)
        self.assertIn("Dispute", hold.note)
        # The hold works: the reminder due on 9 March is not sent.
        self._run("2026-03-09")
        self.assertFalse(self._events())

    def test_collector_executes_the_todo_list_without_sudo(self):
        with freeze_time(warsaw_winter(date(2026, 3, 9), 10)):
            lines = self._open_todo(self.collector)
            self.assertEqual(
                [(ln.partner_id, ln.step_id, ln.kind, ln.amount) for ln in lines],
                [(self.customer, self.step_reminder, "to_do", 1234.56)],
            )
            self.assertEqual(lines.move_ids, self.invoice)
            lines.action_execute()
            self._send_queued_mails()
        event = self._events()
        self.assertEqual(len(event), 1)
        self.assertEqual(
            (
                event.step_id,
                event.state,
                event.origin,
                event.user_id,
                event.amount_residual,
            ),
            (self.step_reminder, "done", "manual", self.collector, 1234.56),
        )
        mail = self._mails(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            mail.email_to,
            '"Hurtownia Kowalski Sp. z o.o." <biuro@kowalski.example.com>',
        )
        self.assertEqual(event.notice_id.partner_id, self.customer)
        self.assertEqual(self.invoice.debt_collection_stage_id, self.step_reminder)
        # The automatic run of the same day does not send it again.
        self._run("2026-03-09", hour=11)
        self.assertEqual(len(self._mails(self.customer)), 1)

    def test_collector_postpones_and_skips_without_sudo(self):
        other = self._invoice(self.customer, "2026-03-02", 99.99)
        with freeze_time(warsaw_winter(date(2026, 3, 9), 10)):
            lines = self._open_todo(self.collector)
            self.assertEqual(len(lines), 1)
            self.assertEqual(lines.move_ids, self.invoice | other)
            wizard = (
                self.env["debt.collection.postpone.wizard"]
                .with_user(self.collector)
                .with_context(**lines.action_postpone()["context"])
                .create({"date": "2026-03-11"})
            )
            wizard.action_postpone()
        pending = self._events()
        self.assertEqual(pending.mapped("state"), ["pending", "pending"])
        self.assertEqual(pending.mapped("scheduled_date"), [date(2026, 3, 11)] * 2)
        self.assertEqual(pending.user_id, self.collector)
        self._run("2026-03-10")
        self.assertFalse(self._mails(self.customer))
        with freeze_time(warsaw_winter(date(2026, 3, 11), 7)):
            lines = self._open_todo(self.collector)
            self.assertEqual(lines.move_ids, self.invoice | other)
            lines.action_skip()
        self.assertEqual(self._events().mapped("state"), ["skipped", "skipped"])
        self.assertEqual(self._events().mapped("reason"), ["operator", "operator"])
        self._run("2026-03-11")
        self.assertFalse(self._mails(self.customer))

    def test_collector_cannot_delete_the_history(self):
        self._run("2026-03-09")
        event = self._events().with_user(self.collector)
        self.assertEqual(event.state, "done")
        with self.assertRaises(AccessError):
            event.unlink()
        self.assertEqual(len(self._events()), 1)

    # Invoice users and other users -----------------------------------------

    @requires_addon("debt_collection_demand")
    def test_invoice_user_reads_collection_data_only(self):
        self._run("2026-03-09")
        env = self.env(user=self.invoice_user)
        event = env["debt.collection.event"].search([])
        self.assertEqual(len(event), 1)
        self.assertEqual(
            (event.partner_id.name, event.step_id.name, event.amount_residual),
            ("Hurtownia Kowalski Sp. z o.o.", "Overdue reminder", 1234.56),
        )
        notice = env["debt.collection.notice"].search([])
        self.assertEqual(notice.event_ids, event)
        self.assertEqual(notice.amount_residual, 1234.56)
        run = env["debt.collection.run"].search([])
        self.assertEqual(run.done_count, 1)
        self.assertEqual(env["debt.collection.policy"].search([]), self.policy)
        self.assertEqual(len(env["debt.collection.step"].search([])), 5)
        # Their customers' collection status on the partner form.
        customer = self.customer.with_user(self.invoice_user)
        self.assertEqual(customer.debt_collection_event_ids, event)
        with self.assertRaises(AccessError):
            env["debt.collection.event"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "event_type": "note",
                    "channel": "note",
                    "note": "<p>Forged</p>",
                }
            )
        with self.assertRaises(AccessError):
            event.write({"state": "skipped"})
        with self.assertRaises(AccessError):
            env["debt.collection.note.wizard"].create(
                {"partner_id": self.customer.id, "note": "<p>Phoned</p>"}
            )
        with self.assertRaises(AccessError):
            env["debt.collection.hold.wizard"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                    "hold_until": "2099-01-01",
                }
            )
        with self.assertRaises(AccessError):
            env["debt.collection.worklist"].action_open_today()
        with self.assertRaises(AccessError):
            self.policy.with_user(self.invoice_user).write({"name": "Changed"})
        self.assertEqual(event.state, "done")
        self.assertEqual(
            self.env["debt.collection.event"].search_count(
                [("event_type", "=", "note")]
            ),
            0,
        )

    def test_internal_user_without_accounting_cannot_read_collection_data(self):
        self._run("2026-03-09")
        env = self.env(user=self.plain_user)
        for model in (
            "debt.collection.event",
            "debt.collection.notice",
            "debt.collection.run",
            "debt.collection.policy",
            "debt.collection.step",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                env[model].search([])
        with self.assertRaises(AccessError):
            self._events().with_user(self.plain_user).read(["note"])


@tagged("post_install", "-at_install")
class TestMultiCompany(DebtCollectionCase):
    """A second company with its own policy, customers and invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.setup_other_company(
            name="Firma Beta S.A.",
            currency_id=cls.pln.id,
            email="beta@example.com",
        )["company"]
        B = cls.env["debt.collection.policy"].with_company(cls.company_b)
        cls.policy_b = B.create(
            {"name": "Beta standard", "company_id": cls.company_b.id}
        )
        template = cls.env["debt.collection.step"]._default_template
        cls.step_b_reminder = cls.env["debt.collection.step"].create(
            {
                "policy_id": cls.policy_b.id,
                "name": "Beta reminder",
                "days": 5,
                "action": "reminder",
                "mail_template_id": template("reminder", 5).id,
            }
        )
        cls.step_b_second = cls.env["debt.collection.step"].create(
            {
                "policy_id": cls.policy_b.id,
                "name": "Beta second reminder",
                "days": 20,
                "action": "reminder",
                "mail_template_id": template("reminder", 20).id,
            }
        )
        cls.holiday_b = cls.env["debt.collection.holiday"].create(
            {
                "name": "Beta day off",
                "date": "2026-05-04",
                "company_id": cls.company_b.id,
            }
        )
        cls.company_b.write(
            {
                "debt_collection_policy_id": cls.policy_b.id,
                "debt_collection_tz": "Europe/Warsaw",
                "debt_collection_send_hour": 8,
                "debt_collection_existing": "all",
            }
        )
        cls.company_b._debt_collection_switch_on()
        cls.customer_b = cls.env["res.partner"].create(
            {
                "name": "Beta Klient Sp. j.",
                "is_company": True,
                "email": "klient@beta.example.com",
                "company_id": cls.company_b.id,
            }
        )
        cls.collector_b = new_test_user(
            cls.env,
            login="collector_b",
            name="Collector Bogdan",
            groups="base.group_user,debt_collection.group_debt_collection_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        # Shared customer (no company) bought from both companies.
        cls.shared = cls.env["res.partner"].create(
            {
                "name": "Wspólny Klient S.A.",
                "is_company": True,
                "email": "wspolny@example.com",
                "company_id": False,
            }
        )

    @classmethod
    def _invoice_in(cls, company, partner, due, amount):
        return cls._invoice(partner, due, amount, company=company)

    def _run_companies(self, day, companies):
        day = date.fromisoformat(day)
        with freeze_time(warsaw_winter(day, 10)):
            result = self.env["debt.collection.engine"]._run_collection_pass(
                companies=companies
            )
            self._send_queued_mails()
            return result

    def _all_events(self, company):
        return self.env["debt.collection.event"].search(
            [("company_id", "=", company.id), ("event_type", "=", "action")], order="id"
        )

    def test_each_company_uses_its_own_policy(self):
        """Both due 2 March 2026; on Monday 9 March A's customer gets A's
        overdue reminder (day 7) and B's customer B's reminder (day 5)."""
        invoice_a = self._invoice_in(
            self.company_a, self.customer, "2026-03-02", 1000.00
        )
        invoice_b = self._invoice_in(
            self.company_b, self.customer_b, "2026-03-02", 2500.50
        )
        self.assertEqual(invoice_b.company_id, self.company_b)
        self._run_companies("2026-03-09", self.company_a | self.company_b)
        events_a = self._all_events(self.company_a)
        events_b = self._all_events(self.company_b)
        self.assertEqual(
            [
                (e.move_id, e.step_id, e.policy_id, e.state, e.amount_residual)
                for e in events_a
            ],
            [(invoice_a, self.step_reminder, self.policy, "done", 1000.00)],
        )
        self.assertEqual(
            [
                (e.move_id, e.step_id, e.policy_id, e.state, e.amount_residual)
                for e in events_b
            ],
            [(invoice_b, self.step_b_reminder, self.policy_b, "done", 2500.50)],
        )
        self.assertEqual(events_a.notice_id.company_id, self.company_a)
        self.assertEqual(events_b.notice_id.company_id, self.company_b)
        self.assertEqual(events_a.run_id.company_id, self.company_a)
        self.assertEqual(events_b.run_id.company_id, self.company_b)
        self.assertEqual(len(self._mails(self.customer)), 1)
        self.assertEqual(len(self._mails(self.customer_b)), 1)

    def test_run_for_company_a_never_touches_company_b(self):
        self._invoice_in(self.company_a, self.customer, "2026-03-02", 1000.00)
        invoice_b = self._invoice_in(
            self.company_b, self.customer_b, "2026-03-02", 2500.50
        )
        shared_b = self._invoice_in(self.company_b, self.shared, "2026-03-02", 700.00)
        self._run_companies("2026-03-09", self.company_a)
        self.assertEqual(len(self._all_events(self.company_a)), 1)
        Event = self.env["debt.collection.event"]
        self.assertFalse(Event.search([("company_id", "=", self.company_b.id)]))
        self.assertFalse(Event.search([("move_id", "in", (invoice_b | shared_b).ids)]))
        self.assertFalse(
            self.env["debt.collection.run"].search(
                [("company_id", "=", self.company_b.id)]
            )
        )
        self.assertFalse(
            self.env["debt.collection.notice"].search(
                [("company_id", "=", self.company_b.id)]
            )
        )
        self.assertFalse(self._mails(self.customer_b))
        self.assertFalse(self._mails(self.shared))
        self.assertFalse(invoice_b.debt_collection_stage_id)
        # B's own run then does B's work.
        self._run_companies("2026-03-09", self.company_b)
        self.assertEqual(self._all_events(self.company_b).move_id, invoice_b | shared_b)

    def test_user_of_company_a_sees_nothing_of_company_b(self):
        invoice_a = self._invoice_in(self.company_a, self.shared, "2026-03-02", 1000.00)
        invoice_b = self._invoice_in(self.company_b, self.shared, "2026-03-02", 2500.50)
        self._run_companies("2026-03-09", self.company_a | self.company_b)
        note_b = self.env["debt.collection.event"].create(
            {
                "company_id": self.company_b.id,
                "partner_id": self.shared.id,
                "move_id": invoice_b.id,
                "event_type": "note",
                "channel": "phone",
                "note": "<p>Beta phoned</p>",
            }
        )
        b_records = {
            "debt.collection.event": self._all_events(self.company_b) | note_b,
            "debt.collection.notice": self.env["debt.collection.notice"].search(
                [("company_id", "=", self.company_b.id)]
            ),
            "debt.collection.run": self.env["debt.collection.run"].search(
                [("company_id", "=", self.company_b.id)]
            ),
            "debt.collection.policy": self.policy_b,
            "debt.collection.step": self.policy_b.step_ids,
            "debt.collection.holiday": self.holiday_b,
        }
        for model, records in b_records.items():
            self.assertTrue(records, model)
        for user in (self.collector, self.manager):
            env = self.env(user=user)
            for model, records in b_records.items():
                with self.subTest(user=user.login, model=model):
                    found = env[model].search([])
                    self.assertFalse(found & records.with_env(env))
                    self.assertEqual(
                        set(found.mapped("company_id").ids) - {self.company_a.id}, set()
                    )
                    with self.assertRaises(AccessError):
                        records.with_env(env).read(["company_id"])
        # A's own records are visible to A's collector.
        env = self.env(user=self.collector)
        self.assertEqual(env["debt.collection.event"].search([]).move_id, invoice_a)
        # On the shared customer's form: only company A's history and amounts.
        shared = self.shared.with_user(self.collector)
        self.assertEqual(shared.debt_collection_event_ids.move_id, invoice_a)
        with freeze_time(warsaw_winter(date(2026, 3, 10), 10)):
            shared.invalidate_recordset()
            self.assertEqual(shared.debt_collection_overdue_amount, 1000.00)
            self.assertEqual(shared.debt_collection_oldest_days, 8)
        # And the collector cannot switch to company B.
        with self.assertRaises(AccessError):
            env["debt.collection.event"].with_context(
                allowed_company_ids=self.company_b.ids
            ).search([])

    def test_batches_of_a_run_stay_in_their_company(self):
        """A run's batches: read by managers of their company only, and a
        worker of company A's run never works company B's."""
        self._invoice_in(self.company_a, self.shared, "2026-03-02", 1000.00)
        self._invoice_in(self.company_b, self.shared, "2026-03-02", 2500.50)
        engine = self.env["debt.collection.engine"]
        Batch = self.env["debt.collection.batch"]
        with freeze_time(warsaw_winter(date(2026, 3, 9), 10)):
            for company in (self.company_a, self.company_b):
                engine.with_company(company)._plan_batches(company)
            batch_a = Batch.search([("company_id", "=", self.company_a.id)])
            batch_b = Batch.search([("company_id", "=", self.company_b.id)])
            self.assertEqual(len(batch_a), 1)
            self.assertEqual(len(batch_b), 1)
            self.assertEqual(batch_b.partner_ids, [self.shared.id])
            self.assertEqual(
                Batch.with_user(self.manager).search([]) & (batch_a | batch_b),
                batch_a,
            )
            with self.assertRaises(AccessError):
                batch_b.with_user(self.manager).read(["partner_ids"])
            with self.assertRaises(AccessError):
                batch_a.with_user(self.collector).read(["partner_ids"])
            # Planning again while a run has batches to work adds none.
            engine.with_company(self.company_a)._plan_batches(self.company_a)
            self.assertEqual(
                Batch.search([("company_id", "=", self.company_a.id)]), batch_a
            )
            self.assertEqual(
                engine.with_company(self.company_a)._work_batches(self.company_a),
                (1, 0),
            )
        self.assertFalse(batch_a.exists(), "deleted with its finished run")
        self.assertEqual(batch_b.state, "pending")
        self.assertTrue(self._all_events(self.company_a))
        self.assertFalse(self._all_events(self.company_b))

    def test_user_of_company_a_cannot_change_company_b(self):
        with self.assertRaises(AccessError):
            self.policy_b.with_user(self.manager).write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            self.step_b_reminder.with_user(self.manager).write({"days": 1})
        with self.assertRaises(AccessError):
            self.holiday_b.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.env["debt.collection.step"].with_user(self.manager).create(
                {
                    "policy_id": self.policy_b.id,
                    "name": "Planted",
                    "days": 90,
                    "action": "activity",
                }
            )
        self.assertEqual(self.policy_b.name, "Beta standard")
        self.assertEqual(self.step_b_reminder.days, 5)
        self.assertEqual(
            self.policy_b.step_ids.mapped("name"),
            ["Beta reminder", "Beta second reminder"],
        )

    def test_collector_of_a_cannot_note_hold_or_plan_company_b_documents(self):
        """The shared customer's invoice in B is out of reach of A's collector:
        no note, no hold, no to-do list for company B."""
        invoice_b = self._invoice_in(self.company_b, self.shared, "2026-03-02", 2500.50)
        collector = self.env(user=self.collector)
        with self.assertRaises(AccessError):
            collector["debt.collection.note.wizard"].create(
                {
                    "partner_id": self.shared.id,
                    "move_ids": [Command.set(invoice_b.ids)],
                    "note": "<p>Phoned about the Beta invoice</p>",
                }
            ).action_add_note()
        with freeze_time(warsaw_winter(date(2026, 3, 5), 10)):
            with self.assertRaises(AccessError):
                collector["debt.collection.hold.wizard"].create(
                    {
                        "partner_id": self.shared.id,
                        "move_ids": [Command.set(invoice_b.ids)],
                        "hold_until": "2026-04-30",
                        "reason": "promise",
                    }
                ).action_hold()
            with self.assertRaises(AccessError):
                collector["debt.collection.worklist"].create(
                    {"company_id": self.company_b.id, "date": "2026-03-09"}
                ).action_show()
        self.assertFalse(invoice_b.debt_collection_hold_until)
        self.assertFalse(
            self.env["debt.collection.event"].search([("move_id", "=", invoice_b.id)])
        )

    def _assert_incompatible(self, record, vals):
        with self.assertRaises(UserError) as caught:
            record.write(vals)
        self.assertIn("Incompatible companies", str(caught.exception))
        self.assertIn("Beta standard", str(caught.exception))

    def test_company_b_policy_cannot_be_used_on_a_company_a_document(self):
        """Even a user with access to both companies cannot put B's policy on
        A's invoice."""
        invoice_a = self._invoice_in(self.company_a, self.shared, "2026-03-02", 1000.00)
        self._assert_incompatible(
            invoice_a, {"debt_collection_policy_id": self.policy_b.id}
        )
        self.assertFalse(invoice_a.debt_collection_policy_id)

    def _assert_policy_of_other_company(self, record, vals):
        with self.assertRaises(ValidationError) as caught:
            record.write(vals)
        self.assertIn(
            "Policy Beta standard belongs to Firma Beta S.A.", str(caught.exception)
        )

    def test_company_b_policy_cannot_be_company_a_default(self):
        self._assert_policy_of_other_company(
            self.company_a, {"debt_collection_policy_id": self.policy_b.id}
        )
        self.assertEqual(self.company_a.debt_collection_policy_id, self.policy)

    def test_company_b_policy_cannot_be_a_customer_policy_in_company_a(self):
        """The customer's policy is company-dependent: in company A only A's
        policies may be chosen."""
        shared_in_a = self.shared.with_company(self.company_a)
        self._assert_policy_of_other_company(
            shared_in_a, {"debt_collection_policy_id": self.policy_b.id}
        )
        self.assertFalse(shared_in_a.debt_collection_policy_id)

    @requires_addon("debt_collection_demand")
    def test_shared_customer_has_a_policy_per_company(self):
        strict_a = self.env["debt.collection.policy"].create(
            {"name": "Strict A", "company_id": self.company_a.id}
        )
        step_strict_a = self.env["debt.collection.step"].create(
            {
                "policy_id": strict_a.id,
                "name": "Call at once",
                "days": 1,
                "action": "activity",
                "activity_summary": "Call the shared customer",
            }
        )
        strict_b = self.env["debt.collection.policy"].create(
            {"name": "Strict B", "company_id": self.company_b.id}
        )
        step_strict_b = self.env["debt.collection.step"].create(
            {
                "policy_id": strict_b.id,
                "name": "Demand at once",
                "days": 2,
                "action": "demand",
                "demand_auto_approve": True,
                "mail_template_id": self.env["debt.collection.step"]
                ._default_template("demand", 2)
                .id,
            }
        )
        self.shared.with_company(self.company_a).debt_collection_policy_id = strict_a
        self.shared.with_company(self.company_b).debt_collection_policy_id = strict_b
        self.assertEqual(
            self.shared.with_company(self.company_a).debt_collection_policy_id, strict_a
        )
        self.assertEqual(
            self.shared.with_company(self.company_b).debt_collection_policy_id, strict_b
        )
        invoice_a = self._invoice_in(self.company_a, self.shared, "2026-03-02", 1000.00)
        invoice_b = self._invoice_in(self.company_b, self.shared, "2026-03-02", 2500.50)
        # Another customer of A keeps A's default policy.
        other_a = self._invoice_in(self.company_a, self.customer, "2026-03-02", 300.00)
        # Wednesday 4 March: day 2 after the due date.
        self._run_companies("2026-03-04", self.company_a | self.company_b)
        self.assertEqual(
            [
                (e.move_id, e.policy_id, e.step_id, e.state)
                for e in self._all_events(self.company_a)
            ],
            [(invoice_a, strict_a, step_strict_a, "done")],
        )
        self.assertEqual(
            [
                (e.move_id, e.policy_id, e.step_id, e.state)
                for e in self._all_events(self.company_b)
            ],
            [(invoice_b, strict_b, step_strict_b, "done")],
        )
        activity = self._all_events(self.company_a).activity_id
        self.assertEqual(activity.summary, "Call the shared customer")
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(len(self._mails(self.shared)), 1)
        # A's other customer follows A's default policy: reminder on day 7.
        self._run_companies("2026-03-09", self.company_a)
        self.assertEqual(
            self._all_events(self.company_a)
            .filtered(lambda e: e.move_id == other_a)
            .step_id,
            self.step_reminder,
        )

    def test_collector_of_b_works_only_in_b(self):
        """The to-do list of B's collector lists B's work only; A's collector
        cannot open or execute it."""
        self._invoice_in(self.company_a, self.shared, "2026-03-02", 1000.00)
        invoice_b = self._invoice_in(self.company_b, self.shared, "2026-03-02", 2500.50)
        with freeze_time(warsaw_winter(date(2026, 3, 9), 10)):
            action = (
                self.env["debt.collection.worklist"]
                .with_user(self.collector_b)
                .action_open_today()
            )
            lines = (
                self.env["debt.collection.worklist.line"]
                .with_user(self.collector_b)
                .search(action["domain"])
            )
            self.assertEqual(lines.move_ids, invoice_b)
            self.assertEqual(lines.step_id, self.step_b_reminder)
            with self.assertRaises(AccessError):
                lines.with_user(self.collector).action_execute()
            lines.action_execute()
        self.assertEqual(self._all_events(self.company_b).user_id, self.collector_b)
        self.assertFalse(self._all_events(self.company_a))
