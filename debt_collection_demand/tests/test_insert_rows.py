"""The lines of the demands a run prepares are inserted by ``insert_rows``,
not ``create``: the database must hold the same values either way."""

from odoo.tests import tagged

from odoo.addons.debt_collection.tests.common import DebtCollectionCase
from odoo.addons.debt_collection.tools.insert import insert_rows

# What create() stores and insert_rows() may not: the record's own identity.
OWN_COLUMNS = {"id", "create_date", "write_date"}


@tagged("post_install", "-at_install")
class TestInsertRows(DebtCollectionCase):
    def test_lines_stored_as_create_stores_them(self):
        invoices = self._invoice(self.customer, "2026-01-10", 1000) | self._invoice(
            self.customer, "2026-01-20", 500, currency=self.eur
        )
        items = invoices.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        demand = self.env["debt.collection.demand"].create(
            {
                "kind": "demand",
                "company_id": self.company.id,
                "partner_id": self.customer.id,
            }
        )
        vals_list = [
            {
                "demand_id": demand.id,
                "company_id": self.company.id,
                "move_line_id": item.id,
                "move_id": item.move_id.id,
                "date_maturity": item.date_maturity,
                "currency_id": item.currency_id.id,
                # Amounts as Python computes them: rounded when stored.
                "amount_original": 1234.565,
                "amount_due": 0.125,
                "amount_due_company": 10.005 + index,
                "days_overdue": 3,
            }
            for index, item in enumerate(items)
        ]
        Line = self.env["debt.collection.demand.line"]
        created = Line.create(vals_list)
        inserted = insert_rows(Line, vals_list)
        self.env.invalidate_all()

        columns = [
            name
            for name, field in Line._fields.items()
            if field.store and field.column_type and name not in OWN_COLUMNS
        ]

        def stored(lines):
            return [
                {name: value for name, value in row.items() if name != "id"}
                for row in lines.read(columns, load=None)
            ]

        self.assertEqual(stored(inserted), stored(created))
        # To the grosz (and cent), half up, in each line's currency.
        self.assertEqual(inserted.currency_id, self.pln | self.eur)
        self.assertEqual(inserted.mapped("amount_due"), [0.13, 0.13])
        self.assertEqual(inserted.mapped("amount_original"), [1234.57, 1234.57])
        self.assertEqual(inserted.mapped("amount_due_company"), [10.01, 11.01])
        # The demand lists them, as it lists the lines create() made.
        self.assertEqual(demand.line_ids, created | inserted)
