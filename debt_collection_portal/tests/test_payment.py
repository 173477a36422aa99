"""Paying online from "My payments" with Odoo's demo provider: one invoice,
several, or everything overdue; the amount is what the documents owe; the
payment stops collection at once, a failed one lets it go on."""

from datetime import timedelta
from urllib.parse import urlencode

from odoo.tests import HttpCase, JsonRpcException, tagged
from odoo.tools import mute_logger

from .common import PortalCase


@tagged("post_install", "-at_install")
class TestPortalPayment(PortalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv1 = cls._invoice(cls.customer, cls.today - timedelta(days=20), 1000.0)
        cls.inv2 = cls._invoice(cls.customer, cls.today - timedelta(days=10), 234.56)
        cls.not_due = cls._invoice(cls.customer, cls.today + timedelta(days=10), 300.0)
        cls.other = cls._invoice(
            cls.other_customer, cls.today - timedelta(days=10), 50.0
        )

    def setUp(self):
        super().setUp()
        self.token = self._link().token

    def _pay_page(self, moves=None, **params):
        pairs = [("company_id", self.company.id), ("access_token", self.token)]
        pairs += [("move_ids", move.id) for move in moves or ()]
        url = f"/my/payments/pay?{urlencode(pairs + list(params.items()))}"
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.text

    def _transaction(self, moves, amount=1.0, token=None):
        """What the payment form sends when the customer clicks Pay (with a
        tampered amount and landing page: the server decides both)."""
        ids = "-".join(str(i) for i in sorted(moves.ids))
        return self.make_jsonrpc_request(
            f"/my/payments/transaction/{self.company.id}/{ids}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "amount": amount,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "https://example.com/elsewhere",
                "is_validation": False,
                "access_token": token or self.token,
            },
        )

    def _simulate(self, reference, state):
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": reference,
                "payment_details": "4242",
                "simulated_state": state,
            },
        )
        return (
            self.env["payment.transaction"]
            .sudo()
            .search([("reference", "=", reference)])
        )

    def test_pay_two_invoices_stops_collection_at_once(self):
        page = self._pay_page(self.inv1 | self.inv2)
        self.assertIn("o_payment_form", page)
        self.assertIn(
            f'data-transaction-route="/my/payments/transaction/{self.company.id}/'
            f'{self.inv1.id}-{self.inv2.id}"',
            page,
        )
        self.assertIn("1,234.56", page)
        values = self._transaction(self.inv1 | self.inv2)
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .search([("reference", "=", values["reference"])])
        )
        self.assertEqual(
            (tx.amount, tx.currency_id, tx.partner_id, tx.invoice_ids, tx.state),
            (1234.56, self.pln, self.customer, self.inv1 | self.inv2, "draft"),
        )
        self.assertEqual(
            tx.landing_route, f"/my/payments?done=payment&access_token={self.token}"
        )
        tx = self._simulate(tx.reference, "done")
        self.assertEqual(tx.state, "done")
        # Collection stops at once, before the payment is even booked.
        hold_until = self.today + timedelta(days=5)
        for invoice in self.inv1 | self.inv2:
            self.assertEqual(
                (
                    invoice.debt_collection_hold_until,
                    invoice.debt_collection_hold_reason,
                ),
                (hold_until, "payment"),
            )
        hold = self._events(event_type="hold", move_id=self.inv1.id)
        self.assertIn(tx.reference, str(hold.note))
        self.assertIn("1,234.56", str(hold.note))
        page = self.url_open(f"/my/payments?access_token={self.token}").text
        self.assertIn('data-status="payment"', page)
        self._run(self.today)
        self.assertFalse(self._events(event_type="action", move_id=self.inv1.id))
        self.assertFalse(self._events(event_type="action", move_id=self.inv2.id))
        # Booked: the invoices are paid and leave the page.
        tx._post_process()
        for invoice in self.inv1 | self.inv2:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.assertFalse(invoice.amount_residual)
        self.assertEqual(tx.payment_id.amount, 1234.56)
        page = self.url_open(f"/my/payments?access_token={self.token}").text
        self.assertNotIn(f'value="{self.inv1.id}"', page)
        self.assertIn(f'value="{self.not_due.id}"', page)

    def test_the_amount_is_what_the_documents_owe(self):
        self._pay(self.inv1, 400.0, self.today)
        values = self._transaction(self.inv1, amount=0.01)
        self.assertEqual(values["amount"], 600.0)

    def test_pay_everything_overdue(self):
        page = self._pay_page(overdue=1, currency_id=self.pln.id)
        self.assertIn(
            f'/my/payments/transaction/{self.company.id}/{self.inv1.id}-{self.inv2.id}"',
            page,
        )
        self.assertNotIn(self.not_due.name, page)
        self.assertIn("1,234.56", page)

    def test_a_failed_payment_lets_collection_go_on(self):
        values = self._transaction(self.inv2)
        tx = self._simulate(values["reference"], "pending")
        self.assertEqual(tx.state, "pending")
        self.assertEqual(self.inv2.debt_collection_hold_reason, "payment")
        tx._set_canceled()
        self.assertFalse(self.inv2.debt_collection_hold_until)
        self.assertFalse(self.inv2.debt_collection_hold_reason)
        notes = self._events(event_type="hold", move_id=self.inv2.id).mapped("note")
        self.assertEqual(len(notes), 2)
        self.assertIn("Hold lifted.", str(notes[1]))

    def test_a_partial_payment_booked_lets_the_rest_be_chased(self):
        values = self._transaction(self.inv2)
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .search([("reference", "=", values["reference"])])
        )
        tx.amount = 100.0  # the provider confirmed less than asked
        tx = self._simulate(tx.reference, "done")
        tx._post_process()
        self.assertAlmostEqual(self.inv2.amount_residual, 134.56)
        self.assertFalse(self.inv2.debt_collection_hold_until)

    def test_documents_of_others_cannot_be_paid_here(self):
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._transaction(self.other)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._transaction(self.inv1 | self.other)
        expired = self._link(days=-1)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self._transaction(self.inv1, token=expired.token)
        self.assertFalse(
            self.env["payment.transaction"]
            .sudo()
            .search([("invoice_ids", "in", self.other.ids)])
        )
        self.assertFalse(
            self.env["payment.transaction"]
            .sudo()
            .search([("partner_id", "=", self.customer.id)])
        )

    def test_a_link_holder_cannot_use_the_customers_saved_card(self):
        saved = (
            self.env["payment.token"]
            .sudo()
            .create(
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": self.provider.payment_method_ids[:1].id,
                    "payment_details": "9876",
                    "partner_id": self.customer.id,
                    "provider_ref": "saved card",
                    "demo_simulated_state": "done",
                }
            )
        )
        page = self._pay_page(self.inv1)
        self.assertNotIn("9876", page)
        self.assertNotIn('data-payment-option-type="token"', page)
        ids = str(self.inv1.id)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                f"/my/payments/transaction/{self.company.id}/{ids}",
                {
                    "provider_id": self.provider.id,
                    "payment_method_id": None,
                    "token_id": saved.id,
                    "flow": "token",
                    "tokenization_requested": False,
                    "is_validation": False,
                    "access_token": self.token,
                },
            )
        self.assertFalse(self.inv1.transaction_ids)
