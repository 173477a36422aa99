from freezegun import freeze_time

from odoo.tests import tagged

from .common import DebtCollectionCase, requires_addon


@tagged("post_install", "-at_install")
class TestEngineTimeline(DebtCollectionCase):
    @requires_addon("debt_collection_demand")
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

    def test_next_action_date_follows_the_calendar(self):
        """The forecast shows the day the action will really go out: the
        reminder due on Saturday 14 March is announced for Monday 16 March,
        and for Tuesday 17 when Monday is a holiday."""
        invoice = self._invoice(self.customer, "2026-03-07", 500.00)
        with freeze_time("2026-03-10 10:00:00"):
            self.assertEqual(invoice.debt_collection_next_step_id, self.step_reminder)
            self.assertEqual(str(invoice.debt_collection_next_date), "2026-03-16")
            self.env["debt.collection.holiday"].create(
                {"name": "Święto firmowe", "date": "2026-03-16"}
            )
            invoice.invalidate_recordset()
            self.customer.invalidate_recordset()
            self.assertEqual(str(invoice.debt_collection_next_date), "2026-03-17")
            self.assertEqual(str(self.customer.debt_collection_next_date), "2026-03-17")
