"""Interest notes (noty odsetkowe): proposal, amounts, compensation, posting,
payment, cancellation, rights, companies, the printed note, e-mail and the
engine step that proposes them.

Rates used below (annual %, commercial transactions): 15.75 from 2024-01-01,
15.25 from 2025-07-01 (shipped), and 14.00 from 2026-01-01, a test fixture
(not shipped: the shipped table ends on 2025-07-01). Civil: 9.75 from
2025-11-06 (shipped), so the legal maximum of a contractual rate is 19.50 %
in 2026. Interest = balance x rate / 100 x days / 365, rounded once per
invoice. 1 EUR = 4.2500 PLN on the days the compensation needs.
"""

import io
from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import OdooPdfFileReader

from odoo.addons.debt_collection.tests.common import DebtCollectionCase

PLN_PER_EUR = 4.25


class InterestNoteCase(DebtCollectionCase):
    """The common fixture plus the interest and compensation accounts, the
    EUR rates of the compensation days and a known table of rates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Payments before this moment would not trigger the engine's
        # "after a late payment" steps: collection was on long before.
        cls.company.debt_collection_enabled_date = datetime(2025, 1, 1)
        Account = cls.env["account.account"].with_company(cls.company)
        cls.interest_account = Account.create(
            {"code": "751000", "name": "Odsetki", "account_type": "income_other"}
        )
        cls.compensation_account = Account.create(
            {
                "code": "760000",
                "name": "Pozostałe przychody operacyjne",
                "account_type": "income_other",
            }
        )
        cls.company.write(
            {
                "debt_collection_interest_account_id": cls.interest_account.id,
                "debt_collection_compensation_account_id": (
                    cls.compensation_account.id
                ),
            }
        )
        # The shipped table only, plus one known commercial rate for 2026
        # (demo databases add rows "demo — verify before use": not here).
        # Nothing is fetched from NBP (see test_nbp_rates.py for that): the
        # civil rate is confirmed by hand to be in force until 5 May 2026.
        cls.company.debt_collection_nbp_online = False
        Rate = cls.env["debt.collection.interest.rate"]
        Rate.search([("date_from", ">", "2025-11-06")]).unlink()
        with freeze_time("2026-05-05"):
            Rate.search(
                [("rate_type", "=", "statutory_civil")], order="date_from desc", limit=1
            ).confirmed_until = "2026-05-05"
        cls.rate_2026 = Rate.create(
            {
                "rate_type": "statutory_commercial",
                "date_from": "2026-01-01",
                "rate": 14.00,
                "note": "test fixture",
            }
        )
        # Last business days of the month before the due dates' months.
        for day in ("2025-05-30", "2026-02-27"):
            cls._eur_rate(cls.company, day)
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Jan Nowak",
                "is_company": False,
                "email": "jan.nowak@example.com",
                "lang": "en_US",
            }
        )

    @classmethod
    def _eur_rate(cls, company, day):
        rate = cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.eur.id,
                "company_id": company.id,
                "name": day,
                "company_rate": 1 / PLN_PER_EUR,
            }
        )
        assert round(rate.inverse_company_rate, 6) == PLN_PER_EUR, rate
        return rate

    # Helpers -------------------------------------------------------------

    def _propose(self, day, user=None, **values):
        """Run the proposal wizard on ``day`` (also today); the notes it made."""
        wizard_values = {"date": day}
        for name in ("move_ids", "partner_ids"):
            if name in values:
                wizard_values[name] = [Command.set(values.pop(name).ids)]
        wizard_values.update(values)
        with freeze_time(f"{day} 12:00:00"):
            Wizard = self.env["debt.collection.interest.wizard"]
            if user:
                Wizard = Wizard.with_user(user)
            action = Wizard.create(wizard_values).action_propose()
        if action.get("res_model") == Wizard._name:  # some customers left out
            return Wizard.browse(action["res_id"]).note_ids
        return self.env["debt.collection.interest.note"].search(action["domain"])

    def _approve(self, note, day):
        """Confirm and post ``note`` as the manager on ``day``."""
        with freeze_time(f"{day} 09:00:00"):
            note.with_user(self.manager).action_confirm()
            note.with_user(self.manager).action_post()
        return note

    def _line(self, note, line_type, invoice=None):
        lines = note.line_ids.filtered(
            lambda line: (
                line.line_type == line_type
                and (not invoice or line.invoice_id == invoice)
            )
        )
        self.assertEqual(len(lines), 1, f"one {line_type} line")
        return lines

    def _notes(self, partner=None):
        domain = [("company_id", "=", self.company.id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["debt.collection.interest.note"].search(domain)


@tagged("post_install", "-at_install")
class TestInterestNotes(InterestNoteCase):
    # 1. The whole life of a note -------------------------------------------

    def test_proposal_confirm_post_pay(self):
        """10,000.00 PLN due Monday 2 March 2026, charged on 31 March:
        interest 3-31 March = 29 days x 14.00 %
        = 10,000 x 0.14 x 29 / 365 = 111.2328... = 111.23; compensation
        70 EUR (5,000 < 10,000 < 50,000) x 4.25 (rate of Friday 27 February)
        = 297.50; total 408.73, payable by 31 March + 7 days = 7 April."""
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        self.assertRecordValues(
            note,
            [
                {
                    "partner_id": self.customer.id,
                    "state": "draft",
                    "name": "Draft",
                    "date": date(2026, 3, 31),
                    "date_due": date(2026, 4, 7),
                    "interest_kind": "statutory_commercial",
                    "currency_id": self.pln.id,
                    "amount_interest": 111.23,
                    "amount_compensation": 297.50,
                    "amount_total": 408.73,
                }
            ],
        )
        self.assertRecordValues(
            self._line(note, "interest"),
            [
                {
                    "invoice_id": invoice.id,
                    "move_line_id": invoice.line_ids.filtered(
                        lambda line: line.account_id.account_type == "asset_receivable"
                    ).id,
                    "date_maturity": date(2026, 3, 2),
                    "amount_base": 10000.00,
                    "payment_dates": "",
                    "date_from": date(2026, 3, 3),
                    "date_to": date(2026, 3, 31),
                    "days": 29,
                    "rates": "14.00",
                    "amount": 111.23,
                }
            ],
        )
        self.assertRecordValues(
            self._line(note, "compensation"),
            [
                {
                    "invoice_id": invoice.id,
                    "eur_amount": 70.0,
                    "eur_rate_date": date(2026, 2, 27),
                    "eur_rate": 4.25,
                    "amount": 297.50,
                }
            ],
        )

        with freeze_time("2026-04-01 09:00:00"):
            note.with_user(self.manager).action_confirm()
        self.assertRecordValues(
            note,
            [
                {
                    "state": "confirmed",
                    "confirmed_by_id": self.manager.id,
                    "confirmed_date": datetime(2026, 4, 1, 9, 0),
                    "move_id": False,
                }
            ],
        )
        with freeze_time("2026-04-01 10:00:00"):
            note.with_user(self.manager).action_post()
        move = note.move_id
        self.assertRecordValues(
            note,
            [
                {
                    "state": "posted",
                    "name": "NO/2026/00001",
                    "posted_by_id": self.manager.id,
                    "posted_date": datetime(2026, 4, 1, 10, 0),
                }
            ],
        )
        self.assertEqual(move.journal_id.code, "NO")
        self.assertEqual(move.journal_id.type, "sale")
        self.assertEqual(
            self.company.debt_collection_interest_journal_id, move.journal_id
        )
        self.assertRecordValues(
            move,
            [
                {
                    "name": "NO/2026/00001",
                    "state": "posted",
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "date": date(2026, 3, 31),
                    "invoice_date": date(2026, 3, 31),
                    "invoice_date_due": date(2026, 4, 7),
                    "amount_untaxed": 408.73,
                    "amount_tax": 0.0,
                    "amount_total": 408.73,
                    "debt_collection_interest_note_id": note.id,
                }
            ],
        )
        self.assertEqual(invoice.name, move.invoice_origin)
        receivable = self.customer.property_account_receivable_id
        self.assertRecordValues(
            move.line_ids.sorted(lambda line: (line.debit, line.credit)),
            [
                {
                    "account_id": self.interest_account.id,
                    "partner_id": self.customer.id,
                    "debit": 0.0,
                    "credit": 111.23,
                    "tax_ids": [],
                    "display_type": "product",
                },
                {
                    "account_id": self.compensation_account.id,
                    "partner_id": self.customer.id,
                    "debit": 0.0,
                    "credit": 297.50,
                    "tax_ids": [],
                    "display_type": "product",
                },
                {
                    "account_id": receivable.id,
                    "partner_id": self.customer.id,
                    "debit": 408.73,
                    "credit": 0.0,
                    "tax_ids": [],
                    "display_type": "payment_term",
                },
            ],
        )
        self.assertEqual(
            move.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            ).date_maturity,
            date(2026, 4, 7),
        )

        # The customer pays the note: it is paid, like an invoice.
        self._pay(move, 408.73, "2026-04-05")
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(note.state, "paid")

        # Every step is in the collection history of the customer and the invoice.
        events = self.env["debt.collection.event"].search(
            [("interest_note_id", "=", note.id)], order="id"
        )
        self.assertEqual(
            [(e.event_type, e.partner_id, e.move_id) for e in events],
            [("interest_note", self.customer, invoice)] * 4,
        )
        for event, text in zip(
            events,
            (
                "Interest note proposed.",
                "Interest note confirmed.",
                "Interest note posted.",
                "Interest note paid.",
            ),
            strict=True,
        ):
            self.assertIn(text, event.note)
        self.assertIn("NO/2026/00001", events[-1].note)
        self.assertEqual(
            invoice.debt_collection_event_ids.filtered("interest_note_id"), events
        )
        self.assertEqual(
            self.customer.debt_collection_event_ids.filtered("interest_note_id"),
            events,
        )
        # Paying again (another reconciliation) records nothing twice.
        note._log_paid()
        self.assertEqual(
            len(
                self.env["debt.collection.event"].search(
                    [("interest_note_id", "=", note.id)]
                )
            ),
            4,
        )

    def test_posted_note_is_chased_like_an_invoice_but_not_charged_interest(self):
        """The posted note is a receivable of the customer; a later proposal
        never charges interest on the note itself."""
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._approve(
            self._propose("2026-03-31", move_ids=invoice), "2026-03-31"
        )
        # 29 days x 14 % on 10,000.00 = 111.23 (no compensation: a person).
        self.assertEqual(note.amount_total, 111.23)
        receivable = note.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.amount_residual, 111.23)
        # On 30 April the note is 23 days overdue; the invoice is charged
        # 1-30 April = 30 days x 14 % = 115.0684... = 115.07, the note nothing.
        second = self._propose("2026-04-30", partner_ids=self.person)
        self.assertEqual(second.line_ids.invoice_id, invoice)
        self.assertEqual(second.amount_total, 115.07)

    # 2. Interest amounts ----------------------------------------------------

    def test_unpaid_invoice_across_a_rate_change(self):
        """10,000.00 due 15 June 2025, unpaid, charged on 20 July 2025:
        16-30 June = 15 days x 15.75 % = 10,000 x 0.1575 x 15 / 365
        = 64.7260...; 1-20 July = 20 days x 15.25 % = 83.5616...;
        total 148.2876... = 148.29 (rounded once, not 64.73 + 83.56)."""
        invoice = self._invoice(self.customer, "2025-06-15", 10000.00)
        note = self._propose("2025-07-20", move_ids=invoice)
        line = self._line(note, "interest")
        self.assertRecordValues(
            line,
            [
                {
                    "date_from": date(2025, 6, 16),
                    "date_to": date(2025, 7, 20),
                    "days": 35,
                    "rates": "15.75 / 15.25",
                    "amount": 148.29,
                }
            ],
        )
        self.assertRecordValues(
            line.segment_ids,
            [
                {
                    "date_from": date(2025, 6, 16),
                    "date_to": date(2025, 6, 30),
                    "days": 15,
                    "balance": 10000.00,
                    "rate": 15.75,
                    "interest": 64.73,
                },
                {
                    "date_from": date(2025, 7, 1),
                    "date_to": date(2025, 7, 20),
                    "days": 20,
                    "balance": 10000.00,
                    "rate": 15.25,
                    "interest": 83.56,
                },
            ],
        )
        # Compensation of the June invoice: the rate of Friday 30 May 2025.
        self.assertRecordValues(
            self._line(note, "compensation"),
            [{"eur_rate_date": date(2025, 5, 30), "amount": 297.50}],
        )
        self.assertEqual(note.amount_total, 445.79)  # 148.29 + 297.50

    def test_late_payment_is_charged_up_to_the_payment_day(self):
        """Paid in full on 10 July 2025 (due 15 June): 16-30 June 15 days x
        15.75 % = 64.7260... + 1-10 July 10 days x 15.25 % = 41.7808...
        = 106.5068... = 106.51; nothing after the payment although the
        calculation date is 20 July."""
        invoice = self._invoice(self.customer, "2025-06-15", 10000.00)
        self._pay(invoice, 10000.00, "2025-07-10")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        note = self._propose("2025-07-20", move_ids=invoice)
        self.assertRecordValues(
            self._line(note, "interest"),
            [
                {
                    "date_from": date(2025, 6, 16),
                    "date_to": date(2025, 7, 10),
                    "days": 25,
                    "payment_dates": "2025-07-10",
                    "amount": 106.51,
                }
            ],
        )

    def test_partial_payment_lowers_the_balance_from_the_next_day(self):
        """4,000.00 of 10,000.00 paid on 5 July 2025 (due 15 June):
        16-30 June 15 d x 10,000 x 15.75 % = 64.7260...;
        1-5 July 5 d x 10,000 x 15.25 % = 20.8904...;
        6-20 July 15 d x 6,000 x 15.25 % = 37.6027...;
        total 123.2191... = 123.22."""
        invoice = self._invoice(self.customer, "2025-06-15", 10000.00)
        self._pay(invoice, 4000.00, "2025-07-05")
        note = self._propose("2025-07-20", move_ids=invoice)
        line = self._line(note, "interest")
        self.assertEqual(line.amount, 123.22)
        self.assertEqual(line.payment_dates, "2025-07-05")
        self.assertRecordValues(
            line.segment_ids,
            [
                {
                    "date_from": date(2025, 6, 16),
                    "date_to": date(2025, 6, 30),
                    "balance": 10000.00,
                    "rate": 15.75,
                    "interest": 64.73,
                },
                {
                    "date_from": date(2025, 7, 1),
                    "date_to": date(2025, 7, 5),
                    "balance": 10000.00,
                    "rate": 15.25,
                    "interest": 20.89,
                },
                {
                    "date_from": date(2025, 7, 6),
                    "date_to": date(2025, 7, 20),
                    "balance": 6000.00,
                    "rate": 15.25,
                    "interest": 37.60,
                },
            ],
        )

    def test_payment_on_the_due_date_gives_nothing(self):
        """Paid on the due date: no interest, no compensation, no note."""
        invoice = self._invoice(self.customer, "2025-06-15", 10000.00)
        self._pay(invoice, 10000.00, "2025-06-15")
        with self._refused(UserError, "No interest to charge on 2025-07-20"):
            self._propose("2025-07-20", move_ids=invoice)
        self.assertFalse(self._notes())
        self.assertFalse(
            self.env["debt.collection.event"].search(
                [("event_type", "=", "interest_note")]
            )
        )

    # 3. Compensation ----------------------------------------------------------

    def test_compensation_bands_at_the_boundaries(self):
        """Due Monday 2 March 2026 (rate of Friday 27 February, 4.25),
        charged on 10 March: 8 days x 14 %. Interest: 5,000.00 and 5,000.01
        -> 5,000 x 0.14 x 8 / 365 = 15.3424... = 15.34; 49,999.99 and
        50,000.00 -> 153.4246... = 153.42. Compensation: <= 5,000 -> 40 EUR
        = 170.00; > 5,000 -> 70 EUR = 297.50; < 50,000 -> 70 EUR = 297.50;
        >= 50,000 -> 100 EUR = 425.00."""
        amounts = (5000.00, 5000.01, 49999.99, 50000.00)
        invoices = [self._invoice(self.customer, "2026-03-02", a) for a in amounts]
        note = self._propose("2026-03-10", partner_ids=self.customer)
        expected = [
            (15.34, 40.0, 170.00),
            (15.34, 70.0, 297.50),
            (153.42, 70.0, 297.50),
            (153.42, 100.0, 425.00),
        ]
        for invoice, (interest, eur, compensation) in zip(
            invoices, expected, strict=True
        ):
            self.assertEqual(self._line(note, "interest", invoice).amount, interest)
            self.assertRecordValues(
                self._line(note, "compensation", invoice),
                [
                    {
                        "eur_amount": eur,
                        "eur_rate_date": date(2026, 2, 27),
                        "eur_rate": 4.25,
                        "amount": compensation,
                    }
                ],
            )
        # 15.34 x 2 + 153.42 x 2 = 337.52; 170 + 297.50 x 2 + 425 = 1,190.00
        self.assertEqual(note.amount_interest, 337.52)
        self.assertEqual(note.amount_compensation, 1190.00)
        self.assertEqual(note.amount_total, 1527.52)

    def test_compensation_once_per_invoice(self):
        """A later note charges the new days but no second compensation."""
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        first = self._approve(
            self._propose("2026-03-10", move_ids=invoice), "2026-03-10"
        )
        # 3-10 March: 8 d x 14 % = 30.6849... = 30.68, + 297.50
        self.assertEqual(first.amount_total, 30.68 + 297.50)
        second = self._propose("2026-03-20", move_ids=invoice)
        # 11-20 March: 10 d x 14 % = 38.3561... = 38.36, no compensation
        self.assertEqual(second.line_ids.mapped("line_type"), ["interest"])
        self.assertEqual(second.amount_total, 38.36)

    def test_one_note_per_customer_in_its_currency(self):
        """Two customers in one proposal: one note each. The EUR invoice of
        2,000.00 EUR (booked at 4.25 = 8,500.00 PLN: the 70 EUR band) is
        charged in EUR: 29 d x 14 % on 2,000 = 22.2465... = 22.25 EUR and
        70 EUR x 4.25 / 4.25 = 70.00 EUR; posted at 4.25 (rate of 27
        February): 92.25 x 4.25 = 392.0625 = 392.06 PLN."""
        pln_invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        eur_invoice = self._invoice(
            self.customer, "2026-03-02", 2000.00, currency=self.eur
        )
        self.assertEqual(eur_invoice.amount_total_signed, 8500.00)
        notes = self._propose(
            "2026-03-31", partner_ids=self.person | self.customer
        ).sorted(lambda n: n.partner_id.name)
        self.assertRecordValues(
            notes,
            [
                {
                    "partner_id": self.customer.id,
                    "currency_id": self.eur.id,
                    "amount_interest": 22.25,
                    "amount_compensation": 70.00,
                    "amount_total": 92.25,
                },
                {
                    "partner_id": self.person.id,
                    "currency_id": self.pln.id,
                    "amount_interest": 111.23,
                    "amount_compensation": 0.0,
                    "amount_total": 111.23,
                },
            ],
        )
        self.assertEqual(notes[0].line_ids.invoice_id, eur_invoice)
        self.assertEqual(notes[1].line_ids.invoice_id, pln_invoice)
        self.assertRecordValues(
            self._line(notes[0], "compensation"),
            [{"eur_amount": 70.0, "eur_rate": 4.25, "amount": 70.00}],
        )
        move = self._approve(notes[0], "2026-03-31").move_id
        self.assertRecordValues(
            move,
            [
                {
                    "currency_id": self.eur.id,
                    "amount_total": 92.25,
                    "amount_total_signed": 392.06,
                }
            ],
        )

    def test_no_compensation_for_a_consumer(self):
        """A person is not a business customer: interest only."""
        self.assertFalse(self.person.debt_collection_b2b)
        self.assertTrue(self.customer.debt_collection_b2b)
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        self.assertEqual(note.line_ids.mapped("line_type"), ["interest"])
        self.assertEqual(note.amount_total, 111.23)  # 29 d x 14 %
        # A company switched to "not a business customer" neither.
        self.customer.debt_collection_b2b = False
        other = self._invoice(self.customer, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=other)
        self.assertEqual(note.line_ids.mapped("line_type"), ["interest"])

    def test_missing_eur_rate_stops_with_the_date(self):
        """Due Wednesday 1 April 2026: the compensation needs the EUR rate
        of Tuesday 31 March, which is missing (only 27 February is known)."""
        invoice = self._invoice(self.customer, "2026-04-01", 10000.00)
        with self._refused(UserError, r"The EUR rate of 2026-03-31"):
            self._propose("2026-04-20", move_ids=invoice)
        self.assertFalse(self._notes())
        self.assertFalse(
            self.env["debt.collection.event"].search(
                [("event_type", "=", "interest_note")]
            )
        )

    def test_compensation_rate_day_skips_weekend_and_holidays(self):
        """Due 1 June 2026: May ends on Sunday 31, Friday 29 May is a company
        holiday, so the rate of Thursday 28 May converts the compensation."""
        self.env["debt.collection.holiday"].create(
            {"name": "Dzień wolny", "date": "2026-05-29"}
        )
        self._eur_rate(self.company, "2026-05-28")
        invoice = self._invoice(self.customer, "2026-06-01", 4000.00)
        with freeze_time("2026-06-10 12:00:00"):
            # The civil table known is trusted up to 5 May 2026 only.
            self.env["debt.collection.interest.rate"].create(
                {
                    "rate_type": "statutory_civil",
                    "date_from": "2026-05-06",
                    "rate": 9.75,
                }
            )
        note = self._propose("2026-06-10", move_ids=invoice)
        # 4,000 <= 5,000 -> 40 EUR x 4.25 = 170.00; 2-10 June 9 d x 14 % on
        # 4,000 = 13.8082... = 13.81
        self.assertRecordValues(
            self._line(note, "compensation"),
            [{"eur_rate_date": date(2026, 5, 28), "amount": 170.00}],
        )
        self.assertEqual(self._line(note, "interest").amount, 13.81)

    # 4. No double charge --------------------------------------------------------

    def test_second_proposal_charges_only_new_days(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        first = self._approve(
            self._propose("2026-03-10", move_ids=invoice), "2026-03-10"
        )
        # 3-10 March 8 d x 14 % = 30.68
        self.assertEqual(first.amount_total, 30.68)
        # The same day again: nothing left to charge.
        with self._refused(UserError, "No interest to charge on 2026-03-10"):
            self._propose("2026-03-10", move_ids=invoice)
        # Paid on 15 March: 11-15 March 5 d x 14 % = 19.1780... = 19.18
        self._pay(invoice, 10000.00, "2026-03-15")
        second = self._propose("2026-03-20", move_ids=invoice)
        self.assertRecordValues(
            second.line_ids,
            [
                {
                    "date_from": date(2026, 3, 11),
                    "date_to": date(2026, 3, 15),
                    "days": 5,
                    "amount": 19.18,
                }
            ],
        )
        # A draft counts too: a third proposal finds nothing.
        with self._refused(UserError, "No interest to charge"):
            self._propose("2026-03-25", move_ids=invoice)

    def test_cancelled_note_days_are_chargeable_again(self):
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        first = self._approve(
            self._propose("2026-03-10", move_ids=invoice), "2026-03-10"
        )
        first.with_user(self.manager).action_cancel()
        # 3-20 March 18 d x 14 % = 69.0410... = 69.04, and the compensation
        # (297.50) of the cancelled note is due again.
        note = self._propose("2026-03-20", move_ids=invoice)
        self.assertRecordValues(
            self._line(note, "interest"),
            [{"date_from": date(2026, 3, 3), "date_to": date(2026, 3, 20)}],
        )
        self.assertEqual(note.amount_interest, 69.04)
        self.assertEqual(note.amount_compensation, 297.50)

    def test_cancelling_an_earlier_note_frees_its_days_only(self):
        """Note 1 charged 3-10 March, note 2 charged 11-20 March. Cancelling
        note 1 makes 3-10 March chargeable again (8 d x 14 % = 30.68), and
        11-20 March stays charged by note 2."""
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        first = self._approve(
            self._propose("2026-03-10", move_ids=invoice), "2026-03-10"
        )
        second = self._propose("2026-03-20", move_ids=invoice)
        self.assertEqual(second.amount_total, 38.36)  # 11-20 March, 10 d
        first.with_user(self.manager).action_cancel()
        third = self._propose("2026-03-20", move_ids=invoice)
        self.assertRecordValues(
            third.line_ids,
            [
                {
                    "date_from": date(2026, 3, 3),
                    "date_to": date(2026, 3, 10),
                    "days": 8,
                    "amount": 30.68,
                }
            ],
        )

    # 5. Cancel, order of the states, editing ------------------------------------

    def test_cancel_posted_note_reverses_it(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._approve(
            self._propose("2026-03-31", move_ids=invoice), "2026-03-31"
        )
        move = note.move_id
        with freeze_time("2026-04-02 11:00:00"):
            note.with_user(self.manager).action_cancel()
        self.assertRecordValues(
            note,
            [
                {
                    "state": "cancelled",
                    "cancelled_by_id": self.manager.id,
                    "cancelled_date": datetime(2026, 4, 2, 11, 0),
                    "move_id": move.id,
                }
            ],
        )
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.payment_state, "reversed")
        credit_note = move.reversal_move_ids
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "state": "posted",
                    "partner_id": self.person.id,
                    "amount_total": 111.23,
                    "date": date(2026, 4, 2),
                    "journal_id": move.journal_id.id,
                }
            ],
        )
        receivables = (move | credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(all(receivables.mapped("reconciled")))
        self.assertEqual(len(receivables.full_reconcile_id), 1)
        events = self.env["debt.collection.event"].search(
            [("interest_note_id", "=", note.id)], order="id"
        )
        self.assertIn("Interest note cancelled.", events[-1].note)
        self.assertEqual(events[-1].move_id, invoice)
        # Cancelled is final.
        with self._refused(UserError, "cannot be cancelled: it is Cancelled"):
            note.with_user(self.manager).action_cancel()

    def test_paid_note_cannot_be_cancelled(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._approve(
            self._propose("2026-03-31", move_ids=invoice), "2026-03-31"
        )
        self._pay(note.move_id, 111.23, "2026-04-03")
        self.assertEqual(note.state, "paid")
        with self._refused(UserError, "cannot be cancelled: it is Paid"):
            note.with_user(self.manager).action_cancel()
        self.assertEqual(note.state, "paid")
        self.assertFalse(note.move_id.reversal_move_ids)

    def test_partly_paid_note_cannot_be_cancelled(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._approve(
            self._propose("2026-03-31", move_ids=invoice), "2026-03-31"
        )
        self._pay(note.move_id, 100.00, "2026-04-03")
        self.assertEqual(note.state, "posted")
        with self._refused(UserError, "has payments: remove them"):
            note.with_user(self.manager).action_cancel()
        self.assertEqual(note.state, "posted")
        self.assertFalse(note.move_id.reversal_move_ids)

    def test_states_in_order_only(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice).with_user(self.manager)
        with self._refused(UserError, "cannot be posted: it is Draft"):
            note.action_post()
        self.assertFalse(note.move_id)
        with self._refused(UserError, "cannot be sent: it is Draft"):
            note.action_send()
        note.action_confirm()
        with self._refused(UserError, "cannot be confirmed: it is Confirmed"):
            note.action_confirm()
        note.action_post()
        with self._refused(UserError, "cannot be confirmed: it is Posted"):
            note.action_confirm()
        with self._refused(UserError, "cannot be posted: it is Posted"):
            note.action_post()
        with self._refused(UserError, "cannot be reset to draft: it is Posted"):
            note.action_draft()
        self.assertEqual(
            self.env["account.move"].search_count(
                [("debt_collection_interest_note_id", "=", note.id)]
            ),
            1,
        )

    def test_reset_confirmed_note_to_draft(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice).with_user(self.manager)
        note.action_confirm()
        note.action_draft()
        self.assertRecordValues(
            note,
            [{"state": "draft", "confirmed_by_id": False, "confirmed_date": False}],
        )

    def test_only_draft_notes_are_edited_and_deleted(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        draft = self._propose("2026-03-31", move_ids=invoice)
        # A draft is edited: the accountant lowers the interest...
        draft.line_ids.write({"amount": 100.00})
        self.assertEqual(draft.amount_total, 100.00)
        # ... and a new date recalculates it: 3-30 March = 28 days x 14.00 %
        # = 10,000 x 0.14 x 28 / 365 = 107.40.
        draft.write({"date": date(2026, 3, 30)})
        self.assertEqual(draft.amount_total, 107.40)
        draft.line_ids.write({"amount": 100.00})
        draft.with_user(self.manager).action_confirm()
        line = draft.line_ids
        locked = "Only draft interest notes can be changed"
        with self._refused(UserError, locked):
            draft.write({"line_ids": [Command.update(line.id, {"amount": 1.0})]})
        with self._refused(UserError, locked):
            draft.write({"date": date(2026, 3, 1)})
        with self._refused(UserError, locked):
            draft.write({"partner_id": self.customer.id})
        self.assertRecordValues(
            draft,
            [
                {
                    "amount_total": 100.00,
                    "date": date(2026, 3, 30),
                    "partner_id": self.person.id,
                }
            ],
        )
        with self._refused(UserError, "Only draft interest notes can be deleted"):
            draft.unlink()
        self.assertTrue(draft.exists())
        # A fresh draft is deleted, with its lines and periods.
        other = self._invoice(self.person, "2026-03-02", 5000.00)
        note = self._propose("2026-03-31", move_ids=other)
        lines, segments = note.line_ids, note.line_ids.segment_ids
        self.assertTrue(segments)
        note.unlink()
        self.assertFalse(lines.exists() or segments.exists())

    def test_lines_of_a_confirmed_note_are_locked(self):
        """Writing, adding or removing lines directly (the line model, as the
        form's line editor or an import does) is refused as well once the
        note is confirmed: the approved amount cannot change behind the
        manager's back."""
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        note.with_user(self.manager).action_confirm()
        line = note.line_ids
        locked = "Only draft interest notes can be changed"
        with self._refused(UserError, locked):
            line.with_user(self.collector).write({"amount": 1.0})
        with self._refused(UserError, locked):
            line.with_user(self.collector).unlink()
        with self._refused(UserError, locked):
            self.env["debt.collection.interest.note.line"].with_user(
                self.collector
            ).create(
                {
                    "note_id": note.id,
                    "line_type": "interest",
                    "invoice_id": invoice.id,
                    "amount": 500.00,
                }
            )
        with self._refused(UserError, locked):
            line.segment_ids.with_user(self.collector).write({"interest": 1.0})
        note.invalidate_recordset()
        self.assertEqual(note.line_ids, line)
        self.assertEqual(note.amount_total, 111.23)  # 29 d x 14 %

    # 6. Access ------------------------------------------------------------------

    def test_collector_proposes_manager_approves(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", user=self.collector, move_ids=invoice)
        self.assertEqual(note.create_uid, self.collector)
        self.assertEqual(note.amount_total, 111.23)
        as_collector = note.with_user(self.collector)
        message = "Only Debt Collection Managers may confirm, post or cancel"
        with self._refused(UserError, message):
            as_collector.action_confirm()
        self.assertEqual(note.state, "draft")
        with self._refused(UserError, message):
            as_collector.action_cancel()
        note.with_user(self.manager).action_confirm()
        with self._refused(UserError, message):
            as_collector.action_post()
        with self._refused(UserError, message):
            as_collector.action_draft()
        self.assertEqual(note.state, "confirmed")
        note.with_user(self.manager).action_post()
        with self._refused(UserError, message):
            as_collector.action_cancel()
        self.assertEqual(note.state, "posted")
        self.assertFalse(note.move_id.reversal_move_ids)

    def test_collector_cannot_approve_by_writing_the_state(self):
        """The workflow fields are not a back door around the manager check."""
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", user=self.collector, move_ids=invoice)
        for state in ("confirmed", "posted", "cancelled"):
            with self.assertRaisesRegex(UserError, "changes only with its buttons"):
                note.with_user(self.collector).write({"flow_state": state})
            self.assertEqual(note.state, "draft", f"a collector made the note {state}")

    def test_invoice_user_only_reads(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        billing = new_test_user(
            self.env,
            login="billing_ola",
            name="Billing Ola",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        as_billing = note.with_user(billing)
        self.assertEqual(as_billing.amount_total, 111.23)
        self.assertEqual(as_billing.line_ids.segment_ids.interest, 111.23)
        with self.assertRaises(AccessError):
            as_billing.write({"date_due": date(2026, 4, 30)})
        with self.assertRaises(AccessError):
            as_billing.line_ids.write({"amount": 1.0})
        with self.assertRaises(AccessError):
            as_billing.unlink()
        with self.assertRaises(AccessError):
            self.env["debt.collection.interest.note"].with_user(billing).create(
                {"partner_id": self.person.id}
            )
        with self.assertRaises(AccessError):
            self._propose("2026-03-31", user=billing, move_ids=invoice)
        # Statutory rates: everybody reads, only managers change them.
        rate = self.rate_2026.with_user(billing)
        self.assertEqual(rate.rate, 14.00)
        with self.assertRaises(AccessError):
            self.rate_2026.with_user(self.collector).write({"rate": 15.0})
        self.rate_2026.with_user(self.manager).write({"note": "checked"})

    # 8. Bad input ---------------------------------------------------------------

    def test_negative_rate_refused(self):
        Rate = self.env["debt.collection.interest.rate"].with_user(self.manager)
        with self._refused(ValidationError, "must be between 0 and 100"):
            Rate.create(
                {
                    "rate_type": "statutory_civil",
                    "date_from": "2026-05-06",
                    "rate": -1.0,
                }
            )
        with self._refused(ValidationError, "must be between 0 and 100"):
            self.rate_2026.with_user(self.manager).write({"rate": -0.5})
        self.assertEqual(self.rate_2026.rate, 14.00)
        self.assertFalse(Rate.search([("date_from", "=", "2026-05-06")]))

    def test_two_rates_of_a_kind_on_one_day_refused(self):
        Rate = self.env["debt.collection.interest.rate"].with_user(self.manager)
        with (
            self.assertRaises(IntegrityError) as caught,
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            Rate.create(
                {
                    "rate_type": "statutory_commercial",
                    "date_from": "2026-01-01",
                    "rate": 14.50,
                }
            )
            self.env.flush_all()
        # What the user reads.
        self.assertIn(
            "A rate of this kind already starts on this date.",
            str(_as_validation_error(self.env, caught.exception)),
        )
        self.assertEqual(
            Rate.search([("date_from", "=", "2026-01-01")]).mapped("rate"), [14.00]
        )
        # The other kind may start the same day.
        Rate.create(
            {"rate_type": "statutory_civil", "date_from": "2026-01-01", "rate": 9.75}
        )

    def test_beyond_the_rate_horizon_names_the_missing_period(self):
        """The shipped commercial table ends with the half-year of 2025-07-01:
        a calculation on 1 March 2026 asks for the rate from 1 January 2026
        instead of guessing."""
        self.rate_2026.unlink()
        invoice = self._invoice(self.person, "2025-12-01", 10000.00)
        with self._refused(
            UserError,
            r"No Statutory interest for delay in commercial transactions is known "
            r"from 2026-01-01",
        ):
            self._propose("2026-03-01", move_ids=invoice)
        self.assertFalse(self._notes())
        # Within the horizon the same invoice is charged: 2-31 December
        # 30 d x 15.25 % = 125.3424... = 125.34.
        note = self._propose("2025-12-31", move_ids=invoice)
        self.assertEqual(note.amount_total, 125.34)
        # Confirmed by hand to be still in force on 1 March 2026: the
        # commercial rate is then known for that whole half-year.
        with freeze_time("2026-03-01"):
            self.env["debt.collection.interest.rate"].search(
                [("rate_type", "=", "statutory_commercial")],
                order="date_from desc",
                limit=1,
            ).with_user(self.manager).confirmed_until = "2026-03-01"
        # 1 January - 1 March = 31 + 28 + 1 = 60 d x 15.25 % = 250.68...
        note = self._propose("2026-03-01", move_ids=invoice)
        self.assertEqual(note.line_ids.date_from, date(2026, 1, 1))
        self.assertEqual(note.amount_total, 250.68)

    def test_late_payment_of_a_known_period_needs_no_newer_rate(self):
        """Paid late on 10 July 2025: charging it in March 2026 needs the rates
        up to 10 July 2025 only, which are known (106.51, see above)."""
        self.rate_2026.unlink()
        invoice = self._invoice(self.customer, "2025-06-15", 10000.00)
        self._pay(invoice, 10000.00, "2025-07-10")
        note = self._propose("2026-03-01", move_ids=invoice)
        self.assertEqual(note.amount_interest, 106.51)

    def test_commercial_interest_does_not_need_the_civil_table(self):
        """On 10 May 2026 the civil table (last change 6 November 2025) is
        past its six months, but statutory commercial interest does not use
        it: 3 March - 10 May = 29 + 30 + 10 = 69 d x 14 % on 10,000
        = 264.6575... = 264.66."""
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-05-10", move_ids=invoice)
        self.assertRecordValues(
            note.line_ids, [{"days": 69, "rates": "14.00", "amount": 264.66}]
        )

    def test_missing_accounts_at_posting(self):
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice).with_user(self.manager)
        note.action_confirm()
        self.company.debt_collection_interest_account_id = False
        with self._refused(UserError, "Set the Interest account of interest notes"):
            note.action_post()
        self.assertRecordValues(note, [{"state": "confirmed", "move_id": False}])
        self.company.debt_collection_interest_account_id = self.interest_account
        self.company.debt_collection_compensation_account_id = False
        with self._refused(UserError, "Set the Compensation account of interest notes"):
            note.action_post()
        self.assertRecordValues(note, [{"state": "confirmed", "move_id": False}])
        self.assertFalse(
            self.env["account.move"].search(
                [("debt_collection_interest_note_id", "=", note.id)]
            )
        )
        self.company.debt_collection_compensation_account_id = self.compensation_account
        note.action_post()
        self.assertEqual(note.state, "posted")

    def test_wizard_refuses_future_date_and_reversed_range(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        Wizard = self.env["debt.collection.interest.wizard"]
        with freeze_time("2026-03-31 12:00:00"):
            wizard = Wizard.create(
                {"date": "2026-04-01", "move_ids": [Command.set(invoice.ids)]}
            )
            with self._refused(UserError, "days that have not come yet"):
                wizard.action_propose()
            wizard = Wizard.create(
                {
                    "date": "2026-03-31",
                    "due_from": "2026-03-10",
                    "due_to": "2026-03-01",
                }
            )
            with self._refused(UserError, "The due date range ends before it starts"):
                wizard.action_propose()
        self.assertFalse(self._notes())

    def test_due_range_selects_invoices(self):
        """Only invoices due within the range are charged."""
        march = self._invoice(self.person, "2026-03-02", 10000.00)
        self._invoice(self.person, "2026-02-02", 10000.00)
        note = self._propose(
            "2026-03-31",
            partner_ids=self.person,
            due_from="2026-03-01",
            due_to="2026-03-31",
        )
        self.assertEqual(note.line_ids.invoice_id, march)
        self.assertEqual(note.amount_total, 111.23)

    def test_negative_contractual_rate_refused(self):
        with self._refused(ValidationError, "cannot be negative"):
            self.customer.write(
                {
                    "debt_collection_interest_kind": "contractual_fixed",
                    "debt_collection_interest_rate": -5.0,
                }
            )
        with self._refused(ValidationError, "cannot be negative"):
            self.customer.write({"debt_collection_interest_margin": -1.0})
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)
        with self._refused(ValidationError, "cannot be negative"):
            invoice.write(
                {
                    "debt_collection_interest_kind": "contractual_fixed",
                    "debt_collection_interest_rate": -5.0,
                }
            )
        self.assertFalse(invoice.debt_collection_interest_kind)
        self.assertFalse(self.customer.debt_collection_interest_kind)

    def test_contractual_rate_above_legal_maximum_is_capped(self):
        """30 % agreed, but at most twice the civil rate (2 x 9.75 = 19.50 %):
        3-31 March 29 d x 19.50 % on 10,000 = 154.9315... = 154.93."""
        self.person.write(
            {
                "debt_collection_interest_kind": "contractual_fixed",
                "debt_collection_interest_rate": 30.0,
            }
        )
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        self.assertEqual(note.interest_kind, "contractual_fixed")
        self.assertRecordValues(note.line_ids, [{"rates": "19.50", "amount": 154.93}])
        self.assertIn("capped at the legal maximum", note.warning)
        self.assertIn(invoice.name, note.warning)

    def test_document_terms_override_the_customer(self):
        """The invoice says commercial + 2 points: 16.00 % (under the cap):
        29 d x 16 % on 10,000 = 127.1232... = 127.12, no warning."""
        self.person.write(
            {
                "debt_collection_interest_kind": "contractual_fixed",
                "debt_collection_interest_rate": 30.0,
            }
        )
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        invoice.write(
            {
                "debt_collection_interest_kind": "contractual_margin",
                "debt_collection_interest_margin": 2.0,
            }
        )
        note = self._propose("2026-03-31", move_ids=invoice)
        self.assertRecordValues(note.line_ids, [{"rates": "16.00", "amount": 127.12}])
        self.assertFalse(note.warning)

    # 9. Engine ------------------------------------------------------------------

    def _interest_step(self, trigger, days, sequence):
        return self.env["debt.collection.step"].create(
            {
                "policy_id": self.policy.id,
                "name": f"Interest note ({trigger})",
                "sequence": sequence,
                "days": days,
                "action": "interest_note",
                "interest_trigger": trigger,
            }
        )

    def test_engine_proposes_after_a_late_payment(self):
        """Due 2 March 2026, paid on 12 March (10 days late); the step waits 7
        days: nothing on 18 March, a draft on 19 March with 3-12 March
        10 d x 14 % = 38.36 and 70 EUR = 297.50; never again."""
        step = self._interest_step("payment", 7, 60)
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        self._pay(invoice, 10000.00, "2026-03-12")
        self._run("2026-03-18")
        self.assertFalse(self._notes())
        self.assertFalse(self._events(step_id=step.id))

        self._run("2026-03-19")
        note = self._notes()
        self.assertRecordValues(
            note,
            [
                {
                    "partner_id": self.customer.id,
                    "state": "draft",
                    "date": date(2026, 3, 19),
                    "amount_interest": 38.36,
                    "amount_compensation": 297.50,
                    "amount_total": 335.86,
                }
            ],
        )
        self.assertRecordValues(
            self._line(note, "interest"),
            [{"date_from": date(2026, 3, 3), "date_to": date(2026, 3, 12)}],
        )
        event = self._events(step_id=step.id)
        self.assertRecordValues(
            event,
            [
                {
                    "state": "done",
                    "move_id": invoice.id,
                    "interest_note_id": note.id,
                    "origin": "automatic",
                }
            ],
        )
        for day in ("2026-03-20", "2026-03-23", "2026-04-20"):
            self._run(day)
        self.assertEqual(self._notes(), note)
        self.assertEqual(self._events(step_id=step.id), event)

    def test_engine_proposes_for_unpaid_invoice_on_day_60(self):
        """Due 2 March 2026, unpaid: on Friday 1 May (day 60) a draft with
        3 March - 1 May 60 d x 14 % = 230.1369... = 230.14 + 297.50."""
        step = self._interest_step("due", 60, 45)
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        self._run("2026-04-30")
        self.assertFalse(self._notes())
        self._run("2026-05-01")
        note = self._notes()
        self.assertRecordValues(
            note,
            [
                {
                    "state": "draft",
                    "date": date(2026, 5, 1),
                    "amount_interest": 230.14,
                    "amount_compensation": 297.50,
                    "amount_total": 527.64,
                }
            ],
        )
        self.assertEqual(note.line_ids.invoice_id, invoice)
        self.assertRecordValues(
            self._events(step_id=step.id),
            [{"state": "done", "interest_note_id": note.id}],
        )
        self._run("2026-05-04")
        self.assertEqual(self._notes(), note)

    def test_engine_skips_nothing_to_charge(self):
        """100.00 paid 10 days late by a person: 10 d x 14 % = 0.3835... =
        0.38, below the company minimum of 10.00: skipped, for good."""
        self.assertEqual(self.company.debt_collection_interest_min_total, 10.0)
        step = self._interest_step("payment", 7, 60)
        invoice = self._invoice(self.person, "2026-03-02", 100.00)
        self._pay(invoice, 100.00, "2026-03-12")
        self._run("2026-03-19")
        self.assertFalse(self._notes())
        self.assertRecordValues(
            self._events(step_id=step.id),
            [
                {
                    "state": "skipped",
                    "reason": "nothing_to_charge",
                    "move_id": invoice.id,
                    "interest_note_id": False,
                }
            ],
        )
        self._run("2026-03-20")
        self.assertEqual(len(self._events(step_id=step.id)), 1)


@tagged("post_install", "-at_install")
class TestInterestNoteWorkflowRights(InterestNoteCase):
    """The workflow checks the user's group and right to change the note
    before it writes its state as superuser; the refusal is in the user's
    language and nothing is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish()
        cls.billing = new_test_user(
            cls.env,
            login="billing_ola",
            name="Billing Ola",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _history(self, note):
        return self.env["debt.collection.event"].search(
            [("interest_note_id", "=", note.id)]
        )

    def test_without_the_group_nothing_is_written(self):
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        history = self._history(note)
        refusal = "Tylko menedżerowie windykacji należności mogą potwierdzać"
        for user in (self.billing, self.collector):
            as_user = note.with_user(user).with_context(lang="pl_PL")
            for action in ("action_confirm", "action_cancel"):
                with self.subTest(user=user.login, action=action):
                    with self._refused(UserError, refusal):
                        getattr(as_user, action)()
        # The helper every transition goes through checks before its sudo.
        with self._refused(AccessError, "."):
            note.with_user(self.billing)._apply_transition(
                "confirm", message="Confirmed."
            )
        self.assertRecordValues(note, [{"state": "draft", "confirmed_by_id": False}])
        self.assertEqual(self._history(note), history)
        note.with_user(self.manager).action_confirm()
        history = self._history(note)
        for user in (self.billing, self.collector):
            as_user = note.with_user(user).with_context(lang="pl_PL")
            for action in ("action_post", "action_draft"):
                with self.subTest(user=user.login, action=action):
                    with self._refused(UserError, refusal):
                        getattr(as_user, action)()
        self.assertRecordValues(
            note,
            [
                {
                    "state": "confirmed",
                    "confirmed_by_id": self.manager.id,
                    "posted_by_id": False,
                    "move_id": False,
                }
            ],
        )
        self.assertEqual(self._history(note), history)


@tagged("post_install", "-at_install")
class TestInterestNotesMultiCompany(InterestNoteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(
            name="Firma Beta S.A.", currency_id=cls.pln.id
        )["company"]
        cls.customer_b = cls.env["res.partner"].create(
            {
                "name": "Beta Klient Sp. j.",
                "is_company": True,
                "company_id": cls.company_b.id,
            }
        )
        cls._eur_rate(cls.company_b, "2026-02-27")
        cls.invoice_b = (
            cls.env["account.move"]
            .with_company(cls.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer_b.id,
                    "invoice_date": "2026-02-16",
                    "invoice_date_due": "2026-03-02",
                    "currency_id": cls.pln.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "price_unit": 10000.00, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        cls.invoice_b.action_post()

    def test_other_company_invoice_refused(self):
        invoice_a = self._invoice(self.customer, "2026-03-02", 10000.00)
        with self._refused(
            UserError,
            rf"Invoice {self.invoice_b.name} belongs to Firma Beta S\.A\.: propose "
            r"its interest note in that company",
        ):
            self._propose(
                "2026-03-31",
                move_ids=invoice_a | self.invoice_b,
                company_id=self.company.id,
            )
        self.assertFalse(self.env["debt.collection.interest.note"].search([]))

    def test_other_company_notes_are_invisible(self):
        note_b = self._propose(
            "2026-03-31", move_ids=self.invoice_b, company_id=self.company_b.id
        )
        self.assertEqual(note_b.company_id, self.company_b)
        # 29 d x 14 % on 10,000 = 111.23 + 70 EUR x 4.25 = 297.50
        self.assertEqual(note_b.amount_total, 408.73)
        invoice_a = self._invoice(self.customer, "2026-03-02", 10000.00)
        note_a = self._propose("2026-03-31", move_ids=invoice_a)
        Note = self.env["debt.collection.interest.note"].with_user(self.collector)
        self.assertEqual(Note.search([]), note_a)
        with self.assertRaises(AccessError):
            note_b.with_user(self.collector).read(["amount_total"])
        Line = self.env["debt.collection.interest.note.line"].with_user(self.collector)
        self.assertEqual(Line.search([]), note_a.line_ids)
        Segment = self.env["debt.collection.interest.segment"].with_user(self.collector)
        self.assertEqual(Segment.search([]), note_a.line_ids.segment_ids)
        # Statutory rates are the law of the land: the same for both companies.
        user_b = new_test_user(
            self.env,
            login="collector_b",
            name="Collector Bogdan",
            groups="base.group_user,debt_collection.group_debt_collection_user",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        Rate = self.env["debt.collection.interest.rate"]
        self.assertEqual(Rate.with_user(user_b).search([]), Rate.search([]))


@tagged("post_install", "-at_install")
class TestInterestNotePrint(InterestNoteCase):
    """The printed note in the customer's language, and the e-mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish()
        cls.osoba = cls.env["res.partner"].create(
            {
                "name": "Zofia Żółć",
                "is_company": False,
                "email": "zofia@example.com",
                "lang": "pl_PL",
            }
        )

    def _note(self, partner):
        """10,000.00 due 2 March 2026 charged on 3 April: 32 d x 14 %
        = 122.7397... = 122.74 (a person: no compensation)."""
        invoice = self._invoice(partner, "2026-03-02", 10000.00)
        note = self._approve(
            self._propose("2026-04-03", move_ids=invoice), "2026-04-03"
        )
        self.assertEqual(note.amount_total, 122.74)
        return note

    def _html(self, note):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "debt_collection_interest.action_report_interest_note", note.ids
        )
        return " ".join(html.decode().split())

    def _pdf_text(self, note):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "debt_collection_interest.action_report_interest_note", note.ids
            )
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = OdooPdfFileReader(io.BytesIO(pdf), strict=False)
        text = "".join(page.extract_text() for page in reader.pages)
        return " ".join(text.split())

    def test_english_note(self):
        note = self._note(self.person)
        self.assertEqual(
            note.amount_in_words, "one hundred and twenty-two zlotys 74/100"
        )
        html = self._html(note)
        self.assertIn("Interest note", html)
        self.assertIn("one hundred and twenty-two zlotys 74/100", html)
        self.assertIn("NO/2026/00001", html)
        text = self._pdf_text(note)
        self.assertIn("Interest note NO/2026/00001", text)
        self.assertIn("In words: one hundred and twenty-two zlotys 74/100", text)
        self.assertIn("Pay by: 04/10/2026", text)
        self.assertNotIn("Słownie", text)

    def test_polish_note(self):
        note = self._note(self.osoba)
        self.assertEqual(note.amount_in_words, "sto dwadzieścia dwa złote 74/100")
        html = self._html(note)
        self.assertIn("sto dwadzieścia dwa złote 74/100", html)
        self.assertIn("Nota odsetkowa", html)
        self.assertNotIn("Interest note", html)
        self.assertIn("Termin zapłaty: </strong><span>10.04.2026", html)  # 3 April + 7
        text = self._pdf_text(note)
        self.assertIn("Nota odsetkowa NO/2026/00001", text)
        self.assertIn("Słownie: sto dwadzieścia dwa złote 74/100", text)
        self.assertIn("Razem 122,74 zł", text)
        self.assertIn("Termin zapłaty: 10.04.2026", text)

    def test_send_by_email_with_pdf(self):
        note = self._note(self.person)
        action = note.with_user(self.manager).action_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(
            action["context"]["default_template_id"],
            self.env.ref("debt_collection_interest.mail_template_interest_note").id,
        )
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.manager)
            .with_context(
                action["context"],
                force_report_rendering=True,
                mail_notify_force_send=False,
            )
            .create({})
        )
        self.assertEqual(composer.partner_ids, self.person)
        composer.action_send_mail()
        mail = self.env["mail.mail"].search(
            [("model", "=", note._name), ("res_id", "=", note.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.person)
        self.assertIn("interest note NO/2026/00001", mail.subject)
        self.assertIn("122.74", mail.body_html)
        self.assertEqual(len(mail.attachment_ids), 1)
        attachment = mail.attachment_ids
        self.assertTrue(attachment.name.endswith(".pdf"), attachment.name)
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))


@tagged("post_install", "-at_install")
class TestInterestNoteRecalculation(InterestNoteCase):
    """A draft note follows its date, interest kind, rate and documents: what
    is printed is never stale. 10,000.00 PLN due 2 March 2026, proposed on 31
    March: interest 111.23 (29 days at 14.00 %), compensation 297.50."""

    def setUp(self):
        super().setUp()
        self.invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        self.note = self._propose("2026-03-31", move_ids=self.invoice)
        self.assertEqual(self.note.invoice_ids, self.invoice)
        self.assertEqual(
            (self.note.amount_interest, self.note.amount_total), (111.23, 408.73)
        )

    def _amounts(self):
        return (
            self.note.amount_interest,
            self.note.amount_compensation,
            self.note.amount_total,
        )

    def test_new_date(self):
        """15 April: 3 March-15 April = 44 days x 14.00 % = 168.77; pay by 22
        April; the compensation stays."""
        self.note.with_user(self.manager).date = date(2026, 4, 15)
        self.assertEqual(self._amounts(), (168.77, 297.50, 466.27))
        self.assertEqual(self.note.date_due, date(2026, 4, 22))
        self.assertRecordValues(
            self._line(self.note, "interest"),
            [{"date_to": date(2026, 4, 15), "days": 44, "rates": "14.00"}],
        )

    def test_new_interest_kind_and_rate(self):
        """Civil interest (9.75 %): 10,000 x 0.0975 x 29 / 365 = 77.47; a
        contractual 10 % gives 79.45, then 12 % gives 95.34; 25 % is capped at
        the legal maximum (19.50 %: 154.93) and says so."""
        note = self.note.with_user(self.manager)
        note.interest_kind = "statutory_civil"
        self.assertEqual(self._amounts(), (77.47, 297.50, 374.97))
        note.write({"interest_kind": "contractual_fixed", "interest_rate": 10.0})
        self.assertEqual(self._amounts(), (79.45, 297.50, 376.95))
        note.interest_rate = 12.0
        self.assertEqual(self._amounts(), (95.34, 297.50, 392.84))
        self.assertFalse(note.warning)
        note.interest_rate = 25.0
        self.assertEqual(self._amounts(), (154.93, 297.50, 452.43))
        self.assertIn(self.invoice.name, note.warning)
        self.assertIn("capped at the legal maximum", note.warning)

    def test_documents_added_and_removed(self):
        """A second invoice of 5,000.00 due 2 March adds 55.62 interest and a
        40 EUR compensation (170.00); removing it takes them away again."""
        second = self._invoice(self.customer, "2026-03-02", 5000.00)
        note = self.note.with_user(self.manager)
        note.invoice_ids = [Command.link(second.id)]
        self.assertEqual(self._amounts(), (166.85, 467.50, 634.35))
        self.assertEqual(self._line(note, "compensation", second).amount, 170.00)
        note.invoice_ids = [Command.unlink(second.id)]
        self.assertEqual(self._amounts(), (111.23, 297.50, 408.73))
        self.assertEqual(note.line_ids.invoice_id, self.invoice)

    def test_payment_then_recalculate(self):
        """Paid 4,000.00 on 16 March: Recalculate charges 10,000 for 3-16
        March (14 days: 53.70) and 6,000 for 17-31 March (15 days: 34.52)."""
        self._pay(self.invoice, 4000.00, "2026-03-16")
        self.note.with_user(self.manager).action_recalculate()
        self.assertEqual(self.note.amount_interest, 88.22)

    def test_wrong_changes_are_refused_and_change_nothing(self):
        other_customer = self._invoice(self.person, "2026-03-02", 800.00)
        euro = self._invoice(self.customer, "2026-03-02", 800.00, currency=self.eur)
        note = self.note.with_user(self.manager)
        for document in (other_customer, euro):
            with self._refused(UserError, "an interest note charges one customer"):
                note.invoice_ids = [Command.link(document.id)]
        with self._refused(ValidationError, "cannot be negative"):
            note.interest_rate = -1.0
        self.assertEqual(self._amounts(), (111.23, 297.50, 408.73))
        self.assertEqual(note.invoice_ids, self.invoice)
        note.action_confirm()
        with self._refused(UserError, "Only draft interest notes can be changed"):
            note.date = date(2026, 4, 15)
        with self._refused(UserError, "Only draft interest notes can be changed"):
            note.action_recalculate()
        self.assertEqual(self._amounts(), (111.23, 297.50, 408.73))
