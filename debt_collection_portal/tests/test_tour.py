from datetime import timedelta

from odoo.tests import HttpCase, tagged

from odoo.addons.debt_collection_desk.models.debt_collection_case import (
    DISPUTE_HOLD_UNTIL,
)

from .common import LINK_RE, PortalCase


@tagged("post_install", "-at_install")
class TestPortalTour(PortalCase, HttpCase):
    """A customer answers a reminder in headless Chromium, without logging in."""

    def test_customer_promises_disputes_pays_and_confirms(self):
        to_promise = self._overdue(self.customer, 20, 1000.0)
        to_dispute = self._overdue(self.customer, 15, 500.0)
        to_pay = self._overdue(self.customer, 10, 234.56)
        Confirmation = self.env["debt.collection.balance.confirmation"]
        confirmation, _left_out = Confirmation._create_for(
            self.company, self.today, self.customer
        )
        confirmation._send_email()
        self._run(self.today)
        reminder = self._mails(self.customer)
        self.assertEqual(len(reminder), 1)
        link = LINK_RE.search(reminder.body_html).group(1)

        self.start_tour(link, "debt_collection_portal_tour")

        case = self._case()
        self.assertEqual(
            (case.promise_state, case.promise_amount, case.promise_move_ids),
            ("open", 1000.0, to_promise),
        )
        self.assertEqual(case.promise_date, self.today + timedelta(days=7))
        self.assertEqual(
            (
                to_dispute.debt_collection_hold_until,
                to_dispute.debt_collection_hold_reason,
            ),
            (DISPUTE_HOLD_UNTIL, "dispute"),
        )
        dispute = self._events(event_type="dispute")
        self.assertIn("The goods arrived damaged.", str(dispute.note))
        self.assertEqual(dispute.channel, "portal")
        transaction = to_pay.transaction_ids
        self.assertEqual((transaction.state, transaction.amount), ("done", 234.56))
        self.assertIn(to_pay.payment_state, ("paid", "in_payment"))
        self.assertEqual(to_pay.debt_collection_hold_reason, "payment")
        self.assertEqual(
            (confirmation.state, confirmation.answer_origin), ("confirmed", "portal")
        )
        # Nothing more is chased today: promised, disputed and paid.
        self._run(self.today + timedelta(days=1))
        self.assertFalse(
            self._events(event_type="action").filtered(
                lambda e: e.scheduled_date > self.today
            )
        )
