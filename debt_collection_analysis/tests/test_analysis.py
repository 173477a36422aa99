import io
from datetime import date, timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.debt_collection.tests.common import DebtCollectionCase

AS_OF = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestAgeing(DebtCollectionCase):
    def _ageing(self, day=AS_OF, **options):
        report = self.env["debt.collection.ageing"].create({"date": day, **options})
        report._compute_lines()
        return report

    def _by_bucket(self, report, partner=None):
        """{bucket name: amount} of the report (of ``partner``)."""
        lines = report.line_ids.filtered(
            lambda line: not partner or line.partner_id == partner
        )
        result = {}
        for line in lines:
            result[line.bucket_id.name] = (
                result.get(line.bucket_id.name, 0) + line.amount
            )
        return result

    def test_default_buckets_of_a_new_company(self):
        buckets = self.company.debt_collection_bucket_ids.sorted(
            lambda b: (b.open_ended, b.days_to)
        )
        self.assertEqual(
            [
                (
                    b.name,
                    b.days_from if b.has_lower_limit else None,
                    b.days_to,
                    b.open_ended,
                )
                for b in buckets
            ],
            [
                ("Not yet due", None, 0, False),
                ("1-30 days", 1, 30, False),
                ("31-60 days", 31, 60, False),
                ("61-90 days", 61, 90, False),
                ("91-180 days", 91, 180, False),
                ("Over 180 days", 181, 0, True),
            ],
        )

    def test_bucket_at_every_boundary(self):
        expected = {
            -5: "Not yet due",
            0: "Not yet due",
            1: "1-30 days",
            30: "1-30 days",
            31: "31-60 days",
            60: "31-60 days",
            61: "61-90 days",
            90: "61-90 days",
            91: "91-180 days",
            180: "91-180 days",
            181: "Over 180 days",
            400: "Over 180 days",
        }
        invoices = {
            days: self._invoice(
                self.customer,
                AS_OF - timedelta(days=days),
                100 + days,
                invoice_date=min(AS_OF, AS_OF - timedelta(days=days)),
            )
            for days in expected
        }
        report = self._ageing()
        report._compute_items(self.customer)
        items = self.env["debt.collection.ageing.item"].search(
            [("report_id", "=", report.id)]
        )
        found = {
            item.move_id: (item.days_overdue, item.bucket_id.name) for item in items
        }
        for days, bucket in expected.items():
            self.assertEqual(
                found[invoices[days]], (days, bucket), f"{days} days overdue"
            )
            item = items.filtered(lambda i, d=days: i.move_id == invoices[d])
            self.assertEqual(item.amount, 100 + days)
        # Totals per bucket and overall.
        self.assertEqual(
            self._by_bucket(report),
            {
                "Not yet due": 95 + 100,
                "1-30 days": 101 + 130,
                "31-60 days": 131 + 160,
                "61-90 days": 161 + 190,
                "91-180 days": 191 + 280,
                "Over 180 days": 281 + 500,
            },
        )
        self.assertEqual(sum(report.line_ids.mapped("amount")), 2320)
        self.assertEqual(sum(report.line_ids.mapped("amount_overdue")), 2320 - 195)

    def test_ageing_as_of_an_earlier_date_ignores_later_payments(self):
        invoice = self._invoice(self.customer, "2026-05-15", 1230.45)
        other = self._invoice(self.customer, "2026-06-20", 99.99)
        before = self._by_bucket(self._ageing())
        self.assertEqual(before, {"31-60 days": 1230.45, "1-30 days": 99.99})
        self._pay(invoice, 230.45, "2026-07-03")
        self._pay(other, 99.99, "2026-07-10")
        # The month-end ageing reproduces the earlier figure...
        self.assertEqual(self._by_bucket(self._ageing()), before)
        # ... and later dates see the payments.
        self.assertEqual(
            self._by_bucket(self._ageing(date(2026, 7, 5))),
            {"31-60 days": 1000.0, "1-30 days": 99.99},
        )
        self.assertEqual(
            self._by_bucket(self._ageing(date(2026, 7, 31))), {"61-90 days": 1000.0}
        )
        # Before the invoice existed there is nothing.
        self.assertEqual(self._by_bucket(self._ageing(date(2026, 4, 1))), {})

    def test_payables_per_supplier(self):
        """Payables (zobowiązania): what the company owes its suppliers, in the
        same buckets, positive; a partial payment lowers it; a vendor refund
        not yet applied goes to the credits column; receivables and payables
        never mix; drill-down lists the bills."""
        supplier = self.env["res.partner"].create(
            {"name": "Hurtownia Stali Sp. z o.o.", "is_company": True}
        )
        late = self._invoice(supplier, "2026-05-15", 2000.00, move_type="in_invoice")
        soon = self._invoice(supplier, "2026-07-10", 450.50, move_type="in_invoice")
        self._pay(late, 500.00, "2026-06-01")
        refund = self._invoice(
            supplier,
            "2026-06-20",
            120.00,
            move_type="in_refund",
            invoice_date="2026-06-20",
        )
        self._invoice(self.customer, "2026-06-10", 300.00)
        payables = self._ageing(partner_type="supplier")
        self.assertEqual(
            self._by_bucket(payables),
            {
                "31-60 days": 1500.00,
                "Not yet due": 450.50,
                "Unapplied credits": -120.00,
            },
        )
        self.assertEqual(payables.line_ids.partner_id, supplier)
        self.assertEqual(sum(payables.line_ids.mapped("amount_overdue")), 1500.00)
        self.assertEqual(self._by_bucket(self._ageing()), {"1-30 days": 300.00})
        action = payables.line_ids[:1].action_open_items()
        items = self.env["debt.collection.ageing.item"].search(action["domain"])
        self.assertEqual(
            sorted((i.move_id.name, i.amount, i.days_overdue) for i in items),
            sorted(
                [
                    (late.name, 1500.00, 46),
                    (soon.name, 450.50, -10),
                    (refund.name, -120.00, 10),
                ]
            ),
        )
        self.assertIn("Payables ageing", payables.action_show()["name"])

    def test_open_credit_lowers_the_customer_total(self):
        self._invoice(self.customer, "2026-06-10", 500)
        self._invoice(self.customer, "2026-06-10", 120, move_type="out_refund")
        report = self._ageing()
        self.assertEqual(sum(report.line_ids.mapped("amount")), 380)

    def test_multi_currency(self):
        # 1 PLN = 0.25 EUR: 1,000.00 EUR is 4,000.00 PLN.
        invoice = self._invoice(self.customer, "2026-06-01", 1000, currency=self.eur)
        self._invoice(self.customer, "2026-06-01", 700)
        self._pay(invoice, 200, "2026-06-10")
        report = self._ageing()
        lines = report.line_ids.sorted(lambda line: line.currency_id.name)
        self.assertEqual(
            [
                (line.currency_id.name, line.amount_currency, line.amount)
                for line in lines
            ],
            [("EUR", 800.0, 3200.0), ("PLN", 700.0, 700.0)],
        )
        self.assertEqual(set(lines.bucket_id.mapped("name")), {"1-30 days"})

    def test_filters(self):
        held = self._invoice(self.customer, "2026-06-01", 300)
        held.write(
            {
                "debt_collection_hold_until": "2026-07-15",
                "debt_collection_hold_reason": "dispute",
            }
        )
        self._invoice(self.customer, "2026-06-01", 200)
        other = self.env["res.partner"].create(
            {
                "name": "Sklep Nowak",
                "is_company": True,
                "debt_collection_subject": False,
            }
        )
        self._invoice(other, "2026-06-01", 50)
        total = sum(self._ageing().line_ids.mapped("amount"))
        self.assertEqual(total, 550)
        self.assertEqual(
            sum(self._ageing(on_hold="yes").line_ids.mapped("amount")), 300
        )
        self.assertEqual(sum(self._ageing(on_hold="no").line_ids.mapped("amount")), 250)
        self.assertEqual(
            sum(self._ageing(excluded="yes").line_ids.mapped("amount")), 50
        )
        self.assertEqual(
            sum(self._ageing(excluded="no").line_ids.mapped("amount")), 500
        )
        self.customer.debt_collection_user_id = self.collector
        report = self._ageing(collector_ids=[Command.set(self.collector.ids)])
        self.assertEqual(report.line_ids.partner_id, self.customer)
        tag = self.env["res.partner.category"].create({"name": "Wholesale"})
        other.category_id = tag
        report = self._ageing(category_ids=[Command.set(tag.ids)])
        self.assertEqual(report.line_ids.partner_id, other)
        # The hold is over after its date.
        self.assertEqual(
            sum(
                self._ageing(date(2026, 7, 16), on_hold="yes").line_ids.mapped("amount")
            ),
            0,
        )

    def test_drill_down_shows_the_collection_state(self):
        invoice = self._invoice(self.customer, "2026-05-01", 800)
        with freeze_time("2026-06-30"):
            report = self._ageing()
        self._run("2026-05-08")
        line = report.line_ids
        action = line.action_open_items()
        items = self.env["debt.collection.ageing.item"].search(action["domain"])
        self.assertEqual(items.move_id, invoice)
        self.assertEqual(items.stage_id, self.step_reminder)
        self.assertEqual(items.last_action_date, date(2026, 5, 8))
        self.assertEqual(items.amount_original, 800)
        self.assertEqual(items.date_maturity, date(2026, 5, 1))
        self.assertEqual(items.days_overdue, 60)

    def test_future_date_and_foreign_companies_refused(self):
        with freeze_time("2026-06-30"):
            with self.assertRaisesRegex(ValidationError, "future date"):
                self.env["debt.collection.ageing"].create({"date": "2026-07-01"})
        other_company = self.setup_other_company(name="Other Sp. z o.o.")["company"]
        report = self.env["debt.collection.ageing"].create(
            {"date": AS_OF, "company_ids": [Command.set(other_company.ids)]}
        )
        with self.assertRaisesRegex(UserError, "at least one of your companies"):
            report.with_company(self.company).with_context(
                allowed_company_ids=self.company.ids
            )._compute_lines()

    def test_multi_company_isolation(self):
        other_company = self.setup_other_company(name="Other Sp. z o.o.")["company"]
        self._invoice(self.customer, "2026-06-01", 100)
        other_invoice = self._invoice(
            self.customer,
            "2026-06-01",
            999,
            invoice_date="2026-05-20",
            currency=other_company.currency_id,
            company=other_company,
        )
        # The collector belongs to the first company only.
        report = (
            self.env["debt.collection.ageing"]
            .with_user(self.collector)
            .create({"date": AS_OF})
        )
        self.assertEqual(report.company_ids, self.company)
        report._compute_lines()
        self.assertEqual(sum(report.line_ids.mapped("amount")), 100)
        # Both companies, for a user of both.
        both = self._ageing(
            company_ids=[Command.set((self.company | other_company).ids)]
        )
        self.assertEqual(
            sorted(both.line_ids.mapped("amount")), [100, other_invoice.amount_total]
        )
        # Lines of the other company stay unreadable to the collector.
        other_lines = both.line_ids.filtered(
            lambda line: line.company_id == other_company
        )
        with self.assertRaises(AccessError):
            other_lines.with_user(self.collector).read(["amount"])

    def test_invoicing_user_without_collection_rights_sees_no_ageing(self):
        accountant = new_test_user(
            self.env,
            login="plain_invoicing",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["debt.collection.ageing"].with_user(accountant).create({})
        with self.assertRaises(AccessError):
            self.env["debt.collection.kpi"].with_user(accountant).search([])


@tagged("post_install", "-at_install")
class TestAgeingBuckets(DebtCollectionCase):
    def _set(self, *buckets):
        """Replace the company's buckets: (name, days_to or None)."""
        self.company.write(
            {
                "debt_collection_bucket_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": name,
                            "days_to": limit or 0,
                            "open_ended": limit is None,
                        }
                    )
                    for name, limit in buckets
                ]
            }
        )

    def test_default_bucket_names_in_polish(self):
        self.env["res.lang"]._activate_lang("pl_PL")
        company = self.env["res.company"].create({"name": "Nowa Sp. z o.o."})
        names = company.debt_collection_bucket_ids.sorted(
            lambda b: (b.open_ended, b.days_to)
        ).with_context(lang="pl_PL")
        self.assertEqual(names[0].name, "Niewymagalne")
        self.assertEqual(names.filtered("open_ended").name, "Powyżej 180 dni")
        self.assertEqual(
            names.filtered("open_ended").with_context(lang="en_US").name,
            "Over 180 days",
        )

    def test_custom_buckets(self):
        self._set(("Due", 0), ("Up to 14", 14), ("Later", None))
        self._invoice(self.customer, AS_OF - timedelta(days=14), 10)
        self._invoice(self.customer, AS_OF - timedelta(days=15), 20)
        report = self.env["debt.collection.ageing"].create({"date": AS_OF})
        report._compute_lines()
        self.assertEqual(
            {line.bucket_id.name: line.amount for line in report.line_ids},
            {"Up to 14": 10, "Later": 20},
        )

    def test_bad_bucket_configurations_are_refused(self):
        before = self.company.debt_collection_bucket_ids
        for buckets, message in (
            ((("A", 0), ("B", 30), ("C", 30), ("D", None)), "end at 30 days"),
            ((("A", 0), ("B", 30)), "no upper limit"),
            ((("A", 0), ("B", None), ("C", None)), "no upper limit"),
            ((("A", None),), "at least two buckets"),
            ((("", 0), ("B", None)), "needs a name"),
            (((" ", 0), ("B", None)), "needs a name"),
        ):
            # assertRaises (not ...Regex) rolls back to a savepoint like a request.
            with self.assertRaises(ValidationError) as refused:
                self._set(*buckets)
            self.assertIn(message, str(refused.exception))
        # Nothing was half written.
        self.env.invalidate_all()
        self.assertEqual(self.company.debt_collection_bucket_ids, before)
        self.assertEqual(len(before), 6)

    def test_recovery_window_must_be_sensible(self):
        for days in (0, -3, 400):
            with self.assertRaisesRegex(ValidationError, "between 1 and 365"):
                self.company.debt_collection_recovery_days = days


@tagged("post_install", "-at_install")
class TestKpis(DebtCollectionCase):
    """Monthly KPIs on a dataset computed by hand:

    January: A 1,000.00 (due 20 Jan) and B 500.00 (due 10 Feb) invoiced.
    February: A paid on 5 Feb (16 days late); C 2,000.00 invoiced (due 10 Mar).
    """

    def _kpi(self, month):
        return self.env["debt.collection.kpi"].search(
            [("company_id", "=", self.company.id), ("month", "=", month)]
        )

    def test_kpi_formulas(self):
        a = self._invoice(self.customer, "2026-01-20", 1000, invoice_date="2026-01-05")
        self._invoice(self.customer, "2026-02-10", 500, invoice_date="2026-01-25")
        self._invoice(self.customer, "2026-03-10", 2000, invoice_date="2026-02-10")
        self._pay(a, 1000, "2026-02-05")
        self.env.flush_all()
        jan, feb, mar = (
            self._kpi(m) for m in ("2026-01-01", "2026-02-01", "2026-03-01")
        )
        fields = [
            "sales",
            "ar_begin",
            "ar_end",
            "overdue_end",
            "collections",
            "dso",
            "overdue_ratio",
            "cei",
            "avg_days_late",
        ]
        values = {name: [kpi[name] for kpi in (jan, feb, mar)] for name in fields}
        self.assertEqual(values["sales"], [1500, 2000, 0])
        self.assertEqual(values["ar_begin"], [0, 1500, 2500])
        self.assertEqual(values["ar_end"], [1500, 2500, 2500])
        # 31 Jan: A overdue; 28 Feb: B overdue; 31 Mar: B and C overdue.
        self.assertEqual(values["overdue_end"], [1000, 500, 2500])
        self.assertEqual(values["collections"], [0, 1000, 0])
        # DSO: 1500/1500 × 31; 2500/2000 × 28; no sales in March: none.
        self.assertEqual(values["dso"], [31.0, 35.0, 0])
        self.assertEqual([k.dso_known for k in (jan, feb, mar)], [True, True, False])
        self.assertEqual(values["overdue_ratio"], [66.67, 20.0, 100.0])
        # CEI: 0/(0+1000); 1000/(1000+500); 0/(0+2500).
        self.assertEqual(values["cei"], [0, 66.67, 0])
        self.assertEqual(values["avg_days_late"], [0, 16.0, 0])

    def test_open_credits_never_make_overdue_exceed_receivables(self):
        """January: 1,000.00 invoiced due 20 Jan; February: a credit note of
        1,200.00 (sales are negative) not reconciled. At the end of February
        the receivables are -200.00: nothing is overdue, the DSO is empty,
        and the dashboard's DSO leaves the month out."""
        self._invoice(self.customer, "2026-01-20", 1000, invoice_date="2026-01-05")
        self._invoice(
            self.customer,
            "2026-02-10",
            1200,
            invoice_date="2026-02-10",
            move_type="out_refund",
        )
        self.env.flush_all()
        feb = self._kpi("2026-02-01")
        self.assertEqual((feb.sales, feb.ar_end), (-1200, -200))
        self.assertEqual(feb.overdue_end, 0)
        self.assertFalse(feb.dso_known)
        self.assertEqual(feb.overdue_ratio, 0)
        data = self.env["debt.collection.kpi"].get_dashboard()
        dso = next(p for p in data["panels"] if p["title"].startswith("DSO"))
        months = self.env["debt.collection.kpi"].search(
            dso["domain"] + [("company_id", "=", self.company.id)]
        )
        self.assertNotIn(feb, months)
        self.assertTrue(any("Unapplied credits" in f for f in data["formulas"]))

    def test_running_month_counts_up_to_today(self):
        # PostgreSQL's CURRENT_DATE: the real today, not a frozen one.
        today = date.today()
        self._invoice(self.customer, today - timedelta(days=1), 300, invoice_date=today)
        self._invoice(self.customer, today + timedelta(days=1), 700, invoice_date=today)
        self.env.flush_all()
        kpi = self._kpi(today.replace(day=1))
        self.assertEqual(kpi.ar_end, 1000)
        self.assertEqual(kpi.overdue_end, 300)
        self.assertEqual(kpi.dso, round(1000 / 1000 * today.day, 1))

    def test_dashboard_lists_the_top_overdue_customers(self):
        other = self.env["res.partner"].create(
            {"name": "Sklep Nowak", "is_company": True}
        )
        self._invoice(self.customer, "2026-01-20", 300, invoice_date="2026-01-05")
        self._invoice(other, "2026-01-20", 900, invoice_date="2026-01-05")
        data = self.env["debt.collection.kpi"].get_dashboard()
        panels = {panel["title"]: panel for panel in data["panels"]}
        top = panels["Top overdue customers"]
        lines = self.env[top["res_model"]].search(top["domain"])
        self.assertEqual(set(lines.partner_id.ids), {self.customer.id, other.id})
        self.assertEqual(sum(lines.mapped("amount_overdue")), 1200)
        self.assertEqual(top["context"]["graph_measure"], "amount_overdue")
        self.assertTrue(any("DSO" in formula for formula in data["formulas"]))


@tagged("post_install", "-at_install")
class TestCollectionActivity(DebtCollectionCase):
    def test_amounts_recovered_within_the_window(self):
        first = self._invoice(self.customer, "2026-05-01", 1000)
        second = self._invoice(self.customer, "2026-05-01", 400)
        self._run("2026-05-08")  # overdue reminder of both
        self._pay(first, 1000, "2026-05-12")  # 4 days after: recovered
        self._pay(second, 100, "2026-05-22")  # 14 days after: recovered
        self._pay(second, 300, "2026-05-23")  # 15 days after: too late
        self.env.flush_all()
        rows = self.env["debt.collection.activity.report"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows.step_id, self.step_reminder)
        self.assertEqual(set(rows.mapped("channel")), {"email"})
        self.assertEqual(set(rows.mapped("date")), {date(2026, 5, 8)})
        self.assertEqual(sum(rows.mapped("amount_reminded")), 1400)
        self.assertEqual(sum(rows.mapped("amount_recovered")), 1100)
        by_move = {row.move_id: row.recovery_rate for row in rows}
        self.assertEqual(by_move, {first: 100.0, second: 25.0})
        # A longer window counts the late payment too.
        self.company.debt_collection_recovery_days = 30
        self.env.flush_all()
        rows.invalidate_recordset()
        self.assertEqual(sum(rows.mapped("amount_recovered")), 1400)


@tagged("post_install", "-at_install")
class TestSettlementListing(DebtCollectionCase):
    def test_paid_late_and_overdue(self):
        late = self._invoice(self.customer, "2026-03-01", 500)
        on_time = self._invoice(self.customer, "2026-03-01", 200)
        open_ = self._invoice(self.customer, "2026-02-01", 300)
        self._pay(late, 200, "2026-03-05")
        self._pay(late, 300, "2026-03-20")
        self._pay(on_time, 200, "2026-02-27")
        self.assertEqual(late.debt_collection_paid_date, date(2026, 3, 20))
        self.assertEqual(late.debt_collection_days_late_paid, 19)
        self.assertEqual(on_time.debt_collection_days_late_paid, 0)
        self.assertFalse(open_.debt_collection_paid_date)
        Move = self.env["account.move"]
        mine = [("partner_id", "=", self.customer.id)]
        self.assertEqual(
            Move.search(mine + [("debt_collection_days_late_paid", ">", 10)]), late
        )
        with freeze_time("2026-03-31"):
            open_.invalidate_recordset()
            self.assertEqual(open_.debt_collection_days_overdue, 58)
            self.assertEqual(late.debt_collection_days_overdue, 0)
            self.assertEqual(
                Move.search(mine + [("debt_collection_days_overdue", ">", 30)]), open_
            )
            self.assertFalse(
                Move.search(mine + [("debt_collection_days_overdue", ">", 58)])
            )
            self.assertEqual(
                Move.search(mine + [("debt_collection_days_overdue", ">=", 58)]), open_
            )
            with self.assertRaises(UserError):
                Move.search([("debt_collection_days_overdue", ">", "thirty")])
        self.assertEqual(late.debt_collection_amount_paid, 500)
        self.assertEqual(late.debt_collection_payment_dates, "03/05/2026, 03/20/2026")


@tagged("post_install", "-at_install")
class TestExcelExport(DebtCollectionCase):
    def _open(self, attachment):
        content = io.BytesIO(attachment.raw)
        return (
            openpyxl.load_workbook(content),
            openpyxl.load_workbook(io.BytesIO(attachment.raw), data_only=True),
        )

    def test_items_past_the_sheet_limit_continue_on_a_new_sheet(self):
        """With a sheet holding 12 rows (Excel: 1,048,576), the 9 items of the
        ageing go on as many items sheets as needed, none longer than the
        limit, each continued one with a note and its own totals."""
        for day in range(1, 10):
            self._invoice(self.customer, f"2026-06-{day:02d}", 100 + day)
        report = self.env["debt.collection.ageing"].create({"date": AS_OF})
        attachment = (
            self.env["debt.collection.xlsx"]
            .with_context(debt_collection_xlsx_max_rows=12)
            ._export_ageing(report)
        )
        book, values = self._open(attachment)
        parts = book.sheetnames[1:]
        self.assertEqual(parts[:2], ["Items", "Items (2)"])
        self.assertEqual(
            parts, ["Items"] + [f"Items ({n})" for n in range(2, len(parts) + 1)]
        )
        listed = []
        for index, name in enumerate(parts):
            sheet = book[name]
            self.assertLessEqual(sheet.max_row, 12)
            first_column = [row[0].value for row in sheet.iter_rows(max_col=1)]
            self.assertEqual(first_column[-1], "Total")
            if index:
                self.assertIn(
                    f"Continued from sheet {parts[index - 1]} (a sheet holds 12 rows "
                    "at most)",
                    first_column,
                )
            listed += [
                cell.value for cell in sheet["G"] if isinstance(cell.value, int | float)
            ]
        self.assertEqual(sorted(listed), [101 + n for n in range(9)])
        self.assertEqual(
            values[parts[-1]].cell(book[parts[-1]].max_row, 1).value, "Total"
        )

    def test_old_exports_are_deleted_by_the_cron(self):
        report = self.env["debt.collection.ageing"].create({"date": AS_OF})
        Xlsx = self.env["debt.collection.xlsx"]
        old, recent = Xlsx._export_ageing(report), Xlsx._export_ageing(report)
        for attachment, day in ((old, "2026-06-01"), (recent, "2026-06-07")):
            self.env.cr.execute(
                "UPDATE ir_attachment SET create_date = %s WHERE id = %s",
                (f"{day} 10:00:00", attachment.id),
            )
        self.env.invalidate_all()
        with freeze_time("2026-06-09 10:00:00"):
            self.assertEqual(Xlsx._gc_exports(), 1)
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    def test_ageing_workbook(self):
        other = self.env["res.partner"].create(
            {"name": "Apteka Zdrowie", "is_company": True, "vat": "PL5261040828"}
        )
        self._invoice(self.customer, "2026-06-20", 1234.56)
        self._invoice(self.customer, "2026-04-01", 100.01)
        self._invoice(other, "2026-07-15", 50, invoice_date="2026-06-15")
        self._invoice(other, "2026-06-01", 1000, currency=self.eur)
        report = self.env["debt.collection.ageing"].create(
            {"date": AS_OF, "on_hold": "no"}
        )
        action = report.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        self.assertEqual(attachment.name, "Ageing 2026-06-30.xlsx")
        book, values = self._open(attachment)
        self.assertEqual(book.sheetnames, ["Summary", "Items"])
        summary, cached = book["Summary"], values["Summary"]
        self.assertEqual(
            summary["A1"].value, "Receivables ageing - Windykacja Sp. z o.o."
        )
        header = {
            summary.cell(row, 1).value: summary.cell(row, 2).value
            for row in range(2, 6)
        }
        self.assertEqual(header["Currency"], "PLN")
        self.assertEqual(header["As Of"], "06/30/2026")
        self.assertEqual(header["On Hold"], "Without")
        # The column titles, frozen, with an autofilter.
        titles = [cell.value for cell in summary[7]]
        self.assertEqual(
            titles,
            [
                "Customer",
                "Tax ID",
                "Salesperson",
                "Collection Responsible",
                "Not yet due",
                "1-30 days",
                "31-60 days",
                "61-90 days",
                "91-180 days",
                "Over 180 days",
                "Unapplied credits",
                "Total",
                "Overdue",
            ],
        )
        self.assertEqual(summary.freeze_panes, "A8")
        self.assertEqual(summary.auto_filter.ref, "A7:M9")
        rows = [
            [cell.value for cell in row]
            for row in summary.iter_rows(min_row=8, max_row=9)
        ]
        self.assertEqual(
            rows,
            [
                [
                    "Apteka Zdrowie",
                    "PL5261040828",
                    None,
                    None,
                    50,
                    4000,
                    0,
                    0,
                    0,
                    0,
                    0,
                    4050,
                    4000,
                ],
                [
                    "Hurtownia Kowalski Sp. z o.o.",
                    None,
                    None,
                    None,
                    0,
                    1234.56,
                    0,
                    100.01,
                    0,
                    0,
                    0,
                    1334.57,
                    1334.57,
                ],
            ],
        )
        self.assertEqual(summary["F8"].number_format, '#,##0.00 "zł"')
        # Totals: bold SUBTOTAL formulas (follow the filter), values cached.
        self.assertEqual(summary["A10"].value, "Total")
        self.assertEqual(summary["L10"].value, "=SUBTOTAL(9,L8:L9)")
        self.assertTrue(summary["L10"].font.b)
        self.assertEqual(cached["L10"].value, 5384.57)
        self.assertEqual(cached["F10"].value, 5234.56)
        # Items: one row per document, document currency where it differs.
        items = book["Items"]
        item_rows = [
            [cell.value for cell in row]
            for row in items.iter_rows(min_row=7, max_row=10)
        ]
        self.assertEqual(
            item_rows[0][:9],
            [
                "Windykacja Sp. z o.o.",
                "Apteka Zdrowie",
                item_rows[0][2],
                item_rows[0][3],
                29,
                "1-30 days",
                4000,
                1000,
                "EUR",
            ],
        )
        self.assertEqual(item_rows[0][3].date(), date(2026, 6, 1))
        self.assertEqual(items["D7"].number_format, "mm/dd/yyyy")
        self.assertEqual([row[6] for row in item_rows], [4000, 50, 100.01, 1234.56])
        self.assertEqual(values["Items"]["G11"].value, 5384.57)

    def test_settlement_export(self):
        late = self._invoice(self.customer, "2026-03-01", 500)
        self._pay(late, 500, "2026-03-20")
        open_ = self._invoice(self.customer, "2026-03-01", 250.25)
        action = (late | open_).action_debt_collection_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        book, values = self._open(attachment)
        sheet = book.active
        self.assertEqual(sheet.title, "Invoice settlement")
        titles = [cell.value for cell in sheet[6]]
        self.assertEqual(titles[:3], ["Number", "Customer", "Invoice Date"])
        column = {title: index for index, title in enumerate(titles)}
        rows = [
            [cell.value for cell in row]
            for row in sheet.iter_rows(min_row=7, max_row=8)
        ]
        by_number = {row[0]: row for row in rows}
        row = by_number[late.name]
        self.assertEqual(row[column["Days Late at Payment"]], 19)
        self.assertEqual(row[column["Paid On"]].date(), date(2026, 3, 20))
        self.assertEqual(by_number[open_.name][column["Residual"]], 250.25)
        self.assertEqual(values.active.cell(9, column["Amount"] + 1).value, 750.25)
