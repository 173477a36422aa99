from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_interest_notes import InterestNoteCase


@tagged("post_install", "-at_install")
class TestSettleTour(InterestNoteCase, HttpCase):
    """An accountant settles an interest note paid at the cash desk."""

    def test_accountant_settles_an_interest_note_in_cash(self):
        accountant = new_test_user(
            self.env,
            login="accountant_ewa",
            name="Accountant Ewa",
            email="ewa@example.com",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        self._approve(note, "2026-04-01")
        self.assertEqual((note.state, note.amount_total), ("posted", 408.73))
        self.start_tour("/odoo", "debt_collection_settle_tour", login="accountant_ewa")
        self.assertEqual(note.state, "paid")
        payment = note.move_id.line_ids.matched_credit_ids.credit_move_id.payment_id
        self.assertRecordValues(
            payment,
            [
                {
                    "journal_id": self.company_data["default_journal_cash"].id,
                    "amount": 408.73,
                    "partner_id": self.customer.id,
                    "create_uid": accountant.id,
                }
            ],
        )
