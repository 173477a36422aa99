"""Days overdue (tools/overdue.py): the Python function and the SQL expression
the ageing and the KPIs use agree, day by day around the due date."""

from datetime import date, timedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..tools.overdue import (
    days_overdue,
    days_overdue_sql,
    days_past_due,
    days_past_due_sql,
)

DUE = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestDaysOverdue(TransactionCase):
    def test_python(self):
        self.assertEqual(days_overdue(DUE, DUE), 0)
        self.assertEqual(days_overdue(DUE, date(2026, 3, 3)), 1)
        self.assertEqual(days_overdue(DUE, date(2026, 2, 20)), 0)
        self.assertEqual(days_past_due(DUE, date(2026, 2, 20)), -10)
        # Across the end of February and of the year.
        self.assertEqual(days_overdue(date(2025, 12, 15), date(2026, 1, 14)), 30)
        self.assertEqual(days_overdue(None, DUE), 0)
        self.assertEqual(days_overdue(DUE, False), 0)

    def test_sql_agrees_with_python(self):
        days = [DUE + timedelta(days=n) for n in range(-40, 400, 7)]
        rows = self.env.execute_query(
            SQL(
                "SELECT d, %s, %s FROM unnest(%s::date[]) AS d",
                days_overdue_sql(SQL("%s", DUE), SQL("d")),
                days_past_due_sql(DUE, SQL("d")),
                days,
            )
        )
        self.assertEqual(len(rows), len(days))
        for day, overdue, past_due in rows:
            self.assertEqual(
                (overdue, past_due), (days_overdue(DUE, day), days_past_due(DUE, day))
            )
