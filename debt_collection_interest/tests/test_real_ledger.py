from odoo import Command
from odoo.tests import tagged

from odoo.addons.debt_collection.tests.test_real_ledger import LedgerCase


@tagged("post_install", "-at_install")
class TestInterestNotePaidByBillingClerk(LedgerCase):
    """A Billing clerk without collection rights pays an interest note."""

    def setUp(self):
        super().setUp()
        self.invoice = self._invoice(self.customer, "2026-01-21", 1000.00)

    def test_posted_interest_note_is_paid_by_a_billing_clerk(self):
        note = self.env["debt.collection.interest.note"].create(
            {
                "partner_id": self.customer.id,
                "date": "2026-03-02",
                "line_ids": [
                    Command.create(
                        {
                            "line_type": "interest",
                            "invoice_id": self.invoice.id,
                            "amount": 12.34,
                        }
                    )
                ],
            }
        )
        Account = self.env["account.account"].with_company(self.company)
        self.company.debt_collection_interest_account_id = Account.create(
            {"code": "751000", "name": "Odsetki", "account_type": "income_other"}
        )
        note.with_user(self.manager).action_confirm()
        note.with_user(self.manager).action_post()
        self._register(note.move_id, 12.34, "2026-03-05", self.billing)
        self.assertEqual(note.state, "paid")
        self.assertTrue(note.paid_logged)
