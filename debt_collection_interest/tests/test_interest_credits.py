"""Interest on documents with open credits, and on journal entries of
several customers."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .test_interest_notes import InterestNoteCase


@tagged("post_install", "-at_install")
class TestInterestOnCreditsAndEntries(InterestNoteCase):
    def _propose_wizard(self, day, **values):
        with freeze_time(f"{day} 12:00:00"):
            wizard = self.env["debt.collection.interest.wizard"].create(
                {"date": day, **values}
            )
            wizard.action_propose()
        return wizard

    def test_open_credit_lowers_the_balance_from_its_date(self):
        """10,000.00 due 2 March, a credit note of 4,000.00 of 16 March not
        reconciled: 14 days on 10,000.00 and 15 days on 6,000.00 at 14 %
        = 53.69863 + 34.52055 = 88.22; compensation 70 EUR = 297.50."""
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        refund = self._invoice(
            self.customer,
            "2026-03-16",
            4000.00,
            invoice_date="2026-03-16",
            move_type="out_refund",
        )
        note = self._propose("2026-03-31", move_ids=invoice)
        interest = self._line(note, "interest")
        self.assertEqual(interest.amount, 88.22)
        self.assertEqual(
            [(s.date_from, s.balance) for s in interest.segment_ids],
            [(date(2026, 3, 3), 10000.00), (date(2026, 3, 17), 6000.00)],
        )
        self.assertIn(refund.name, interest.payment_dates)
        self.assertEqual(self._line(note, "compensation").amount, 297.50)

    def test_entry_lines_are_charged_to_their_own_customers(self):
        """Opening balances of 3,000.00 and 6,000.00 due 2 March in one entry:
        29 days at 14 % = 33.37 and 66.74; compensation per line, 40 EUR
        (below 5,000 PLN) = 170.00 and 70 EUR = 297.50."""
        other = self.env["res.partner"].create(
            {"name": "Epsilon S.A.", "is_company": True, "lang": "en_US"}
        )
        receivable = self.company_data["default_account_receivable"]
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-01-01",
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": partner.id,
                            "debit": amount,
                            "date_maturity": "2026-03-02",
                        }
                    )
                    for partner, amount in ((self.customer, 3000.00), (other, 6000.00))
                ]
                + [
                    Command.create(
                        {
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": 9000.00,
                        }
                    )
                ],
            }
        )
        entry.action_post()
        wizard = self._propose_wizard("2026-03-31", move_ids=[Command.set(entry.ids)])
        notes = self._notes()
        self.assertEqual(notes.partner_id, self.customer | other)
        by_partner = {note.partner_id: note for note in notes}
        for partner, interest, compensation in (
            (self.customer, 33.37, 170.00),
            (other, 66.74, 297.50),
        ):
            note = by_partner[partner]
            line = entry.line_ids.filtered(lambda x, p=partner: x.partner_id == p)
            self.assertEqual(self._line(note, "interest").amount, interest)
            self.assertEqual(self._line(note, "interest").move_line_id, line)
            self.assertEqual(self._line(note, "compensation").amount, compensation)
            self.assertEqual(self._line(note, "compensation").move_line_id, line)
        self.assertEqual(wizard.state, "choose")  # nobody left out
        # Charged once: a second proposal finds nothing more for March.
        with self._refused(Exception, "No interest to charge"):
            self._propose("2026-03-31", move_ids=entry)

    def test_a_customer_without_its_eur_rate_is_left_out_the_others_charged(self):
        """Due 1 April: the EUR rate of 31 March is missing. That customer is
        left out with the reason; the other customer's note is made."""
        late = self._invoice(self.customer, "2026-04-01", 10000.00)
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        wizard = self._propose_wizard(
            "2026-04-20", move_ids=[Command.set((late | invoice).ids)]
        )
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.note_ids.partner_id, self.person)
        self.assertIn(self.customer.name, wizard.skipped)
        self.assertIn("The EUR rate of 2026-03-31", wizard.skipped)
        self.assertEqual(self._notes(), wizard.note_ids)
