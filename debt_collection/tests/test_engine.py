from odoo.tests import tagged

from .common import DebtCollectionCase


@tagged("post_install", "-at_install")
class TestEngineTimeline(DebtCollectionCase):
    def test_timeline_120_days(self):
        """Every step fires on its day only, over 120 daily runs; the demand
        due on Saturday 11 April waits for Monday (the calendar is Mon-Fri)."""
        invoice = self._invoice(self.customer, "2026-03-02", 1234.56)
        fired = []
        start = invoice.invoice_date_due.toordinal() - 10
        for ordinal in range(start, start + 120):
            day = invoice.invoice_date_due.fromordinal(ordinal)
            before = len(self._events())
            self._run(day)
            for event in self._events()[before:]:
                fired.append(
                    (str(day), event.step_id.name, event.occurrence, event.state)
                )
        self.assertEqual(
            fired,
            [
                ("2026-02-27", "Pre-due reminder", 0, "done"),
                ("2026-03-09", "Overdue reminder", 0, "done"),
                ("2026-03-16", "Overdue reminder", 1, "done"),
                ("2026-03-23", "Overdue reminder", 2, "done"),
                ("2026-04-13", "Payment demand", 0, "done"),
                ("2026-04-21", "Phone the customer", 0, "done"),
                ("2026-05-11", "Final demand", 0, "done"),
            ],
        )
        self.assertEqual(len(self._mails(self.customer)), 6)
        self.assertEqual(invoice.debt_collection_stage_id, self.step_final)
