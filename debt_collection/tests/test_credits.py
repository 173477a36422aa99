"""Open credits, entries of many customers and one message a day.

A customer's open credits (unreconciled credit notes, unapplied payments and
advances) are netted: listed under the documents, subtracted from what is
asked, and a customer whose credits cover what is due is not chased. The
lines of one opening-balance entry belong each to its own customer. A
customer whose documents reach several steps on one day gets one message.
"""

import html
import re
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import requires_addon
from .test_engine_items import ItemsCase

D = date.fromisoformat


class CreditsCase(ItemsCase):
    def _payment(self, partner, amount, on, memo="Payment"):
        """A customer payment received on ``on`` and not applied to anything."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": on,
                "memo": memo,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    def _entry(self, lines, on="2026-01-01"):
        """An opening-balance entry: ``lines`` are (partner, amount, due);
        negative amounts are the customers' credits."""
        receivable = self.receivable_account
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.company_data["default_journal_misc"].id,
                "date": on,
                "ref": "Bilans otwarcia",
                "line_ids": [
                    Command.create(
                        {
                            "name": f"BO {partner.name}",
                            "account_id": receivable.id,
                            "partner_id": partner.id,
                            "debit": max(amount, 0),
                            "credit": max(-amount, 0),
                            "date_maturity": due,
                        }
                    )
                    for partner, amount, due in lines
                ]
                + [
                    Command.create(
                        {
                            "name": "Bilans otwarcia",
                            "account_id": self.company_data[
                                "default_account_revenue"
                            ].id,
                            "debit": max(-sum(a for _p, a, _d in lines), 0),
                            "credit": max(sum(a for _p, a, _d in lines), 0),
                        }
                    )
                ],
            }
        )
        entry.action_post()
        return entry

    def _notices(self, partner=None):
        domain = [("company_id", "=", self.company.id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["debt.collection.notice"].search(domain, order="id")

    def _demands(self, partner=None):
        domain = [("company_id", "=", self.company.id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["debt.collection.demand"].search(domain, order="id")

    def _todo(self, day):
        with freeze_time(f"{day} 10:00:00"):
            worklist = self.env["debt.collection.worklist"].create(
                {"company_id": self.company.id, "date": day}
            )
            worklist.action_show()
        return worklist.line_ids


@tagged("post_install", "-at_install")
class TestOpenCredits(CreditsCase):
    @requires_addon("debt_collection_demand")
    def test_credits_covering_the_invoice_stop_collection(self):
        """A credit note as large as the invoice: no message, no demand, one
        skip with its reason, and a to-do line to reconcile them."""
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)
        self._credit_note(self.customer, 1000.00, "2026-02-20")
        fired = self._walk(self._days("2026-02-20", "2026-05-31"))
        self.assertEqual(
            fired,
            [
                (
                    "2026-02-27",
                    invoice,
                    self.step_predue,
                    0,
                    "skipped",
                    "covered_by_credits",
                )
            ],
        )
        self.assertFalse(self._mails(self.customer))
        self.assertFalse(self._demands(self.customer))
        reconcile = self._todo("2026-05-31").filtered(
            lambda line: line.kind == "reconcile"
        )
        self.assertEqual(reconcile.partner_id, self.customer)
        self.assertEqual(reconcile.amount, 1000.00)
        action = reconcile.action_reconcile_credits()
        self.assertEqual(
            self.env["account.move"].search(action["domain"]),
            invoice | self._credit_note_of(self.customer),
        )
        with freeze_time("2026-05-31 10:00:00"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.debt_collection_overdue_amount, 0.0)
            self.assertEqual(self.customer.debt_collection_credit_amount, 1000.00)

    def _credit_note_of(self, partner):
        return self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("partner_id", "=", partner.id)]
        )

    @requires_addon("debt_collection_demand")
    def test_a_grosz_more_than_the_credits_is_chased_for_the_net(self):
        """1,230.00 due, 230.00 of credit note open: every message lists the
        credit note under the invoice and asks for 1,000.00; so does the
        payment demand, to the grosz."""
        invoice = self._invoice(self.customer, "2026-03-02", 1230.00)
        refund = self._credit_note(self.customer, 230.00, "2026-02-25")
        self._walk(self._days("2026-02-25", "2026-04-11"))
        notices = self._notices(self.customer)
        self.assertEqual(
            [(n.date, n.step_id, n.amount_residual) for n in notices],
            [
                (D("2026-02-27"), self.step_predue, 1000.00),
                (D("2026-03-09"), self.step_reminder, 1000.00),
                (D("2026-03-16"), self.step_reminder, 1000.00),
                (D("2026-03-23"), self.step_reminder, 1000.00),
            ],
        )
        self.assertEqual(notices.credit_ids.move_id, refund)
        body = self._body(self._mails(self.customer)[1])
        self.assertIn(invoice.name, body)
        self.assertIn(f"Less: credit note {refund.name}", body)
        self.assertIn("Net amount due PLN", body)
        self.assertIn(self._amount(1000.00), body)
        self.assertIn(self._amount(-230.00), body)
        demand = self._demands(self.customer)
        self.assertEqual(demand.date, D("2026-04-11"))
        self.assertEqual(demand.line_ids.amount_due, 1230.00)
        self.assertEqual(demand.credit_ids.amount, 230.00)
        self.assertEqual(demand.amount_due, 1000.00)
        self.assertEqual(demand._get_totals()[0][:2], (self.pln, 1000.00))
        letter = (
            self.env["ir.actions.report"]
            ._render_qweb_html("debt_collection_demand.report_demand", demand.ids)[0]
            .decode()
        )
        text = " ".join(re.sub(r"<[^>]+>", "", html.unescape(letter)).split())
        # As in the e-mail: Odoo's format, the minus kept with its number.
        self.assertIn(
            f"Credit note {refund.name} -\N{ZERO WIDTH NO-BREAK SPACE}230.00 zł", text
        )
        self.assertIn("Total to pay, less your open credits 1,000.00 zł", text)
        self.assertIn("In words: one thousand zlotys 00/100", text)

    def test_unapplied_payment_is_named_with_its_date(self):
        self._invoice(self.customer, "2026-03-02", 1000.00)
        self._payment(self.customer, 300.00, "2026-03-05")
        self._walk(["2026-03-09"])
        notice = self._notices(self.customer)
        self.assertEqual(notice.credit_ids.kind, "payment")
        self.assertEqual(notice.amount_residual, 700.00)
        body = self._body(self._mails(self.customer))
        self.assertIn("Less: payment of 03/05/2026 not yet applied", body)
        self.assertIn(self._amount(700.00), body)

    def test_a_step_that_does_not_net_lists_the_gross(self):
        self.step_reminder.net_credits = False
        self._invoice(self.customer, "2026-03-02", 1000.00)
        self._credit_note(self.customer, 1000.00, "2026-02-20")
        self._walk(["2026-03-09"])
        notice = self._notices(self.customer)
        self.assertEqual(notice.amount_residual, 1000.00)
        self.assertFalse(notice.credit_ids)
        self.assertNotIn("Less:", self._body(self._mails(self.customer)))

    def test_credits_net_within_their_currency(self):
        """A EUR credit note does not lower a PLN invoice, and is not listed
        under it."""
        self._invoice(self.customer, "2026-03-02", 1000.00)
        self._credit_note(self.customer, 500.00, "2026-02-20", currency=self.eur)
        self._walk(["2026-03-09"])
        notice = self._notices(self.customer)
        self.assertEqual(notice.amount_residual, 1000.00)
        self.assertFalse(notice.credit_ids)

    @requires_addon("debt_collection_demand")
    def test_customer_minimum_compares_the_net(self):
        """The demand needs 100.00 per customer: 1,000.00 less 950.00 of
        credits is 50.00, below it."""
        invoice = self._invoice(self.customer, "2026-01-21", 1000.00)
        self._credit_note(self.customer, 950.00, "2026-02-20")
        fired = self._walk(["2026-03-02"])
        self.assertEqual(
            fired,
            [
                (
                    "2026-03-02",
                    invoice,
                    self.step_demand,
                    0,
                    "skipped",
                    "below_partner_minimum",
                )
            ],
        )

    def test_credits_in_the_customer_summary(self):
        self._invoice(self.customer, "2026-01-21", 1000.00)
        self._credit_note(self.customer, 400.00, "2026-02-20")
        self._walk(["2026-03-02"])
        with freeze_time("2026-03-02 10:00:00"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.debt_collection_overdue_amount, 600.00)
            self.assertEqual(self.customer.debt_collection_credit_amount, 400.00)


@tagged("post_install", "-at_install")
class TestOneMessageADay(CreditsCase):
    """One invoice reaches the overdue reminder (day 7) and another the
    payment demand (day 40) on Monday 2 March 2026."""

    def setUp(self):
        super().setUp()
        self.reminded = self._invoice(self.customer, "2026-02-23", 500.00)
        self.demanded = self._invoice(self.customer, "2026-01-21", 800.00)

    @requires_addon("debt_collection_demand")
    def test_the_customer_gets_one_demand_listing_both(self):
        fired = self._walk(self._days("2026-03-02", "2026-03-31"))
        self.assertEqual(
            sorted((f for f in fired if f[0] == "2026-03-02"), key=lambda f: f[1].id),
            [
                ("2026-03-02", self.reminded, self.step_demand, 0, "done", False),
                ("2026-03-02", self.demanded, self.step_demand, 0, "done", False),
            ],
        )
        demand = self._demands(self.customer)
        self.assertEqual(demand.line_ids.move_id, self.reminded | self.demanded)
        self.assertEqual(demand.amount_due, 1300.00)
        self.assertEqual(len(self._mails(self.customer)), 1)
        # Demanded, the first invoice gets no softer reminder afterwards: the
        # rest of March brings only the phone call of the older invoice.
        self.assertEqual(
            [(f[0], f[1], f[2]) for f in fired if f[0] != "2026-03-02"],
            [("2026-03-12", self.demanded, self.step_call)],
        )
        self.assertEqual(self.reminded.debt_collection_stage_id, self.step_demand)

    @requires_addon("debt_collection_demand")
    def test_a_step_may_keep_one_message_per_step(self):
        self.step_demand.combine_messages = False
        fired = self._walk(["2026-03-02"])
        self.assertEqual(
            sorted(fired, key=lambda f: f[1].id),
            [
                ("2026-03-02", self.reminded, self.step_reminder, 0, "done", False),
                ("2026-03-02", self.demanded, self.step_demand, 0, "done", False),
            ],
        )
        self.assertEqual(self._demands(self.customer).line_ids.move_id, self.demanded)
        self.assertEqual(len(self._mails(self.customer)), 2)


class EntryOfManyCustomersCase(CreditsCase):
    """An opening balance brought over from another ERP: one entry, the
    balances of several customers."""

    def setUp(self):
        super().setUp()
        self.delta = self._partner("Delta Sp. z o.o.")
        self.epsilon = self._partner("Epsilon S.A.")
        self.zeta = self._partner("Zeta Sp. j.")
        self.entry = self._entry(
            [
                (self.delta, 3000.00, "2026-01-21"),
                (self.epsilon, 1500.00, "2026-01-21"),
                (self.zeta, -200.00, "2026-01-21"),
            ]
        )

    def _item(self, partner):
        return self.entry.line_ids.filtered(lambda line: line.partner_id == partner)


@tagged("post_install", "-at_install")
class TestEntryOfManyCustomers(EntryOfManyCustomersCase):
    @requires_addon("debt_collection_demand")
    def test_each_customer_is_demanded_its_own_balance(self):
        self._walk(["2026-03-02"])
        delta, epsilon = self._demands(self.delta), self._demands(self.epsilon)
        self.assertEqual(delta.line_ids.move_line_id, self._item(self.delta))
        self.assertEqual(delta.amount_due, 3000.00)
        self.assertEqual(epsilon.line_ids.move_line_id, self._item(self.epsilon))
        self.assertEqual(epsilon.amount_due, 1500.00)
        self.assertFalse(self._demands(self.zeta))
        body = self._body(self._mails(self.delta))
        self.assertIn(self._amount(3000.00), body)
        self.assertNotIn(self._amount(1500.00), body)
        self.assertNotIn("Epsilon", body)

    @requires_addon("debt_collection_demand")
    def test_the_demand_wizard_splits_the_entry_by_customer(self):
        wizard = self.env["debt.collection.demand.wizard"].create(
            {"move_ids": [Command.set(self.entry.ids)], "date": "2026-03-02"}
        )
        wizard.action_create()
        self.assertEqual(
            {d.partner_id: d.line_ids.move_line_id for d in wizard.demand_ids},
            {
                self.delta: self._item(self.delta),
                self.epsilon: self._item(self.epsilon),
            },
        )
