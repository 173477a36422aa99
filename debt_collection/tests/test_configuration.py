"""Configuration: every field a user can fill, tried with wrong values.

Each wrong value must be refused with a message that says what to fix, and
must leave nothing written. Also the setup wizard, the settings, the note and
hold wizards and the buttons of the partner and invoice forms.
"""

from contextlib import contextmanager
from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import DebtCollectionCase, requires_addon

WEEKDAYS = (
    "debt_collection_send_mon",
    "debt_collection_send_tue",
    "debt_collection_send_wed",
    "debt_collection_send_thu",
    "debt_collection_send_fri",
    "debt_collection_send_sat",
    "debt_collection_send_sun",
)
NO_WEEKDAY = dict.fromkeys(WEEKDAYS, False)


@tagged("post_install", "-at_install")
class TestConfiguration(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Policy = cls.env["debt.collection.policy"]
        cls.Event = cls.env["debt.collection.event"]
        cls.Step = cls.env["debt.collection.step"]
        cls.cron = cls.env.ref("debt_collection.ir_cron_debt_collection")
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Sklep Nowak",
                "is_company": True,
                "email": "nowak@example.com",
            }
        )
        cls.invoice_1 = cls._invoice(cls.customer, "2026-03-02", 500)
        cls.invoice_2 = cls._invoice(cls.customer, "2026-03-09", 700)
        cls.foreign_invoice = cls._invoice(cls.other_customer, "2026-03-02", 900)
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Jan Kowalski",
                "parent_id": cls.customer.id,
                "email": "jan@example.com",
            }
        )
        cls.admin = new_test_user(
            cls.env,
            login="dc_admin",
            name="Admin Adam",
            email="adam.admin@example.com",
            groups="base.group_user,base.group_system,account.group_account_manager,"
            "debt_collection.group_debt_collection_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """The block raises ``exception`` whose message matches ``pattern``;
        everything it wrote is rolled back (as the user's request would be)."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), pattern)

    @contextmanager
    def assertRefusedBeforeWriting(self, exception, pattern):
        """Like assertRefused but without a savepoint: proves the refusal
        comes before anything is written."""
        with self.assertRaisesRegex(exception, pattern):
            yield

    def _step_count(self, policy=None):
        return self.Step.with_context(active_test=False).search_count(
            [("policy_id", "=", (policy or self.policy).id)]
        )

    def _step_vals(self, **values):
        return {
            "policy_id": self.policy.id,
            "name": "Extra step",
            "sequence": 60,
            "days": 90,
            "action": "activity",
            **values,
        }

    def _assert_step_refused(self, values, pattern):
        """Creating a step with ``values`` is refused and creates nothing."""
        before = self._step_count()
        with self.assertRefused(ValidationError, pattern):
            self.Step.create(self._step_vals(**values))
        self.assertEqual(self._step_count(), before)

    def _assert_write_refused(self, step, values, pattern):
        """Writing ``values`` on ``step`` is refused and changes nothing."""
        old = {name: step[name] for name in values}
        with self.assertRefused(ValidationError, pattern):
            step.write(values)
        self.assertEqual({name: step[name] for name in values}, old)

    def test_repeat_interval_and_count(self):
        self._assert_step_refused(
            {"repeat_interval": -7, "repeat_max": 2}, "cannot be negative"
        )
        self._assert_step_refused(
            {"repeat_interval": 7, "repeat_max": -1}, "cannot be negative"
        )
        # Repeating needs a count of at least one ...
        self._assert_step_refused(
            {"repeat_interval": 7, "repeat_max": 0}, "must repeat at least once"
        )
        # ... and a count needs an interval.
        self._assert_step_refused(
            {"repeat_interval": 0, "repeat_max": 3},
            "give the number of days between repeats",
        )
        self._assert_write_refused(
            self.step_reminder,
            {"repeat_max": 0},
            "Overdue reminder repeats every 7 days",
        )
        self._assert_write_refused(
            self.step_reminder, {"repeat_interval": 0}, "days between repeats"
        )
        self._assert_write_refused(
            self.step_reminder, {"repeat_interval": -1}, "cannot be negative"
        )
        # A valid repeat is accepted.
        step = self.Step.create(self._step_vals(repeat_interval=10, repeat_max=3))
        self.assertEqual((step.repeat_interval, step.repeat_max), (10, 3))

    @requires_addon("debt_collection_demand")
    def test_minimums_not_negative(self):
        self._assert_step_refused(
            {"min_item_amount": -0.01}, "minimum amounts cannot be negative"
        )
        self._assert_step_refused(
            {"min_partner_amount": -100}, "minimum amounts cannot be negative"
        )
        self._assert_write_refused(
            self.step_demand,
            {"min_partner_amount": -1},
            "Payment demand: minimum amounts",
        )
        self.assertEqual(self.step_demand.min_partner_amount, 100)

    def test_deadlines_not_negative(self):
        self._assert_step_refused(
            {"pay_by_days": -1}, "payment and activity deadlines cannot be negative"
        )
        self._assert_step_refused(
            {"activity_deadline_days": -2},
            "payment and activity deadlines cannot be negative",
        )
        self._assert_write_refused(
            self.step_call, {"activity_deadline_days": -1}, "Phone the customer"
        )
        self.assertEqual(self.step_call.activity_deadline_days, 2)

    @requires_addon("debt_collection_demand")
    def test_email_action_needs_a_notice_template(self):
        self._assert_step_refused(
            {"action": "reminder", "mail_template_id": False},
            "sends an e-mail: choose its template",
        )
        invoice_template = self.env.ref("account.email_template_edi_invoice")
        self._assert_step_refused(
            {"action": "reminder", "mail_template_id": invoice_template.id},
            "is made for .*, not for Debt Collection Message",
        )
        # Demands are documents: their e-mail template, optional, renders on
        # the demand, never on a reminder message.
        self._assert_write_refused(
            self.step_demand,
            {"mail_template_id": invoice_template.id},
            "Payment demand: template .* not for Payment Demand",
        )
        notice_template = self.env.ref("debt_collection.mail_template_overdue_reminder")
        self._assert_write_refused(
            self.step_demand,
            {"mail_template_id": notice_template.id},
            "Payment demand: template .* not for Payment Demand",
        )
        self.step_demand.mail_template_id = False
        self.assertFalse(self.step_demand.mail_template_id)
        # An activity becoming an e-mail reminder needs a template too.
        self._assert_write_refused(
            self.step_call, {"action": "reminder"}, "choose its template"
        )
        self.assertEqual(self.step_call.action, "activity")
        # An activity needs no template.
        step = self.Step.create(
            self._step_vals(action="activity", mail_template_id=False)
        )
        self.assertFalse(step.mail_template_id)

    def test_activity_for_a_fixed_user_needs_the_user(self):
        self._assert_step_refused(
            {
                "action": "activity",
                "activity_user_rule": "fixed",
                "activity_user_id": False,
            },
            "choose the user who gets the activity",
        )
        self._assert_write_refused(
            self.step_call, {"activity_user_rule": "fixed"}, "choose the user"
        )
        self.assertEqual(self.step_call.activity_user_rule, "responsible")
        step = self.Step.create(
            self._step_vals(
                activity_user_rule="fixed", activity_user_id=self.collector.id
            )
        )
        self.assertEqual(step.activity_user_id, self.collector)

    @requires_addon("debt_collection_demand")
    def test_step_names_unique_in_policy(self):
        self._assert_step_refused(
            {"name": "Payment demand"},
            "Policy Standard has several steps named Payment demand",
        )
        self._assert_write_refused(
            self.step_final,
            {"name": "Overdue reminder"},
            "several steps named Overdue reminder",
        )
        # Another policy may use the same names.
        other = self.env["debt.collection.policy"].create(
            {"name": "Strict", "company_id": self.company.id}
        )
        copy = self.Step.create(
            self._step_vals(policy_id=other.id, name="Payment demand")
        )
        self.assertEqual(copy.policy_id, other)
        # An archived step does not count: its name may be reused ...
        self.step_final.active = False
        self.Step.create(self._step_vals(name="Final demand"))
        # ... but not when it comes back.
        with self.assertRefused(ValidationError, "several steps named Final demand"):
            self.step_final.active = True
        self.assertFalse(self.step_final.active)

    @requires_addon("debt_collection_demand")
    def test_steps_in_increasing_days(self):
        # Reordering the demand (day 40) before the reminder (day 7).
        self._assert_write_refused(
            self.step_demand,
            {"sequence": 15},
            r"step Overdue reminder \(day 7\) must come after step Payment demand "
            r"\(day 40\)",
        )
        self._assert_write_refused(
            self.step_reminder,
            {"days": 45},
            r"step Payment demand \(day 40\) must come after step Overdue reminder "
            r"\(day 45\)",
        )
        # Two steps on the same day.
        self._assert_step_refused(
            {"name": "Second demand", "sequence": 35, "days": 40},
            r"step Second demand \(day 40\) must come after step Payment demand",
        )
        self._assert_step_refused(
            {"name": "Late call", "sequence": 60, "days": 70},
            r"step Late call \(day 70\) must come after step Final demand \(day 70\)",
        )
        # An archived step does not count ...
        self.step_call.active = False
        second_call = self.Step.create(
            self._step_vals(name="Second call", sequence=45, days=50)
        )
        self.assertEqual(second_call.days, 50)
        # ... until it is active again on the same day.
        with self.assertRefused(ValidationError, "must come after step"):
            self.step_call.active = True
        self.assertFalse(self.step_call.active)
        # Increasing days in sequence order are fine.
        self.step_reminder.days = 10
        self.assertEqual(self.step_reminder.days, 10)

    def _settings(self, **values):
        return self.env(user=self.admin)["res.config.settings"].create(values)

    def _company_calendar(self):
        self.company.invalidate_recordset()
        return {
            name: self.company[name]
            for name in (*WEEKDAYS, "debt_collection_send_hour")
        }

    def test_company_calendar_in_settings(self):
        before = self._company_calendar()
        self.assertEqual(before["debt_collection_send_hour"], 8)
        with self.assertRefused(ValidationError, "at least one weekday"):
            self._settings(**NO_WEEKDAY).execute()
        self.assertEqual(self._company_calendar(), before)
        for hour in (-1, 24):
            with self.assertRefused(ValidationError, f"between 0 and 23, not {hour}"):
                self._settings(debt_collection_send_hour=hour).execute()
            self.assertEqual(self._company_calendar(), before)
        # Good values are saved.
        self._settings(
            debt_collection_send_mon=False,
            debt_collection_send_sat=True,
            debt_collection_send_hour=23,
        ).execute()
        after = self._company_calendar()
        self.assertFalse(after["debt_collection_send_mon"])
        self.assertTrue(after["debt_collection_send_sat"])
        self.assertEqual(after["debt_collection_send_hour"], 23)
        self.assertEqual(self.company._debt_collection_weekdays(), {2, 3, 4, 5, 6})

    def test_policy_own_calendar(self):
        Policy = self.env["debt.collection.policy"]
        # Without its own calendar, a policy uses the company's: no weekday is fine.
        policy = Policy.create({"name": "Company calendar", **NO_WEEKDAY})
        self.assertEqual(policy._calendar_source(), self.company)
        with self.assertRefused(ValidationError, "at least one weekday"):
            policy.use_own_calendar = True
        self.assertFalse(policy.use_own_calendar)
        with self.assertRefused(ValidationError, "at least one weekday"):
            Policy.create(
                {"name": "Own calendar", "use_own_calendar": True, **NO_WEEKDAY}
            )
        self.assertFalse(Policy.search([("name", "=", "Own calendar")]))
        for hour in (-1, 24):
            with self.assertRefused(ValidationError, "between 0 and 23"):
                Policy.create(
                    {
                        "name": "Own hour",
                        "use_own_calendar": True,
                        "debt_collection_send_hour": hour,
                    }
                )
            self.assertFalse(Policy.search([("name", "=", "Own hour")]))
        own = Policy.create(
            {
                "name": "Weekends",
                "use_own_calendar": True,
                **NO_WEEKDAY,
                "debt_collection_send_sat": True,
                "debt_collection_send_hour": 0,
            }
        )
        self.assertEqual(own._calendar_source(), own)
        self.assertEqual(own._debt_collection_weekdays(), {6})
        with self.assertRefused(ValidationError, "at least one weekday"):
            own.debt_collection_send_sat = False
        self.assertTrue(own.debt_collection_send_sat)

    def test_company_retry_period_and_existing_documents(self):
        for days in (0, -1, 31):
            with self.assertRefused(ValidationError, "between 1 and 30 days"):
                self._settings(debt_collection_retry_days=days).execute()
            self.company.invalidate_recordset()
            self.assertEqual(self.company.debt_collection_retry_days, 3)
        with self.assertRefused(ValidationError, "Give the due date from which"):
            self._settings(
                debt_collection_existing="from_due_date",
                debt_collection_existing_due_from=False,
            ).execute()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.debt_collection_existing, "all")
        with self.assertRefused(ValidationError, "Give the due date from which"):
            self.company.debt_collection_existing = "from_due_date"
        self.assertEqual(self.company.debt_collection_existing, "all")
        self._settings(
            debt_collection_existing="from_due_date",
            debt_collection_existing_due_from="2026-01-01",
            debt_collection_retry_days=7,
        ).execute()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.debt_collection_existing, "from_due_date")
        self.assertEqual(
            self.company.debt_collection_existing_due_from, date(2026, 1, 1)
        )
        self.assertEqual(self.company.debt_collection_retry_days, 7)

    def test_holiday_date_unique_per_company(self):
        Holiday = self.env["debt.collection.holiday"]
        Holiday.create({"name": "Boże Narodzenie", "date": "2026-12-25"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            Holiday.create({"name": "Christmas", "date": "2026-12-25"})
        self.assertEqual(
            Holiday.search([("company_id", "=", self.company.id)]).mapped("name"),
            ["Boże Narodzenie"],
        )
        Holiday.create({"name": "Drugi dzień świąt", "date": "2026-12-26"})
        self.assertEqual(
            self.company._debt_collection_holidays().dates,
            {date(2026, 12, 25), date(2026, 12, 26)},
        )

    def test_settings_switch_collection_on_once(self):
        self.company.write(
            {"debt_collection_enabled": False, "debt_collection_enabled_date": False}
        )
        self.cron.sudo().active = False
        with freeze_time("2026-03-02 09:30:00"):
            self._settings(debt_collection_enabled=True).execute()
        self.company.invalidate_recordset()
        self.assertTrue(self.company.debt_collection_enabled)
        self.assertEqual(
            self.company.debt_collection_enabled_date, datetime(2026, 3, 2, 9, 30)
        )
        self.assertTrue(self.cron.active)
        # Off and on again: the moment collection started does not move.
        with freeze_time("2026-04-01 10:00:00"):
            self._settings(debt_collection_enabled=False).execute()
            self.company.invalidate_recordset()
            self.assertFalse(self.company.debt_collection_enabled)
            self._settings(debt_collection_enabled=True).execute()
        self.company.invalidate_recordset()
        self.assertTrue(self.company.debt_collection_enabled)
        self.assertEqual(
            self.company.debt_collection_enabled_date, datetime(2026, 3, 2, 9, 30)
        )

    @requires_addon("debt_collection_demand")
    def test_applied_policy_and_step_cannot_be_deleted(self):
        self._run("2026-02-27")  # the pre-due reminder
        self.assertEqual(
            self._events(move_id=self.invoice_1.id).step_id, self.step_predue
        )
        with self.assertRefused(UserError, "already been applied.*archive it instead"):
            self.policy.unlink()
        self.assertTrue(self.policy.exists())
        self.assertEqual(self._step_count(), 5)
        with self.assertRefused(UserError, "already been applied.*archive it instead"):
            self.step_predue.unlink()
        self.assertTrue(self.step_predue.exists())
        # Archiving is the way out.
        self.step_predue.active = False
        self.policy.active = False
        self.assertTrue(self.step_predue.exists())
        # A step never applied can be deleted.
        self.step_final.unlink()
        self.assertFalse(self.step_final.exists())
        self.assertEqual(self._step_count(), 4)

    def test_unused_policy_can_be_deleted(self):
        policy = self.env["debt.collection.policy"].create(
            {"name": "Unused", "company_id": self.company.id}
        )
        step = self.Step.create(self._step_vals(policy_id=policy.id))
        policy.unlink()
        self.assertFalse(policy.exists())
        self.assertFalse(step.exists())

    def test_history_cannot_be_deleted_notes_can(self):
        self._run("2026-02-27")
        action = self._events(move_id=self.invoice_1.id)
        self.assertEqual(len(action), 1)
        self.env["debt.collection.note.wizard"].create(
            {"partner_id": self.customer.id, "note": "<p>Phoned.</p>"}
        ).action_add_note()
        Event = self.env["debt.collection.event"]
        note = Event.search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "note")]
        )
        self.assertEqual(len(note), 1)
        # A hold is history too.
        with freeze_time("2026-03-01"):
            self.invoice_1.debt_collection_hold_until = "2026-03-20"
        hold = Event.search(
            [("move_id", "=", self.invoice_1.id), ("event_type", "=", "hold")]
        )
        self.assertEqual(len(hold), 1)
        for events in (action, hold, action | note):
            with self.assertRefused(
                UserError, "history cannot be deleted; only notes can"
            ):
                events.unlink()
            self.assertEqual(events.exists(), events)
        note.unlink()
        self.assertFalse(note.exists())

    # Setup wizard -----------------------------------------------------------

    def _not_switched_on_yet(self):
        """Make the company one that has not switched collection on yet."""
        self.company.write(
            {
                "debt_collection_enabled": False,
                "debt_collection_enabled_date": False,
                "debt_collection_policy_id": False,
                "debt_collection_existing": "all",
                "debt_collection_report_user_ids": [Command.clear()],
            }
        )
        self.cron.sudo().active = False
        self.policies_before = self.Policy.with_context(active_test=False).search([])

    def _wizard(self, **values):
        return self.env["debt.collection.setup.wizard"].create(values)

    def _assert_nothing_written(self):
        self.company.invalidate_recordset()
        self.assertFalse(self.company.debt_collection_enabled)
        self.assertFalse(self.company.debt_collection_enabled_date)
        self.assertFalse(self.company.debt_collection_policy_id)
        self.assertFalse(self.company.debt_collection_report_user_ids)
        self.assertEqual(self.company.debt_collection_existing, "all")
        self.assertEqual(
            self.Policy.with_context(active_test=False).search([]), self.policies_before
        )
        self.assertFalse(self.cron.active)

    def _steps(self, policy):
        return [
            (
                step.name,
                step.days,
                step.repeat_interval,
                step.repeat_max,
                step.min_item_amount,
                step.min_partner_amount,
                step.action,
                step.mail_template_id.get_external_id()[step.mail_template_id.id],
                step.pay_by_days,
            )
            for step in policy.step_ids.sorted("sequence")
        ]

    def test_next_and_back(self):
        self._not_switched_on_yet()
        wizard = self._wizard()
        self.assertEqual(wizard.state, "predue")
        # It starts from the company's calendar.
        self.assertTrue(wizard.debt_collection_send_fri)
        self.assertFalse(wizard.debt_collection_send_sat)
        self.assertEqual(wizard.debt_collection_send_hour, 8)
        action = wizard.action_next()
        self.assertEqual(wizard.state, "overdue")
        self.assertEqual(
            (action["res_model"], action["res_id"], action["target"]),
            ("debt.collection.setup.wizard", wizard.id, "new"),
        )
        wizard.action_next()
        self.assertEqual(wizard.state, "calendar")
        wizard.action_back()
        self.assertEqual(wizard.state, "overdue")
        wizard.action_back()
        self.assertEqual(wizard.state, "predue")
        self._assert_nothing_written()

    @requires_addon("debt_collection_demand")
    def test_bad_input_at_each_step(self):
        self._not_switched_on_yet()
        predue_cases = [
            ({"predue_days": 0}, "at least 1 day before the due date"),
            ({"predue_days": -3}, "at least 1 day before the due date"),
            ({"predue_min_amount": -1}, "minimum amount cannot be negative"),
        ]
        for values, message in predue_cases:
            wizard = self._wizard(**values)
            with self.assertRefusedBeforeWriting(UserError, message):
                wizard.action_next()
            self.assertEqual(wizard.state, "predue")
            with self.assertRefusedBeforeWriting(UserError, message):
                wizard.action_finish()
            self._assert_nothing_written()
        # Pre-due days do not matter when pre-due reminders are off.
        wizard = self._wizard(predue_enabled=False, predue_days=0)
        wizard.action_next()
        self.assertEqual(wizard.state, "overdue")

        overdue_cases = [
            ({"overdue_min_amount": -50}, "minimum debt cannot be negative"),
            ({"overdue_days": -1}, "cannot come before the due date"),
            ({"overdue_repeat_interval": -7}, "Repeats cannot be negative"),
            ({"overdue_repeat_max": -1}, "Repeats cannot be negative"),
            (
                {"overdue_repeat_interval": 7, "overdue_repeat_max": 0},
                "repeat at least once",
            ),
            ({"demand_days": -30}, "Demand days cannot be negative"),
            ({"final_demand_days": -60}, "Demand days cannot be negative"),
            (
                {"overdue_days": 30, "demand_days": 30},
                "payment demand must come after the first reminder",
            ),
            (
                {"overdue_days": 14, "demand_days": 10},
                "payment demand must come after the first reminder",
            ),
            (
                {"demand_days": 45, "final_demand_days": 45},
                "final demand must come after the reminder and the payment demand",
            ),
            (
                {"demand_days": 0, "overdue_days": 20, "final_demand_days": 20},
                "final demand must come after",
            ),
        ]
        for values, message in overdue_cases:
            wizard = self._wizard(state="overdue", **values)
            with self.assertRefusedBeforeWriting(UserError, message):
                wizard.action_next()
            self.assertEqual(wizard.state, "overdue")
            wizard.state = "calendar"
            with self.assertRefusedBeforeWriting(UserError, message):
                wizard.action_finish()
            self._assert_nothing_written()

        wizard = self._wizard(state="calendar", existing="from_due_date")
        with self.assertRefusedBeforeWriting(UserError, "Give the due date from which"):
            wizard.action_finish()
        self._assert_nothing_written()
        # The calendar fields are checked when the wizard is saved.
        wizard = self._wizard(state="calendar")
        with self.assertRefused(ValidationError, "at least one weekday"):
            wizard.write(NO_WEEKDAY)
        with self.assertRefused(ValidationError, "between 0 and 23, not 25"):
            wizard.debt_collection_send_hour = 25
        with self.assertRefused(ValidationError, "between 0 and 23, not -1"):
            self._wizard(debt_collection_send_hour=-1)
        with self.assertRefused(ValidationError, "at least one weekday"):
            self._wizard(**NO_WEEKDAY)
        self._assert_nothing_written()

    @freeze_time("2026-03-02 08:00:00")
    @requires_addon("debt_collection_demand")
    def test_finish_writes_policy_calendar_and_switches_on(self):
        self._not_switched_on_yet()
        wizard = self._wizard(
            predue_days=5,
            predue_min_amount=50,
            overdue_min_amount=100,
            overdue_days=10,
            overdue_repeat_interval=10,
            overdue_repeat_max=2,
            demand_days=45,
            final_demand_days=75,
            debt_collection_send_fri=False,
            debt_collection_send_hour=9,
            existing="from_due_date",
            existing_due_from="2026-01-01",
            send_report=True,
        )
        wizard.action_next()
        wizard.action_next()
        action = wizard.action_finish()
        company = self.company
        company.invalidate_recordset()
        policy = company.debt_collection_policy_id
        self.assertTrue(policy)
        self.assertNotIn(policy, self.policies_before)
        self.assertTrue(policy.is_default)
        self.assertEqual(policy.company_id, company)
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("debt.collection.policy", policy.id),
        )
        prefix = "debt_collection.mail_template_"
        self.assertEqual(
            self._steps(policy),
            [
                (
                    "Pre-due reminder",
                    -5,
                    0,
                    0,
                    50,
                    0,
                    "reminder",
                    prefix + "predue_reminder",
                    0,
                ),
                (
                    "Overdue reminder",
                    10,
                    10,
                    2,
                    0,
                    100,
                    "reminder",
                    prefix + "overdue_reminder",
                    7,
                ),
                (
                    "Payment demand",
                    45,
                    0,
                    0,
                    0,
                    100,
                    "demand",
                    "debt_collection_demand.mail_template_demand_document",
                    7,
                ),
                (
                    "Final demand",
                    75,
                    0,
                    0,
                    0,
                    100,
                    "final_demand",
                    "debt_collection_demand.mail_template_final_demand_document",
                    7,
                ),
            ],
        )
        self.assertEqual(company._debt_collection_weekdays(), {1, 2, 3, 4})
        self.assertEqual(company.debt_collection_send_hour, 9)
        self.assertEqual(company.debt_collection_existing, "from_due_date")
        self.assertEqual(company.debt_collection_existing_due_from, date(2026, 1, 1))
        self.assertTrue(company.debt_collection_enabled)
        self.assertEqual(
            company.debt_collection_enabled_date, datetime(2026, 3, 2, 8, 0)
        )
        self.assertIn(self.env.user, company.debt_collection_report_user_ids)
        self.assertTrue(self.cron.active)

    def test_no_report_when_not_asked(self):
        self._not_switched_on_yet()
        self._wizard(
            state="calendar", send_report=False, existing="none"
        ).action_finish()
        self.company.invalidate_recordset()
        self.assertFalse(self.company.debt_collection_report_user_ids)
        self.assertEqual(self.company.debt_collection_existing, "none")
        self.assertTrue(self.company.debt_collection_enabled)

    def test_rerun_without_report_stops_the_report(self):
        self._not_switched_on_yet()
        self._wizard(state="calendar", send_report=True).action_finish()
        self.company.debt_collection_report_user_ids = [Command.link(self.manager.id)]
        self.assertEqual(
            self.company.debt_collection_report_user_ids, self.env.user | self.manager
        )
        # The same user runs the wizard again and unticks "E-mail me a report".
        self._wizard(state="calendar", send_report=False).action_finish()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.debt_collection_report_user_ids, self.manager)

    @requires_addon("debt_collection_demand")
    def test_rerun_updates_the_same_steps(self):
        self._not_switched_on_yet()
        with freeze_time("2026-03-02 08:00:00"):
            self._wizard(
                state="calendar",
                overdue_days=7,
                demand_days=30,
                final_demand_days=60,
                existing="all",
            ).action_finish()
        policy = self.company.debt_collection_policy_id
        steps = {step.setup_role: step for step in policy.step_ids}
        self.assertEqual(set(steps), {"predue", "overdue", "demand", "final_demand"})
        # History points at these steps.
        invoice = self._invoice(self.customer, "2026-03-12", 300)
        self._run("2026-03-09")
        self.assertEqual(self._events(move_id=invoice.id).step_id, steps["predue"])

        # Again, without pre-due reminders and with the first reminder after
        # the old demand day (30).
        with freeze_time("2026-04-01 08:00:00"):
            self._wizard(
                state="calendar",
                predue_enabled=False,
                overdue_min_amount=200,
                overdue_days=35,
                overdue_repeat_interval=0,
                overdue_repeat_max=0,
                demand_days=50,
                final_demand_days=80,
                existing="all",
            ).action_finish()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.debt_collection_policy_id, policy)
        self.assertEqual(
            self.company.debt_collection_enabled_date, datetime(2026, 3, 2, 8, 0)
        )
        all_steps = policy.with_context(active_test=False).step_ids
        self.assertEqual(all_steps, policy.step_ids | steps["predue"])
        self.assertFalse(steps["predue"].active)
        self.assertEqual(
            policy.step_ids.sorted("sequence"),
            steps["overdue"] | steps["demand"] | steps["final_demand"],
        )
        self.assertEqual(
            [
                (s.days, s.repeat_interval, s.repeat_max, s.min_partner_amount)
                for s in policy.step_ids.sorted("sequence")
            ],
            [(35, 0, 0, 200), (50, 0, 0, 200), (80, 0, 0, 200)],
        )
        self.assertEqual(self._events(move_id=invoice.id).step_id, steps["predue"])

        # Pre-due reminders back on: the archived step comes back, same id.
        self._wizard(
            state="calendar", predue_days=2, overdue_days=3, existing="all"
        ).action_finish()
        self.assertEqual(policy.with_context(active_test=False).step_ids, all_steps)
        self.assertTrue(steps["predue"].active)
        self.assertEqual(steps["predue"].days, -2)
        self.assertEqual(
            policy.step_ids.sorted("sequence").mapped("days"), [-2, 3, 30, 60]
        )

    def _collector_env(self):
        return self.env(user=self.collector)

    def _event_count(self):
        return self.Event.search_count([])

    def test_note_refused_when_empty_or_foreign(self):
        Wizard = self._collector_env()["debt.collection.note.wizard"]
        before = self._event_count()
        for empty in ("<p><br></p>", "<p></p>", " "):
            wizard = Wizard.create({"partner_id": self.customer.id, "note": empty})
            with self.assertRefused(UserError, "Type the note before saving it"):
                wizard.action_add_note()
        self.assertEqual(self._event_count(), before)
        with self.assertRefused(UserError, "documents must belong to the customer"):
            Wizard.create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [
                        Command.set((self.invoice_1 | self.foreign_invoice).ids)
                    ],
                    "note": "<p>Phoned.</p>",
                }
            ).action_add_note()
        self.assertEqual(self._event_count(), before)

    @freeze_time("2026-03-12 13:45:00")
    def test_note_on_documents_and_on_customer(self):
        Wizard = self._collector_env()["debt.collection.note.wizard"]
        Wizard.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set((self.invoice_1 | self.invoice_2).ids)],
                "channel": "phone",
                "note": "<p>Phoned, promised Friday.</p>",
            }
        ).action_add_note()
        notes = self.Event.search([("event_type", "=", "note")], order="move_id")
        self.assertEqual(notes.move_id, self.invoice_1 | self.invoice_2)
        for note in notes:
            self.assertEqual(note.partner_id, self.customer)
            self.assertEqual(note.company_id, self.company)
            self.assertEqual(note.channel, "phone")
            self.assertEqual(note.user_id, self.collector)
            self.assertEqual(note.date, datetime(2026, 3, 12, 13, 45))
            self.assertIn("Phoned, promised Friday.", note.note)
            self.assertFalse(note.step_id)
        # A note about the customer (typed from a contact's form).
        Wizard.create(
            {
                "partner_id": self.contact.id,
                "channel": "letter",
                "note": "<p>Letter sent.</p>",
            }
        ).action_add_note()
        note = self.Event.search([("event_type", "=", "note")]) - notes
        self.assertEqual(len(note), 1)
        self.assertEqual(note.partner_id, self.customer)
        self.assertFalse(note.move_id)
        self.assertEqual(note.channel, "letter")
        self.assertEqual(note.user_id, self.collector)
        self.assertIn("Letter sent.", note.note)

    @freeze_time("2026-03-12 10:00:00")
    def test_hold_refused(self):
        Wizard = self._collector_env()["debt.collection.hold.wizard"]
        before = self._event_count()
        cases = [
            ({"hold_until": "2026-03-20"}, "Choose the documents"),
            (
                {
                    "move_ids": [Command.set(self.invoice_1.ids)],
                    "hold_until": "2026-03-11",
                },
                "cannot be in the past",
            ),
            (
                {
                    "move_ids": [
                        Command.set((self.invoice_1 | self.foreign_invoice).ids)
                    ],
                    "hold_until": "2026-03-20",
                },
                "documents must belong to the customer",
            ),
        ]
        for values, message in cases:
            wizard = Wizard.create({"partner_id": self.customer.id, **values})
            with self.assertRefused(UserError, message):
                wizard.action_hold()
            for move in self.invoice_1 | self.foreign_invoice:
                self.assertFalse(move.debt_collection_hold_until)
                self.assertFalse(move.debt_collection_hold_reason)
        self.assertEqual(self._event_count(), before)

    @freeze_time("2026-03-12 10:00:00")
    def test_hold_writes_documents_and_event(self):
        Wizard = self._collector_env()["debt.collection.hold.wizard"]
        Wizard.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set((self.invoice_1 | self.invoice_2).ids)],
                "hold_until": "2026-03-12",  # today is allowed
                "reason": "dispute",
                "note": "Customer disputes the quantity.",
            }
        ).action_hold()
        for move in self.invoice_1 | self.invoice_2:
            self.assertEqual(move.debt_collection_hold_until, date(2026, 3, 12))
            self.assertEqual(move.debt_collection_hold_reason, "dispute")
        holds = self.Event.search([("event_type", "=", "hold")])
        self.assertEqual(holds.move_id, self.invoice_1 | self.invoice_2)
        for hold in holds:
            self.assertEqual(hold.partner_id, self.customer)
            self.assertEqual(hold.hold_until, date(2026, 3, 12))
            self.assertEqual(hold.user_id, self.collector)
            self.assertIn("Customer disputes the quantity.", hold.note)
            self.assertIn("Dispute", hold.note)
        self.assertFalse(self.foreign_invoice.debt_collection_hold_until)

    def test_form_buttons(self):
        # Partner form: add a note (from a contact: the note is about its company).
        action = self.contact.action_debt_collection_add_note()
        self.assertEqual(action["res_model"], "debt.collection.note.wizard")
        self.assertEqual(action["target"], "new")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        self.assertEqual(action["context"]["default_move_ids"], [])
        wizard = (
            self._collector_env()[action["res_model"]]
            .with_context(**action["context"])
            .create({"note": "<p>Left a voicemail.</p>"})
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertFalse(wizard.move_ids)
        # Invoice form: add a note on the invoice.
        action = self.invoice_1.action_debt_collection_add_note()
        self.assertEqual(action["res_model"], "debt.collection.note.wizard")
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"note": "<p>Sent a copy.</p>"})
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.move_ids, self.invoice_1)
        # Invoice form: put on hold.
        action = (self.invoice_1 | self.invoice_2).action_debt_collection_hold()
        self.assertEqual(action["res_model"], "debt.collection.hold.wizard")
        self.assertEqual(action["target"], "new")
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"hold_until": "2099-01-01"})
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.move_ids, self.invoice_1 | self.invoice_2)
        self.assertEqual(wizard.reason, "promise")
        # Partner form: the collection history of the customer only.
        self.env["debt.collection.note.wizard"].create(
            {"partner_id": self.customer.id, "note": "<p>Ours.</p>"}
        ).action_add_note()
        self.env["debt.collection.note.wizard"].create(
            {"partner_id": self.other_customer.id, "note": "<p>Theirs.</p>"}
        ).action_add_note()
        action = self.contact.action_debt_collection_events()
        self.assertEqual(action["res_model"], "debt.collection.event")
        events = self.Event.search(action["domain"])
        self.assertEqual(events.partner_id, self.customer)
        self.assertEqual(len(events), 1)
        self.assertIn("Ours.", events.note)
