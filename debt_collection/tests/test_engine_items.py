"""Which items the engine collects, for how much, and when it stops.

Every test goes through real Odoo documents (invoices, payments, credit notes,
journal entries, payment terms) and real automatic runs on given days.
"""

import html
import importlib.util
from datetime import date, datetime, timedelta
from pathlib import Path

from freezegun import freeze_time
from markupsafe import Markup

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import DebtCollectionCase, requires_addon

D = date.fromisoformat


class ItemsCase(DebtCollectionCase):
    """The common fixture, sending on every day of the week so that these
    tests are about items only (the calendar has its own tests)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"debt_collection_send_sat": True, "debt_collection_send_sun": True}
        )
        cls.receivable_account = cls.company_data["default_account_receivable"]

    @classmethod
    def _partner(cls, name, email=None, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email or f"{name.split()[0].lower()}@example.com",
                "lang": "en_US",
                **values,
            }
        )

    def _opening_balance(self, amount, due, partner=None):
        """A receivable opening balance booked as a journal entry."""
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company_data["default_journal_misc"].id,
                "date": "2026-01-01",
                "ref": "Opening balance",
                "line_ids": [
                    Command.create(
                        {
                            "name": "Opening balance FV/2025/123",
                            "account_id": self.receivable_account.id,
                            "partner_id": (partner or self.customer).id,
                            "debit": amount,
                            "date_maturity": due,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Opening balance FV/2025/123",
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        return entry

    def _walk(self, days):
        """Run on each of ``days``; return the new action events as tuples
        (day, document, step, occurrence, state, reason)."""
        fired = []
        for day in days:
            day = D(day) if isinstance(day, str) else day
            before = self._events()
            self._run(day)
            for event in self._events() - before:
                fired.append(
                    (
                        str(day),
                        event.move_id,
                        event.step_id,
                        event.occurrence,
                        event.state,
                        event.reason or False,
                    )
                )
        return fired

    @staticmethod
    def _days(first, last):
        first, last = D(first), D(last)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def _amount(self, amount, currency=None):
        return format_amount(self.env, amount, currency or self.pln)

    def _body(self, mail):
        """The text of a queued e-mail (or its message), entities decoded."""
        body = mail.body_html if mail._name == "mail.mail" else mail.body
        return html.unescape(str(body))


@tagged("post_install", "-at_install")
class TestEngineItemsAmounts(ItemsCase):
    """Residuals, payments, credit notes, minimums and currencies."""

    def test_partial_payment_lowers_the_residual_of_the_next_reminder(self):
        """After a payment of 400.55 on 1000.00, the overdue reminder lists
        599.45 still due, in the event and in the e-mail."""
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)
        self._pay(invoice, 400.55, "2026-03-05")
        self.assertEqual(invoice.amount_residual, 599.45)

        fired = self._walk(["2026-03-09"])

        self.assertEqual(
            fired, [("2026-03-09", invoice, self.step_reminder, 0, "done", False)]
        )
        event = self._events(move_id=invoice.id)
        self.assertEqual(event.amount_residual, 599.45)
        self.assertEqual(event.amount_residual_currency, 599.45)
        self.assertEqual(event.amount_original_currency, 1000.00)
        self.assertEqual(event.days_overdue, 7)
        mail = self._mails(self.customer)
        self.assertEqual(len(mail), 1)
        body = self._body(mail)
        self.assertIn(invoice.name, body)
        self.assertIn(self._amount(599.45), body)
        self.assertIn(self._amount(1000.00), body)

    def test_partial_payment_below_item_minimum_is_skipped_once(self):
        """A payment leaving 9.45 (the reminder's minimum is 20) makes the next
        reminder "skipped: below the item minimum", recorded once however
        often the engine runs, and no e-mail is sent."""
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)
        first = self._walk(["2026-03-09"])
        self.assertEqual(
            first, [("2026-03-09", invoice, self.step_reminder, 0, "done", False)]
        )
        mails_before = self._mails(self.customer)
        self.assertEqual(len(mails_before), 1)

        self._pay(invoice, 990.55, "2026-03-12")
        self.assertEqual(invoice.amount_residual, 9.45)

        # Due day of the first repeat: twice that day, then every day up to
        # the day before the next repeat.
        fired = self._walk(["2026-03-16"])
        self._run(D("2026-03-16"), hour=15)
        fired += self._walk(self._days("2026-03-17", "2026-03-22"))

        self.assertEqual(
            fired,
            [
                (
                    "2026-03-16",
                    invoice,
                    self.step_reminder,
                    1,
                    "skipped",
                    "below_item_minimum",
                )
            ],
        )
        skipped = self._events(move_id=invoice.id, occurrence=1)
        self.assertEqual(len(skipped), 1)
        self.assertEqual(skipped.amount_residual, 9.45)
        self.assertFalse(skipped.notice_id)
        self.assertEqual(self._mails(self.customer), mails_before)

    def test_full_payment_stops_everything(self):
        """Paid in full after the first reminder: nothing more on any later
        day, though repeats, a demand, a call and a final demand were due."""
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)
        self.assertEqual(
            self._walk(["2026-02-27", "2026-03-09"]),
            [
                ("2026-02-27", invoice, self.step_predue, 0, "done", False),
                ("2026-03-09", invoice, self.step_reminder, 0, "done", False),
            ],
        )
        mails = self._mails(self.customer)
        self._pay(invoice, 1000.00, "2026-03-10")
        self.assertEqual(invoice.amount_residual, 0.0)

        # The days the repeats, demand, call and final demand were due.
        fired = self._walk(
            [
                "2026-03-10",
                "2026-03-16",
                "2026-03-23",
                "2026-04-11",
                "2026-04-21",
                "2026-05-11",
            ]
        )

        self.assertEqual(fired, [])
        self.assertEqual(self._mails(self.customer), mails)
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            )
        )

    def test_credit_note_reconciled_stops_collection(self):
        """A credit note of the full amount reconciled with the invoice: the
        invoice is no longer chased, and the credit note itself is never
        collected."""
        invoice = self._invoice(self.customer, "2026-03-02", 750.00)
        self.assertEqual(len(self._walk(["2026-03-09"])), 1)
        refund = self._invoice(
            self.customer, "2026-03-10", 750.00, move_type="out_refund"
        )
        (invoice + refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(refund.amount_residual, 0.0)

        fired = self._walk(
            ["2026-03-16", "2026-03-23", "2026-04-11", "2026-04-21", "2026-05-11"]
        )

        self.assertEqual(fired, [])
        self.assertFalse(
            self.env["debt.collection.event"].search([("move_id", "=", refund.id)])
        )

    def test_partial_credit_note_lowers_the_residual(self):
        """A credit note of 250.25 reconciled with an invoice of 1000.00:
        the reminder asks for 749.75."""
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)
        refund = self._invoice(
            self.customer, "2026-03-05", 250.25, move_type="out_refund"
        )
        (invoice + refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()

        fired = self._walk(["2026-03-09"])

        self.assertEqual(
            fired, [("2026-03-09", invoice, self.step_reminder, 0, "done", False)]
        )
        self.assertEqual(self._events(move_id=invoice.id).amount_residual, 749.75)
        self.assertIn(self._amount(749.75), self._body(self._mails(self.customer)))

    @requires_addon("debt_collection_demand")
    def test_partner_minimum_skips_small_totals(self):
        """The demand needs 100 per customer: 60 + 30 due together are both
        skipped "below the customer minimum", no e-mail; 60 + 50 give one
        demand listing both documents."""
        small = self._partner("Sklep Mały", "maly@example.com")
        big = self._partner("Sklep Duży", "duzy@example.com")
        small_a = self._invoice(small, "2026-03-02", 60.00)
        small_b = self._invoice(small, "2026-03-02", 30.00)
        big_a = self._invoice(big, "2026-03-02", 60.00)
        big_b = self._invoice(big, "2026-03-02", 50.00)

        fired = self._walk(["2026-04-11"])  # due date + 40: the demand

        self.assertEqual(
            sorted(fired, key=lambda f: f[1].id),
            [
                (
                    "2026-04-11",
                    small_a,
                    self.step_demand,
                    0,
                    "skipped",
                    "below_partner_minimum",
                ),
                (
                    "2026-04-11",
                    small_b,
                    self.step_demand,
                    0,
                    "skipped",
                    "below_partner_minimum",
                ),
                ("2026-04-11", big_a, self.step_demand, 0, "done", False),
                ("2026-04-11", big_b, self.step_demand, 0, "done", False),
            ],
        )
        self.assertFalse(self._mails(small))
        mail = self._mails(big)
        self.assertEqual(len(mail), 1)
        # The demand step prepares one demand document listing both invoices.
        demand = self._events(move_id=big_a.id).demand_id
        self.assertEqual(demand, self._events(move_id=big_b.id).demand_id)
        self.assertEqual(demand.line_ids.move_id, big_a + big_b)
        self.assertEqual(demand.amount_due, 110.00)
        body = self._body(mail)
        self.assertIn(big_a.name, body)
        self.assertIn(big_b.name, body)
        self.assertIn(self._amount(110.00), body)  # the PLN total

        # Skipped once: the next days add nothing.
        self.assertEqual(self._walk(["2026-04-12", "2026-04-13"]), [])

    def test_foreign_currency_minimum_in_company_currency(self):
        """EUR invoices (1 EUR = 4 PLN): 10.00 EUR is 40.00 PLN, above the
        reminder's minimum of 20 PLN, so it is reminded (in EUR); 4.99 EUR is
        19.96 PLN and is skipped below the item minimum."""
        sent = self._invoice(self.customer, "2026-03-02", 10.00, currency=self.eur)
        small = self._invoice(self.customer, "2026-03-02", 4.99, currency=self.eur)

        fired = self._walk(["2026-03-09"])

        self.assertEqual(
            sorted(fired, key=lambda f: f[1].id),
            [
                ("2026-03-09", sent, self.step_reminder, 0, "done", False),
                (
                    "2026-03-09",
                    small,
                    self.step_reminder,
                    0,
                    "skipped",
                    "below_item_minimum",
                ),
            ],
        )
        event = self._events(move_id=sent.id)
        self.assertEqual(event.amount_residual, 40.00)
        self.assertEqual(event.company_currency_id, self.pln)
        self.assertEqual(event.amount_residual_currency, 10.00)
        self.assertEqual(event.amount_original_currency, 10.00)
        self.assertEqual(event.document_currency_id, self.eur)
        skipped = self._events(move_id=small.id)
        self.assertEqual(skipped.amount_residual, 19.96)
        self.assertEqual(skipped.amount_residual_currency, 4.99)

        mail = self._mails(self.customer)
        self.assertEqual(len(mail), 1)
        body = self._body(mail)
        self.assertIn(sent.name, body)
        self.assertNotIn(small.name, body)
        self.assertIn(self._amount(10.00, self.eur), body)
        self.assertIn("Total EUR", body)
        self.assertNotIn(self._amount(40.00), body)

    @requires_addon("debt_collection_demand")
    def test_foreign_currency_partner_minimum_in_company_currency(self):
        """The demand's customer minimum is 100 PLN: 20.00 + 6.00 EUR is
        104.00 PLN and is demanded; 20.00 + 4.99 EUR (99.96 PLN) is not."""
        above = self._partner("Importer Schmidt", "schmidt@example.com")
        below = self._partner("Importer Weber", "weber@example.com")
        above_a = self._invoice(above, "2026-03-02", 20.00, currency=self.eur)
        above_b = self._invoice(above, "2026-03-02", 6.00, currency=self.eur)
        below_a = self._invoice(below, "2026-03-02", 20.00, currency=self.eur)
        below_b = self._invoice(below, "2026-03-02", 4.99, currency=self.eur)

        fired = self._walk(["2026-04-11"])

        self.assertEqual(
            sorted(fired, key=lambda f: f[1].id),
            [
                ("2026-04-11", above_a, self.step_demand, 0, "done", False),
                ("2026-04-11", above_b, self.step_demand, 0, "done", False),
                (
                    "2026-04-11",
                    below_a,
                    self.step_demand,
                    0,
                    "skipped",
                    "below_partner_minimum",
                ),
                (
                    "2026-04-11",
                    below_b,
                    self.step_demand,
                    0,
                    "skipped",
                    "below_partner_minimum",
                ),
            ],
        )
        demand = self._events(move_id=above_a.id).demand_id
        self.assertEqual(demand.amount_due, 104.00)
        body = self._body(self._mails(above))
        self.assertIn(self._amount(26.00, self.eur), body)  # the EUR total
        self.assertFalse(self._mails(below))

    def test_foreign_currency_partial_payment(self):
        """An EUR invoice of 100.00 paid 37.50 EUR: the reminder asks for
        62.50 EUR, 250.00 PLN in the company's books."""
        invoice = self._invoice(self.customer, "2026-03-02", 100.00, currency=self.eur)
        (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": 37.50,
                    "currency_id": self.eur.id,
                    "payment_date": "2026-03-04",
                }
            )
            ._create_payments()
        )
        self.assertEqual(invoice.amount_residual, 62.50)

        self._walk(["2026-03-09"])

        event = self._events(move_id=invoice.id)
        self.assertEqual(event.state, "done")
        self.assertEqual(event.amount_residual_currency, 62.50)
        self.assertEqual(event.amount_residual, 250.00)
        self.assertEqual(event.amount_original_currency, 100.00)
        body = self._body(self._mails(self.customer))
        self.assertIn(self._amount(62.50, self.eur), body)
        self.assertIn(self._amount(100.00, self.eur), body)


@tagged("post_install", "-at_install")
class TestEngineItemsExclusion(ItemsCase):
    """Subject-to-collection flags, holds, existing documents and policies."""

    def _flag_events(self, partner):
        return self.env["debt.collection.event"].search(
            [("partner_id", "=", partner.id), ("event_type", "=", "flag")], order="id"
        )

    @requires_addon("debt_collection_demand")
    def test_excluded_partner_and_resume(self):
        """Switched off after the pre-due reminder: nothing on the reminder
        days; each switch is a 'flag' event; switched on again on day 44 it
        resumes with the step due then (the demand), not the missed reminders."""
        invoice = self._invoice(self.customer, "2026-03-02", 1500.00)
        self.assertEqual(len(self._walk(["2026-02-27"])), 1)
        mails = self._mails(self.customer)

        with freeze_time("2026-03-01 10:00:00"):
            self.customer.debt_collection_subject = False
        flags = self._flag_events(self.customer)
        self.assertEqual(len(flags), 1)
        self.assertFalse(flags.move_id)
        self.assertIn("switched off", str(flags.note))
        self.assertEqual(flags.company_id, self.company)

        fired = self._walk(
            ["2026-03-09", "2026-03-16", "2026-03-23", "2026-04-11", "2026-04-14"]
        )
        self.assertEqual(fired, [])
        self.assertEqual(self._mails(self.customer), mails)
        # Nothing is planned for an excluded customer.
        with freeze_time("2026-04-14 10:00:00"):
            self.customer.invalidate_recordset()
            invoice.invalidate_recordset()
            self.assertFalse(self.customer.debt_collection_next_step_id)
            self.assertFalse(invoice.debt_collection_next_step_id)
        # Writing the same value again records nothing.
        self.customer.debt_collection_subject = False
        self.assertEqual(len(self._flag_events(self.customer)), 1)

        with freeze_time("2026-04-15 10:00:00"):
            self.customer.debt_collection_subject = True
        flags = self._flag_events(self.customer)
        self.assertEqual(len(flags), 2)
        self.assertIn("switched on", str(flags[1].note))

        with freeze_time("2026-04-15 10:00:00"):
            self.customer.invalidate_recordset()
            self.assertEqual(
                self.customer.debt_collection_next_step_id, self.step_demand
            )
            self.assertEqual(self.customer.debt_collection_next_date, D("2026-04-15"))
        fired = self._walk(["2026-04-15", "2026-04-16"])
        self.assertEqual(
            fired, [("2026-04-15", invoice, self.step_demand, 0, "done", False)]
        )
        self.assertEqual(len(self._mails(self.customer)), len(mails) + 1)

    def test_contacts_follow_their_company(self):
        """An invoice addressed to a contact of an excluded company is not
        collected; once the company is on again it is, for the company."""
        contact = self.env["res.partner"].create(
            {
                "name": "Jan Kowalski",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "jan@kowalski.example.com",
            }
        )
        self.customer.debt_collection_subject = False
        self.assertFalse(contact.debt_collection_subject)
        late_contact = self.env["res.partner"].create(
            {"name": "Ewa Kowalska", "parent_id": self.customer.id}
        )
        self.assertFalse(late_contact.debt_collection_subject)

        invoice = self._invoice(contact, "2026-03-02", 500.00)
        self.assertFalse(invoice.debt_collection_subject)
        self.assertEqual(self._walk(["2026-02-27", "2026-03-09"]), [])
        # The flag events are the company's, not one per contact.
        self.assertEqual(len(self._flag_events(self.customer)), 1)
        self.assertFalse(self._flag_events(contact))

        self.customer.debt_collection_subject = True
        self.assertTrue(contact.debt_collection_subject)
        other = self._invoice(contact, "2026-03-02", 300.00)
        self.assertTrue(other.debt_collection_subject)
        fired = self._walk(["2026-03-10"])
        # The invoice created while the company was excluded keeps its own
        # flag off; the new one is collected, on behalf of the company.
        self.assertEqual(
            fired, [("2026-03-10", other, self.step_reminder, 0, "done", False)]
        )
        self.assertEqual(self._events(move_id=other.id).partner_id, self.customer)
        mail = self._mails(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            self._events(move_id=other.id).notice_id.recipient_ids, contact
        )
        self.assertIn("jan@kowalski.example.com", mail.email_to)
        self.assertNotIn("biuro@kowalski.example.com", mail.email_to)

    @requires_addon("debt_collection_demand")
    def test_excluded_document(self):
        """One invoice switched off: nothing for it, while the customer's
        other invoice is reminded alone; the switch is a 'flag' event on the
        document."""
        kept = self._invoice(self.customer, "2026-03-02", 400.00)
        excluded = self._invoice(self.customer, "2026-03-02", 600.00)
        excluded.debt_collection_subject = False
        flag = self.env["debt.collection.event"].search(
            [("move_id", "=", excluded.id), ("event_type", "=", "flag")]
        )
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag.partner_id, self.customer)

        fired = self._walk(["2026-02-27", "2026-03-09", "2026-03-16", "2026-04-11"])

        self.assertEqual(
            fired,
            [
                ("2026-02-27", kept, self.step_predue, 0, "done", False),
                ("2026-03-09", kept, self.step_reminder, 0, "done", False),
                ("2026-03-16", kept, self.step_reminder, 1, "done", False),
                ("2026-04-11", kept, self.step_demand, 0, "done", False),
            ],
        )
        for mail in self._mails(self.customer):
            self.assertIn(kept.name, self._body(mail))
            self.assertNotIn(excluded.name, self._body(mail))

    def test_new_invoice_of_excluded_partner_is_excluded(self):
        """A new invoice of an excluded customer starts with its flag off and
        stays uncollected after the customer is switched on again."""
        self.customer.debt_collection_subject = False
        invoice = self._invoice(self.customer, "2026-03-02", 800.00)
        self.assertFalse(invoice.debt_collection_subject)
        self.customer.debt_collection_subject = True
        self.assertFalse(invoice.debt_collection_subject)
        self.assertEqual(self._walk(["2026-03-09"]), [])
        # Switched on for the document, it is collected.
        invoice.debt_collection_subject = True
        self.assertEqual(
            self._walk(["2026-03-10"]),
            [("2026-03-10", invoice, self.step_reminder, 0, "done", False)],
        )

    def test_new_opening_balance_of_excluded_partner_is_excluded(self):
        """An opening balance entry booked for an excluded customer starts
        with its flag off, like an invoice, and is not collected once the
        customer is switched on again."""
        self.customer.debt_collection_subject = False
        entry = self._opening_balance(900.00, "2026-03-02")
        self.assertFalse(entry.debt_collection_subject)
        self.customer.debt_collection_subject = True
        self.assertEqual(self._walk(["2026-03-09"]), [])

    def test_excluded_opening_balance_entry(self):
        """An opening balance entry switched off: recorded as a 'flag' event
        of its customer, and never collected while the customer's invoice is."""
        entry = self._opening_balance(900.00, "2026-03-02")
        invoice = self._invoice(self.customer, "2026-03-02", 100.00)
        entry.debt_collection_subject = False
        flag = self.env["debt.collection.event"].search(
            [("move_id", "=", entry.id), ("event_type", "=", "flag")]
        )
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag.partner_id, self.customer)

        self.assertEqual(
            self._walk(["2026-03-09"]),
            [("2026-03-09", invoice, self.step_reminder, 0, "done", False)],
        )

    def test_opening_balance_entry_on_hold(self):
        """An opening balance entry put on hold from its form until 10 March:
        its reminder waits for the 11th; the hold is a 'hold' event of the
        customer."""
        entry = self._opening_balance(900.00, "2026-03-02")
        with freeze_time("2026-03-05 10:00:00"):
            action = entry.action_debt_collection_hold()
            self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
            self.env["debt.collection.hold.wizard"].with_context(
                **action["context"]
            ).create({"hold_until": "2026-03-10", "reason": "promise"}).action_hold()
        hold = self.env["debt.collection.event"].search(
            [("move_id", "=", entry.id), ("event_type", "=", "hold")]
        )
        self.assertEqual(len(hold), 1)
        self.assertEqual(hold.partner_id, self.customer)
        self.assertEqual(hold.hold_until, D("2026-03-10"))

        self.assertEqual(
            self._walk(self._days("2026-03-09", "2026-03-11")),
            [("2026-03-11", entry, self.step_reminder, 0, "done", False)],
        )

    def test_hold_until_a_date(self):
        """On hold until 10 March (dispute): nothing on the reminder's day
        (9 March) nor on the 10th; the reminder goes on the 11th. The hold and
        its lifting are 'hold' events."""
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)
        with freeze_time("2026-03-05 10:00:00"):
            wizard = (
                self.env["debt.collection.hold.wizard"]
                .with_context(**invoice.action_debt_collection_hold()["context"])
                .create(
                    {
                        "hold_until": "2026-03-10",
                        "reason": "dispute",
                        "note": "Customer says goods were damaged",
                    }
                )
            )
            wizard.action_hold()
        self.assertEqual(invoice.debt_collection_hold_until, D("2026-03-10"))
        holds = self.env["debt.collection.event"].search(
            [("move_id", "=", invoice.id), ("event_type", "=", "hold")]
        )
        self.assertEqual(len(holds), 1)
        self.assertEqual(holds.hold_until, D("2026-03-10"))
        self.assertEqual(holds.partner_id, self.customer)
        self.assertIn("Dispute", str(holds.note))
        self.assertIn("goods were damaged", str(holds.note))

        fired = self._walk(self._days("2026-03-06", "2026-03-12"))

        self.assertEqual(
            fired, [("2026-03-11", invoice, self.step_reminder, 0, "done", False)]
        )
        self.assertEqual(len(self._mails(self.customer)), 1)

        # A second hold, lifted early: collection goes on from the lift.
        invoice.write(
            {
                "debt_collection_hold_until": "2026-04-30",
                "debt_collection_hold_reason": "promise",
            }
        )
        self.assertEqual(self._walk(["2026-03-18", "2026-03-25"]), [])
        invoice.write(
            {"debt_collection_hold_until": False, "debt_collection_hold_reason": False}
        )
        holds = self.env["debt.collection.event"].search(
            [("move_id", "=", invoice.id), ("event_type", "=", "hold")], order="id"
        )
        self.assertEqual(len(holds), 3)
        self.assertEqual(holds[1].hold_until, D("2026-04-30"))
        self.assertFalse(holds[2].hold_until)
        self.assertIn("Hold lifted", str(holds[2].note))
        self.assertEqual(
            self._walk(["2026-03-26"]),
            [("2026-03-26", invoice, self.step_reminder, 1, "done", False)],
        )

    def test_same_due_date_with_and_without_history(self):
        """Three invoices due the same day under the same policy: the one
        reminded on 9 March gets its second reminder on the 16th, while the one
        held until the 14th and the one issued on the 10th get their first:
        what an item without history gets is not what one with history gets."""
        reminded = self._invoice(self.customer, "2026-03-02", 1000.00)
        held = self._invoice(self._partner("Beta Sp. z o.o."), "2026-03-02", 200.00)
        held.write(
            {
                "debt_collection_hold_until": "2026-03-14",
                "debt_collection_hold_reason": "dispute",
            }
        )
        self.assertEqual(
            self._walk(["2026-03-09"]),
            [("2026-03-09", reminded, self.step_reminder, 0, "done", False)],
        )
        with freeze_time("2026-03-10 10:00:00"):
            issued = self._invoice(
                self._partner("Gamma Sp. z o.o."), "2026-03-02", 300.00
            )

        fired = self._walk(["2026-03-16"])

        self.assertEqual(
            sorted(fired, key=lambda event: event[1].id),
            [
                ("2026-03-16", reminded, self.step_reminder, 1, "done", False),
                ("2026-03-16", held, self.step_reminder, 0, "done", False),
                ("2026-03-16", issued, self.step_reminder, 0, "done", False),
            ],
        )

    def _backdate(self, moves, days=1):
        """Make ``moves`` older than the switch-on: create_date is the
        transaction's time, the same for everything made in a test."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET create_date = create_date - %s * interval '1 day'"
            " WHERE id = ANY(%s)",
            (days, moves.ids),
        )
        moves.invalidate_recordset(["create_date"])

    def test_existing_documents_none(self):
        """Switched on with "only new documents": an invoice created before is
        ignored; one created after is collected."""
        old = self._invoice(self.customer, "2026-03-02", 700.00)
        new = self._invoice(self.customer, "2026-03-02", 300.00)
        self._backdate(old)
        self.assertLess(old.create_date, new.create_date)
        self.company.write(
            {
                "debt_collection_existing": "none",
                "debt_collection_enabled_date": new.create_date,
            }
        )

        # The flag tells the truth: the existing invoice is not collected.
        self.assertFalse(old.debt_collection_subject)
        self.assertTrue(new.debt_collection_subject)

        fired = self._walk(["2026-02-27", "2026-03-09"])

        self.assertEqual(
            fired,
            [
                ("2026-02-27", new, self.step_predue, 0, "done", False),
                ("2026-03-09", new, self.step_reminder, 0, "done", False),
            ],
        )
        for mail in self._mails(self.customer):
            self.assertNotIn(old.name, self._body(mail))

    def test_existing_document_ticked_by_hand_is_collected(self):
        """Only new documents are collected, but a collector ticks "Subject
        to Collection" on one existing invoice: that one is collected (and
        the change is in its history); the other existing one is not."""
        old = self._invoice(self.customer, "2026-03-02", 700.00)
        other = self._invoice(self.customer, "2026-03-02", 250.00)
        self._backdate(old + other)
        self.company.write(
            {
                "debt_collection_existing": "none",
                "debt_collection_enabled_date": fields.Datetime.now(),
            }
        )
        self.assertEqual((old + other).mapped("debt_collection_subject"), [False] * 2)

        old.with_user(self.collector).debt_collection_subject = True

        self.assertEqual(
            self._flag_events(self.customer).mapped("note"),
            [Markup("<p>Collection switched on again for this document.</p>")],
        )
        fired = self._walk(["2026-03-09"])
        self.assertEqual(
            fired, [("2026-03-09", old, self.step_reminder, 0, "done", False)]
        )
        self.assertNotIn(other.name, self._body(self._mails(self.customer)))

    def test_upgrade_unticks_the_existing_documents_left_out(self):
        """A database from before 18.0.1.1.0: the flags of the existing
        documents the choice leaves out were still ticked; the migration
        unticks them, and only them."""
        old = self._invoice(self.customer, "2026-03-02", 700.00)
        self._backdate(old)
        new = self._invoice(self.customer, "2026-03-02", 300.00)
        self.company.write(
            {
                "debt_collection_existing": "none",
                "debt_collection_enabled_date": new.create_date,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET debt_collection_subject = TRUE WHERE id = %s",
            [old.id],
        )
        old.invalidate_recordset()
        path = Path(__file__).parents[1] / "migrations/18.0.1.1.0/post-migrate.py"
        spec = importlib.util.spec_from_file_location("post_migrate", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual((old + new).mapped("debt_collection_subject"), [False, True])

    def test_changing_the_existing_choice_follows_on_the_flags(self):
        """From "none" to "all": the existing documents are ticked again,
        except one whose flag someone unticked by hand; back to "none": all
        existing ones are unticked; new documents never change."""
        old = self._invoice(self.customer, "2026-03-02", 700.00)
        kept_out = self._invoice(self.customer, "2026-03-02", 250.00)
        self._backdate(old + kept_out)
        new = self._invoice(self.customer, "2026-03-02", 300.00)
        self.company.write(
            {
                "debt_collection_existing": "none",
                "debt_collection_enabled_date": new.create_date,
            }
        )
        kept_out.debt_collection_subject = True
        kept_out.debt_collection_subject = False  # by hand: stays out
        documents = old + kept_out + new
        self.assertEqual(
            documents.mapped("debt_collection_subject"), [False, False, True]
        )

        self.company.debt_collection_existing = "all"
        self.assertEqual(
            documents.mapped("debt_collection_subject"), [True, False, True]
        )

        self.company.debt_collection_existing = "none"
        self.assertEqual(
            documents.mapped("debt_collection_subject"), [False, False, True]
        )

    def test_existing_documents_from_due_date(self):
        """Switched on with "existing documents due from 1 March": existing
        ones due 28 February are ignored, those due on 1 March or later are
        collected, and new documents are collected whatever their due date."""
        old_before = self._invoice(self.customer, "2026-02-28", 100.00)
        old_on = self._invoice(self.customer, "2026-03-01", 200.00)
        old_after = self._invoice(self.customer, "2026-03-02", 300.00)
        new_before = self._invoice(self.customer, "2026-02-28", 400.00)
        self._backdate(old_before + old_on + old_after)
        self.company.write(
            {
                "debt_collection_existing": "from_due_date",
                "debt_collection_existing_due_from": "2026-03-01",
                "debt_collection_enabled_date": new_before.create_date,
            }
        )

        self.assertEqual(
            (old_before + old_on + old_after + new_before).mapped(
                "debt_collection_subject"
            ),
            [False, True, True, True],
        )

        fired = self._walk(["2026-03-09"])

        self.assertEqual(
            sorted(fired, key=lambda f: f[1].id),
            [
                ("2026-03-09", old_on, self.step_reminder, 0, "done", False),
                ("2026-03-09", old_after, self.step_reminder, 0, "done", False),
                ("2026-03-09", new_before, self.step_reminder, 0, "done", False),
            ],
        )
        self.assertNotIn(old_before.name, self._body(self._mails(self.customer)))

    def _policy(self, name, step_name, days):
        policy = self.env["debt.collection.policy"].create(
            {"name": name, "company_id": self.company.id}
        )
        step = self.env["debt.collection.step"].create(
            {
                "policy_id": policy.id,
                "name": step_name,
                "days": days,
                "action": "reminder",
                "mail_template_id": self.env["debt.collection.step"]
                ._default_template("reminder", days)
                .id,
            }
        )
        return policy, step

    def test_partner_and_document_policies_override_the_default(self):
        """The customer's policy replaces the company's; a document's policy
        replaces the customer's."""
        partner_policy, partner_step = self._policy("Key accounts", "Gentle nudge", 3)
        doc_policy, doc_step = self._policy("Disputed contract", "Contract reminder", 5)
        special = self._partner("Klient Kluczowy")
        special.with_company(self.company).debt_collection_policy_id = partner_policy
        by_partner = self._invoice(special, "2026-03-02", 1000.00)
        by_document = self._invoice(special, "2026-03-02", 2000.00, post=False)
        by_document.debt_collection_policy_id = doc_policy
        by_document.action_post()
        by_company = self._invoice(self.customer, "2026-03-02", 3000.00)

        fired = self._walk(self._days("2026-02-26", "2026-03-09"))

        self.assertEqual(
            fired,
            [
                ("2026-02-27", by_company, self.step_predue, 0, "done", False),
                ("2026-03-05", by_partner, partner_step, 0, "done", False),
                ("2026-03-07", by_document, doc_step, 0, "done", False),
                ("2026-03-09", by_company, self.step_reminder, 0, "done", False),
            ],
        )
        self.assertEqual(self._events(move_id=by_partner.id).policy_id, partner_policy)
        self.assertEqual(self._events(move_id=by_document.id).policy_id, doc_policy)
        self.assertEqual(self._events(move_id=by_company.id)[0].policy_id, self.policy)
        self.assertEqual(len(self._mails(special)), 2)


@tagged("post_install", "-at_install")
class TestEngineItemsKinds(ItemsCase):
    """Installments, opening balances and the summaries on a given day."""

    def _installment_invoice(self):
        """1000.00 invoiced on 1 March: 30 % due in 10 days, 70 % in 40."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30% in 10 days, 70% in 40 days",
                "early_discount": False,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30, "nb_days": 10}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70, "nb_days": 40}
                    ),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": "2026-03-01",
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": 1000.00,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        items = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertEqual(
            items.mapped("date_maturity"), [D("2026-03-11"), D("2026-04-10")]
        )
        self.assertEqual(items.mapped("amount_residual"), [300.00, 700.00])
        return invoice, items

    @requires_addon("debt_collection_demand")
    def test_installments_are_separate_items(self):
        """30 % in 10 days and 70 % in 40 days: two items with their own due
        dates, each reminded on its own days for its own amount."""
        invoice, (first, second) = self._installment_invoice()

        fired = []
        for day in self._days("2026-03-01", "2026-04-20"):
            before = self._events()
            self._run(day)
            fired += [
                (str(day), e.move_line_id, e.step_id, e.occurrence, e.amount_residual)
                for e in self._events() - before
            ]

        self.assertEqual(
            fired,
            [
                ("2026-03-08", first, self.step_predue, 0, 300.00),
                ("2026-03-18", first, self.step_reminder, 0, 300.00),
                ("2026-03-25", first, self.step_reminder, 1, 300.00),
                ("2026-04-01", first, self.step_reminder, 2, 300.00),
                ("2026-04-07", second, self.step_predue, 0, 700.00),
                ("2026-04-17", second, self.step_reminder, 0, 700.00),
                ("2026-04-20", first, self.step_demand, 0, 300.00),
            ],
        )
        events = self._events(move_line_id=second.id)
        self.assertEqual(events.mapped("date_maturity"), [D("2026-04-10")] * 2)
        self.assertEqual(events.mapped("amount_original_currency"), [700.00] * 2)
        self.assertEqual(events[1].days_overdue, 7)
        reminder_mail = events[1].notice_id.mail_message_id
        self.assertTrue(reminder_mail)
        body = self._body(reminder_mail)
        self.assertIn(self._amount(700.00), body)
        self.assertNotIn(self._amount(300.00), body)

    def test_paid_installment_stops_only_that_installment(self):
        """The first installment (300.00) paid: its reminder is not sent, the
        second installment is still reminded for 700.00."""
        invoice, (first, second) = self._installment_invoice()
        self.assertEqual(
            self._walk(["2026-03-08"]),
            [("2026-03-08", invoice, self.step_predue, 0, "done", False)],
        )
        self._pay(invoice, 300.00, "2026-03-11")
        self.assertTrue(first.reconciled)
        self.assertEqual(second.amount_residual, 700.00)

        fired = self._walk(["2026-03-18", "2026-03-25", "2026-04-07", "2026-04-17"])

        self.assertEqual(
            fired,
            [
                ("2026-04-07", invoice, self.step_predue, 0, "done", False),
                ("2026-04-17", invoice, self.step_reminder, 0, "done", False),
            ],
        )
        self.assertEqual(
            self._events(move_id=invoice.id).mapped("move_line_id"),
            first + second + second,
        )
        self.assertEqual(
            self._events(step_id=self.step_reminder.id).amount_residual, 700.00
        )

    def test_opening_balance_entry_is_collected(self):
        """A receivable opening balance booked as a journal entry (not an
        invoice) is reminded like an invoice."""
        entry = self._opening_balance(1234.56, "2026-03-02")
        self.assertTrue(entry.debt_collection_subject)

        fired = self._walk(["2026-02-27", "2026-03-09"])

        self.assertEqual(
            fired,
            [
                ("2026-02-27", entry, self.step_predue, 0, "done", False),
                ("2026-03-09", entry, self.step_reminder, 0, "done", False),
            ],
        )
        event = self._events(step_id=self.step_reminder.id)
        self.assertEqual(event.partner_id, self.customer)
        self.assertEqual(event.amount_residual, 1234.56)
        self.assertEqual(event.date_maturity, D("2026-03-02"))
        mails = self._mails(self.customer)
        self.assertEqual(len(mails), 2)
        self.assertIn(entry.name, self._body(mails[1]))
        self.assertIn(self._amount(1234.56), self._body(mails[1]))
        self.assertEqual(entry.debt_collection_stage_id, self.step_reminder)

    def test_paid_opening_balance_stops_and_leaves_the_summary(self):
        """An opening balance paid after its reminder: nothing more is sent,
        and the customer no longer shows an overdue amount, a stage or a next
        action on its account."""
        entry = self._opening_balance(800.00, "2026-03-02")
        self._walk(["2026-03-09"])
        with freeze_time(datetime(2026, 3, 10, 10)):
            self.customer.invalidate_recordset()
            self.assertRecordValues(
                self.customer,
                [
                    {
                        "debt_collection_overdue_amount": 800.00,
                        "debt_collection_oldest_days": 8,
                        "debt_collection_stage_id": self.step_reminder.id,
                        "debt_collection_next_step_id": self.step_reminder.id,
                        "debt_collection_next_date": D("2026-03-16"),
                    }
                ],
            )

        item = entry.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=item.ids)
            .create({"amount": 800.00, "payment_date": "2026-03-12"})
            ._create_payments()
        )
        self.assertTrue(item.reconciled)

        self.assertEqual(self._walk(["2026-03-16", "2026-03-23", "2026-04-11"]), [])
        with freeze_time(datetime(2026, 4, 12, 10)):
            self.customer.invalidate_recordset()
            entry.invalidate_recordset()
            self.assertRecordValues(
                self.customer,
                [
                    {
                        "debt_collection_overdue_amount": 0.0,
                        "debt_collection_oldest_days": 0,
                        "debt_collection_stage_id": False,
                        "debt_collection_next_step_id": False,
                        "debt_collection_next_date": False,
                    }
                ],
            )
            self.assertFalse(entry.debt_collection_next_step_id)

    @requires_addon("debt_collection_demand")
    def test_partner_and_document_summary_on_a_day(self):
        """On 25 March: overdue 1500.50 (the invoice due 10 April is not
        overdue), oldest 23 days, stage "Overdue reminder", next action the
        reminder of the invoice due 20 March on 27 March; the documents show
        their own stage and next action. Paid, the reminded invoice leaves
        the summary."""
        first = self._invoice(self.customer, "2026-03-02", 1000.00)
        second = self._invoice(self.customer, "2026-03-20", 500.50)
        third = self._invoice(self.customer, "2026-04-10", 200.00)
        self._walk(["2026-02-27", "2026-03-09", "2026-03-16", "2026-03-23"])
        self.assertEqual(len(self._events(move_id=first.id)), 4)

        moves = first + second + third
        with freeze_time(datetime(2026, 3, 25, 10)):
            self.customer.invalidate_recordset()
            moves.invalidate_recordset()
            self.assertRecordValues(
                self.customer,
                [
                    {
                        "debt_collection_overdue_amount": 1500.50,
                        "debt_collection_oldest_days": 23,
                        "debt_collection_stage_id": self.step_reminder.id,
                        "debt_collection_next_step_id": self.step_reminder.id,
                        "debt_collection_next_date": D("2026-03-27"),
                    }
                ],
            )
            self.assertRecordValues(
                moves,
                [
                    {
                        "debt_collection_stage_id": self.step_reminder.id,
                        "debt_collection_last_action_date": D("2026-03-23"),
                        "debt_collection_next_step_id": self.step_demand.id,
                        "debt_collection_next_date": D("2026-04-11"),
                    },
                    {
                        "debt_collection_stage_id": False,
                        "debt_collection_last_action_date": False,
                        "debt_collection_next_step_id": self.step_reminder.id,
                        "debt_collection_next_date": D("2026-03-27"),
                    },
                    {
                        "debt_collection_stage_id": False,
                        "debt_collection_last_action_date": False,
                        "debt_collection_next_step_id": self.step_predue.id,
                        "debt_collection_next_date": D("2026-04-07"),
                    },
                ],
            )

        self._pay(first, 1000.00, "2026-03-25")
        with freeze_time(datetime(2026, 3, 25, 10)):
            self.customer.invalidate_recordset()
            moves.invalidate_recordset()
            self.assertRecordValues(
                self.customer,
                [
                    {
                        "debt_collection_overdue_amount": 500.50,
                        "debt_collection_oldest_days": 5,
                        "debt_collection_stage_id": False,
                        "debt_collection_next_step_id": self.step_reminder.id,
                        "debt_collection_next_date": D("2026-03-27"),
                    }
                ],
            )
            self.assertFalse(first.debt_collection_next_step_id)
            self.assertFalse(first.debt_collection_next_date)

        # On hold until 30 March, the second invoice's reminder moves to the
        # 31st, and the customer's next action with it.
        second.write(
            {
                "debt_collection_hold_until": "2026-03-30",
                "debt_collection_hold_reason": "promise",
            }
        )
        with freeze_time(datetime(2026, 3, 25, 10)):
            self.customer.invalidate_recordset()
            moves.invalidate_recordset()
            self.assertEqual(second.debt_collection_next_step_id, self.step_reminder)
            self.assertEqual(second.debt_collection_next_date, D("2026-03-31"))
            self.assertEqual(
                self.customer.debt_collection_next_step_id, self.step_reminder
            )
            self.assertEqual(self.customer.debt_collection_next_date, D("2026-03-31"))
            # Held documents are still overdue.
            self.assertEqual(self.customer.debt_collection_overdue_amount, 500.50)

    def test_partner_summary_counts_contacts_and_foreign_currency(self):
        """The summary is the company's: an EUR invoice addressed to a contact
        counts in PLN (25.00 EUR = 100.00 PLN) with the company's own."""
        contact = self.env["res.partner"].create(
            {"name": "Jan Kowalski", "parent_id": self.customer.id, "type": "invoice"}
        )
        self._invoice(self.customer, "2026-03-02", 250.00)
        self._invoice(contact, "2026-03-10", 25.00, currency=self.eur)
        with freeze_time(datetime(2026, 3, 20, 10)):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.debt_collection_overdue_amount, 350.00)
            self.assertEqual(self.customer.debt_collection_oldest_days, 18)
            self.assertEqual(self.customer.debt_collection_currency_id, self.pln)
            # The contact shows its company's summary.
            self.assertEqual(contact.debt_collection_overdue_amount, 350.00)
