"""What the desk's cases read from the rest of collection: the customer's
open credits (netted in the overdue amount, or no case at all) and the
messages that could not be delivered."""

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.debt_collection.tests import test_credits, test_delivery


@tagged("post_install", "-at_install")
class TestCaseCredits(test_credits.CreditsCase):
    def _case(self):
        return self.env["debt.collection.case"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def test_credits_covering_the_invoice_open_no_case(self):
        self._invoice(self.customer, "2026-03-02", 1000.00)
        self._credit_note(self.customer, 1000.00, "2026-02-20")
        self._walk(self._days("2026-02-20", "2026-05-31"))
        self.assertFalse(self._case())

    def test_case_owes_the_overdue_amount_less_the_credits(self):
        self._invoice(self.customer, "2026-01-21", 1000.00)
        self._credit_note(self.customer, 400.00, "2026-02-20")
        self._walk(["2026-03-02"])
        self.assertEqual(self._case().overdue_amount, 600.00)


@tagged("post_install", "-at_install")
class TestCaseFailedDeliveries(test_delivery.DeliveryCase):
    def test_refused_recipient_shows_on_the_case_until_the_collector_calls(self):
        """The server refuses the customer's address (550); the step falls
        back to a call: the case shows the undelivered message until the
        collector's call activity is done."""
        self.step_reminder.fallback_channel = "phone"
        self._invoice(self.customer_b, test_delivery.MON_2, 400)
        self.smtp.recorder.refused["kasa@nowak.example.com"] = (
            "550 5.1.1 <kasa@nowak.example.com>: No such user"
        )
        with mute_logger(test_delivery.MAIL_LOGGER):
            self._run(test_delivery.MON_9)
            self._run(test_delivery.MON_9, hour=15)
        Case = self.env["debt.collection.case"].with_user(self.collector)
        case = Case.search([("partner_id", "=", self.customer_b.id)])
        self.assertEqual(case.failed_delivery_count, 1)
        self.assertIn(case, Case.search([("failed_delivery_count", ">", 0)]))
        action = case.action_open_failed_deliveries()
        self.assertEqual(
            self.env["debt.collection.delivery"].search(action["domain"]),
            self._deliveries(),
        )
        self._deliveries().activity_id.action_done()
        case.invalidate_recordset()
        self.assertEqual(case.failed_delivery_count, 0)
        self.assertNotIn(case, Case.search([("failed_delivery_count", ">", 0)]))
