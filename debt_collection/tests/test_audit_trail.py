"""An audit trail no user can forge: the history, the messages and the
deliveries are written by the engine only; customers' collection settings
change only by collection users and every change is recorded; to-do lists
stay in their company (the analysis addon tests its exports)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from .common import DebtCollectionCase

MON_9 = date(2026, 3, 9)


@tagged("post_install", "-at_install")
class TestHistoryCannotBeForged(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(cls.customer, "2026-03-02", 1234.56)

    def setUp(self):
        super().setUp()
        self._run(MON_9)
        self.event = self._events()
        self.assertEqual(self.event.state, "done")

    def test_collector_adds_notes_but_no_actions(self):
        """Through the note wizard a collector adds a note, by them, now;
        creating an action, or a note that claims a state, an author or a
        key, is refused."""
        Event = self.env["debt.collection.event"].with_user(self.collector)
        wizard = (
            self.env["debt.collection.note.wizard"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                    "channel": "phone",
                    "note": "<p>Promised to pay on Friday.</p>",
                }
            )
        )
        with freeze_time("2026-03-09 12:00:00"):
            wizard.action_add_note()
        note = Event.search([("event_type", "=", "note")])
        self.assertRecordValues(
            note,
            [
                {
                    "user_id": self.collector.id,
                    "date": datetime(2026, 3, 9, 12, 0),
                    "state": "done",
                    "move_id": self.invoice.id,
                }
            ],
        )
        base = {"company_id": self.company.id, "partner_id": self.customer.id}
        forged = [
            {**base, "event_type": "action", "channel": "email"},
            {**base, "event_type": "note", "state": "failed"},
            {**base, "event_type": "note", "user_id": self.manager.id},
            {**base, "event_type": "note", "date": "2026-01-01 10:00:00"},
            {
                **base,
                "event_type": "note",
                "move_line_id": self.event.move_line_id.id,
                "step_id": self.step_reminder.id,
                "occurrence": 1,
            },
        ]
        for vals in forged:
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                Event.create(vals)
        self.assertEqual(len(Event.search([])), 2)

    def test_nobody_edits_the_history(self):
        """Neither a collector nor a manager changes an action's state, key,
        message or delivery; not even a note's text."""
        note = (
            self.env["debt.collection.event"]
            .with_user(self.collector)
            .create(
                {
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                    "event_type": "note",
                    "note": "<p>Called.</p>",
                }
            )
        )
        for user in (self.collector, self.manager):
            for record, vals in (
                (self.event, {"state": "failed"}),
                (self.event, {"occurrence": 5}),
                (self.event, {"move_line_id": False}),
                (self.event, {"delivery_id": False}),
                (note, {"note": "<p>Never called.</p>"}),
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaises(AccessError):
                        record.with_user(user).write(vals)
        self.assertEqual(self.event.state, "done")

    def test_messages_and_deliveries_are_read_only(self):
        """Recipients of a message, and what a delivery says left, when and to
        whom, cannot be changed, created or deleted by users."""
        notice = self.event.notice_id
        delivery = self.event.delivery_id
        self.assertEqual(delivery.state, "sent")
        for user in (self.collector, self.manager):
            with self.subTest(user=user.login):
                self.assertEqual(notice.with_user(user).recipient_ids, self.customer)
                self.assertIn("biuro@kowalski", delivery.with_user(user).email_to)
                with self.assertRaises(AccessError):
                    notice.with_user(user).recipient_ids = self.manager.partner_id
                with self.assertRaises(AccessError):
                    delivery.with_user(user).write({"state": "failed"})
                with self.assertRaises(AccessError):
                    delivery.with_user(user).email_to = "someone@else.example.com"
                with self.assertRaises(AccessError):
                    delivery.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["debt.collection.delivery"].with_user(user).create(
                        {
                            "company_id": self.company.id,
                            "partner_id": self.customer.id,
                            "channel": "letter",
                            "state": "sent",
                        }
                    )
                with self.assertRaises(AccessError):
                    self.env["debt.collection.notice"].with_user(user).create(
                        {
                            "company_id": self.company.id,
                            "partner_id": self.customer.id,
                            "step_id": self.step_reminder.id,
                        }
                    )
        self.assertEqual(notice.recipient_ids, self.customer)


@tagged("post_install", "-at_install")
class TestCustomerSettings(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_clerk = new_test_user(
            cls.env,
            login="billing_ola",
            name="Billing Ola",
            groups="base.group_user,account.group_account_invoice,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        # Both may edit customers; only one is a collection user.
        cls.collection_clerk = new_test_user(
            cls.env,
            login="collection_ewa",
            name="Collection Ewa",
            groups="base.group_user,base.group_partner_manager,"
            "debt_collection.group_debt_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.strict = cls.env["debt.collection.policy"].create(
            {"name": "Strict", "company_id": cls.company.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Jan Kowalski",
                "parent_id": cls.customer.id,
                "email": "jan@kowalski.example.com",
            }
        )

    def _settings_events(self, partner):
        return self.env["debt.collection.event"].search(
            [
                ("partner_id", "=", partner.id),
                ("event_type", "in", ("settings", "flag")),
            ],
            order="id",
        )

    def test_only_collection_users_change_the_settings(self):
        """A billing clerk who may edit customers edits their phone, but not
        a collection setting: each attempt is refused and nothing changes."""
        customer = self.customer.with_user(self.billing_clerk)
        customer.phone = "+48 22 555 55 55"
        self.assertEqual(self.customer.phone, "+48 22 555 55 55")
        refused = {
            "debt_collection_subject": False,
            "debt_collection_policy_id": self.strict.id,
            "debt_collection_contact_ids": [Command.set(self.contact.ids)],
            "debt_collection_b2b": False,
        }
        for name, value in refused.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                customer.write({name: value, "phone": "+48 22 000 00 00"})
        self.assertRecordValues(
            self.customer,
            [
                {
                    "phone": "+48 22 555 55 55",
                    "debt_collection_subject": True,
                    "debt_collection_policy_id": False,
                    "debt_collection_b2b": True,
                }
            ],
        )
        self.assertFalse(self.customer.debt_collection_contact_ids)
        self.assertFalse(self._settings_events(self.customer))
        self.assertFalse(
            self.customer.with_user(
                self.billing_clerk
            ).debt_collection_settings_editable
        )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.billing_clerk).create(
                {"name": "Never Chased", "debt_collection_subject": False}
            )
        # Creating customers and contacts with the defaults is fine.
        new = (
            self.env["res.partner"]
            .with_user(self.billing_clerk)
            .create({"name": "Nowy Klient", "is_company": True})
        )
        self.env["res.partner"].with_user(self.billing_clerk).create(
            {"name": "Anna", "parent_id": new.id}
        )
        self.assertTrue(new.debt_collection_b2b)

    def test_every_change_is_recorded(self):
        """A collection user changes the policy, the contacts and the B2B flag: one history event says who changed what, from
        what to what; switching collection off has its own event."""
        customer = self.customer.with_user(self.collection_clerk)
        self.assertTrue(customer.debt_collection_settings_editable)
        with freeze_time("2026-03-10 08:00:00"):
            customer.write(
                {
                    "debt_collection_policy_id": self.strict.id,
                    "debt_collection_contact_ids": [Command.set(self.contact.ids)],
                    "debt_collection_b2b": False,
                }
            )
            customer.debt_collection_subject = False
            customer.debt_collection_b2b = False  # unchanged: no event
        settings, flag = self._settings_events(self.customer)
        self.assertRecordValues(
            settings | flag,
            [
                {
                    "event_type": "settings",
                    "user_id": self.collection_clerk.id,
                    "date": datetime(2026, 3, 10, 8, 0),
                    "company_id": self.company.id,
                },
                {
                    "event_type": "flag",
                    "user_id": self.collection_clerk.id,
                    "date": datetime(2026, 3, 10, 8, 0),
                    "company_id": self.company.id,
                },
            ],
        )
        self.assertEqual(
            html2plaintext(settings.note).splitlines(),
            [
                "Collection Policy: none → Strict",
                "Collection Contacts: none → Hurtownia Kowalski Sp. z o.o., Jan Kowalski",
                "Business Customer: yes → no",
            ],
        )
        self.assertIn("switched off", flag.note)


class CompanyScopeCase(DebtCollectionCase):
    """A second company with its own collector, and a collector of both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(
            name="Firma Beta S.A.", currency_id=cls.pln.id
        )["company"]
        cls.user_b = new_test_user(
            cls.env,
            login="collector_beta",
            name="Collector Beta",
            groups="base.group_user,debt_collection.group_debt_collection_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.both = new_test_user(
            cls.env,
            login="collector_both",
            name="Collector Both",
            groups="base.group_user,debt_collection.group_debt_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company_b).ids)],
        )


@tagged("post_install", "-at_install")
class TestCompanyScope(CompanyScopeCase):
    def test_to_do_lines_stay_in_their_company(self):
        """A collector of both companies opens company A's to-do list, then
        works in company B only: A's lines are not in B."""
        self._invoice(self.customer, "2026-03-02", 1234.56)
        with freeze_time("2026-03-09 09:00:00"):
            Worklist = self.env["debt.collection.worklist"].with_user(self.both)
            action = Worklist.with_company(self.company).action_open_today()
        Line = self.env["debt.collection.worklist.line"].with_user(self.both)
        in_a = Line.with_company(self.company).search(action["domain"])
        self.assertEqual(in_a.partner_id, self.customer)
        self.assertEqual(in_a.company_id, self.company)
        in_b = Line.with_context(allowed_company_ids=self.company_b.ids).search(
            action["domain"]
        )
        self.assertFalse(in_b)
        with self.assertRaises(AccessError):
            in_a.with_context(allowed_company_ids=self.company_b.ids).read(["amount"])
