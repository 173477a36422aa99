"""The customer's interest terms are collection settings: only collection
users change them, and each change is in the history."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from odoo.addons.debt_collection.tests.common import DebtCollectionCase


@tagged("post_install", "-at_install")
class TestInterestTerms(DebtCollectionCase):
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
        cls.collection_clerk = new_test_user(
            cls.env,
            login="collection_ewa",
            name="Collection Ewa",
            groups="base.group_user,base.group_partner_manager,"
            "debt_collection.group_debt_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _settings_events(self):
        return self.env["debt.collection.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "settings")],
            order="id",
        )

    def test_billing_clerk_may_not_change_interest_terms(self):
        customer = self.customer.with_user(self.billing_clerk)
        refused = {
            "debt_collection_interest_kind": "contractual_fixed",
            "debt_collection_interest_rate": 12.0,
            "debt_collection_interest_margin": 2.0,
        }
        for name, value in refused.items():
            with self.subTest(field=name), self.assertRaises(AccessError):
                customer.write({name: value, "phone": "+48 22 000 00 00"})
        self.assertRecordValues(
            self.customer,
            [
                {
                    "debt_collection_interest_kind": False,
                    "debt_collection_interest_rate": 0.0,
                    "debt_collection_interest_margin": 0.0,
                }
            ],
        )
        self.assertFalse(self._settings_events())

    def test_every_change_is_recorded(self):
        customer = self.customer.with_user(self.collection_clerk)
        with freeze_time("2026-03-10 08:00:00"):
            customer.write(
                {
                    "debt_collection_interest_kind": "contractual_fixed",
                    "debt_collection_interest_rate": 12.5,
                }
            )
            customer.debt_collection_interest_rate = 12.5  # unchanged: no event
        settings = self._settings_events()
        self.assertRecordValues(
            settings,
            [
                {
                    "user_id": self.collection_clerk.id,
                    "date": datetime(2026, 3, 10, 8, 0),
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertEqual(
            html2plaintext(settings.note).splitlines(),
            [
                "Late-Payment Interest: none → Contractual, fixed rate",
                "Contractual Rate (%): 0.00 → 12.50",
            ],
        )

    def test_negative_rate_refused(self):
        with self._refused(ValidationError, "cannot be negative"):
            self.customer.with_user(self.collection_clerk).write(
                {"debt_collection_interest_margin": -1.0}
            )
        self.assertEqual(self.customer.debt_collection_interest_margin, 0.0)
