"""Settling demands from their forms: Odoo's payment wizard (bank or cash
journal) on what they demand, or the customer's open credits; the demand
closes as paid."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.debt_collection_interest.tests.test_settlement import SettlementCase


@tagged("post_install", "-at_install")
class TestDemandSettlement(SettlementCase):
    def _demand(self, invoices):
        items = invoices.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        with freeze_time("2026-04-14 09:00:00"):
            return self.env["debt.collection.demand"]._create_for_items(
                self.company,
                "demand",
                items,
                date=date(2026, 4, 14),
                auto_approve=True,
            )

    def test_demand_paid_in_one_payment(self):
        """A demand of two invoices is paid by one payment of both: it closes
        as paid."""
        second = self._invoice(self.customer, "2026-03-10", 2500.00)
        demand = self._demand(self.invoice + second)
        self.assertEqual(demand.state, "approved")
        payment = self._pay(demand, self.bank, day="2026-04-20")
        self.assertEqual(payment.amount, 12500.00)
        self.assertEqual((self.invoice + second).mapped("amount_residual"), [0.0, 0.0])
        self.assertEqual((demand.state, demand.close_reason), ("closed", "paid"))

    def test_demand_settled_with_credits_then_cash(self):
        credit = self._credit_note(1000.00)
        demand = self._demand(self.invoice)
        demand.with_user(self.accountant).action_apply_credits()
        self.assertEqual(self.invoice.amount_residual, 9000.00)
        self.assertEqual(credit.amount_residual, 0.0)
        self.assertEqual(demand.state, "approved")
        payment = self._pay(demand, self.cash, day="2026-04-21")
        self.assertEqual(payment.amount, 9000.00)
        self.assertEqual((demand.state, demand.close_reason), ("closed", "paid"))
        with self.assertRaisesRegex(
            UserError, "cannot be paid from here: it is Closed"
        ):
            demand.with_user(self.accountant).action_register_payment()
