"""Settling interest notes from their forms: Odoo's payment
wizard (bank or cash journal) on what they charge, or the customer's open
credits; the paid state follows.

A note of 408.73 PLN (10,000.00 due 2 March 2026, charged on 31 March) is
posted on 1 April; an accountant (Billing) settles it.
"""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .test_interest_notes import InterestNoteCase


class SettlementCase(InterestNoteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="accountant_ewa",
            name="Accountant Ewa",
            email="ewa@example.com",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.cash = cls.company_data["default_journal_cash"]
        cls.bank = cls.company_data["default_journal_bank"]

    def setUp(self):
        super().setUp()
        self.invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        self.note = self._propose("2026-03-31", move_ids=self.invoice)
        self._approve(self.note, "2026-04-01")
        self.assertEqual((self.note.state, self.note.amount_total), ("posted", 408.73))

    def _pay(self, record, journal, amount=None, day="2026-04-10"):
        """Register Payment on ``record``'s form, as the accountant."""
        action = record.with_user(self.accountant).action_register_payment()
        self.assertEqual(action["res_model"], "account.payment.register")
        values = {"journal_id": journal.id, "payment_date": day}
        if amount is not None:
            values["amount"] = amount
        with freeze_time(f"{day} 12:00:00"):
            wizard = (
                self.env["account.payment.register"]
                .with_user(self.accountant)
                .with_context(**action["context"])
                .create(values)
            )
            return wizard._create_payments()

    def _credit_note(self, amount, day="2026-04-05"):
        return self._invoice(
            self.customer, day, amount, invoice_date=day, move_type="out_refund"
        )

    def _note_events(self):
        return self.env["debt.collection.event"].search(
            [("interest_note_id", "=", self.note.id)], order="id"
        )


@tagged("post_install", "-at_install")
class TestSettlement(SettlementCase):
    def test_note_paid_in_cash(self):
        payment = self._pay(self.note, self.cash)
        self.assertEqual(payment.journal_id, self.cash)
        self.assertEqual(payment.amount, 408.73)
        self.assertEqual(payment.partner_id, self.customer)
        self.assertEqual(self.note.state, "paid")
        self.assertIn("Interest note paid.", self._note_events()[-1].note)
        # The invoice itself is not touched.
        self.assertEqual(self.invoice.amount_residual, 10000.00)

    def test_note_paid_in_two_bank_transfers(self):
        self._pay(self.note, self.bank, amount=200.00)
        self.assertEqual(self.note.state, "posted")
        self.assertEqual(self.note.move_id.amount_residual, 208.73)
        self._pay(self.note, self.bank, day="2026-04-20")
        self.assertEqual(self.note.state, "paid")

    def test_note_settled_with_a_credit_note(self):
        credit = self._credit_note(500.00)
        self.assertTrue(self.note.has_open_credits)
        self.note.with_user(self.accountant).action_apply_credits()
        self.assertEqual(self.note.state, "paid")
        self.assertEqual(credit.amount_residual, 91.27)
        self.note.invalidate_recordset(["has_open_credits"])
        self.assertTrue(self.note.has_open_credits)

    def test_note_partly_settled_with_a_smaller_credit(self):
        credit = self._credit_note(100.00)
        self.note.with_user(self.accountant).action_apply_credits()
        self.assertEqual(self.note.state, "posted")
        self.assertEqual(self.note.move_id.amount_residual, 308.73)
        self.assertEqual(credit.amount_residual, 0.0)
        self.note.invalidate_recordset(["has_open_credits"])
        self.assertFalse(self.note.has_open_credits)

    def test_note_refusals(self):
        with self.assertRaisesRegex(UserError, "has no open credit"):
            self.note.with_user(self.accountant).action_apply_credits()
        draft = self._propose(
            "2026-03-31", move_ids=self._invoice(self.person, "2026-03-02", 900.00)
        )
        with self.assertRaisesRegex(UserError, "cannot be paid: it is Draft"):
            draft.with_user(self.accountant).action_register_payment()
        self._pay(self.note, self.cash)
        with self.assertRaisesRegex(UserError, "cannot be paid: it is Paid"):
            self.note.with_user(self.accountant).action_register_payment()
