from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.debt_collection.tools import xlsx
from odoo.addons.debt_collection.tools.xlsx import Column

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FETCH_SIZE = 2000
# Exports are downloads: the cron deletes them after this many days.
EXPORT_MARK = "debt_collection_export"
EXPORT_KEEP_DAYS = 7


class DebtCollectionXlsx(models.AbstractModel):
    """Excel exports of the analyses (xlsxwriter, streamed row by row)."""

    _name = "debt.collection.xlsx"
    _description = "Debt Collection Excel Export"

    @api.model
    def _new_workbook(self):
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        return xlsx.Workbook(
            date_format=lang.date_format,
            total_label=_("Total"),
            continued_label=_(
                "Continued from sheet %(sheet)s (a sheet holds %(rows)s rows at most)"
            ),
            max_rows=self.env.context.get("debt_collection_xlsx_max_rows")
            or xlsx.EXCEL_MAX_ROWS,
        )

    @api.model
    def _money_column(self, title, currency, **kwargs):
        return Column(
            title,
            xlsx.MONEY,
            currency=currency.symbol if currency else "",
            currency_before=currency.position == "before" if currency else False,
            **kwargs,
        )

    @api.model
    def _stream(self, query):
        """Rows of ``query`` in batches from a server-side cursor: never all
        in this process's memory at once."""
        self.env.flush_all()
        # A named cursor of the request's own connection (same transaction).
        with self.env.cr._cnx.cursor(name="debt_collection_xlsx") as cursor:
            cursor.itersize = FETCH_SIZE
            cursor.execute(query.code, query.params)
            while rows := cursor.fetchmany(FETCH_SIZE):
                yield from rows

    @api.model
    def _attach(self, content, filename, record):
        # Attached to no record (res_id 0): Odoo lets only its creator (and
        # administrators) read it, so an export never outlives the access of
        # the company it was made in (the wizard it came from is transient).
        return (
            self.env["ir.attachment"]
            .sudo()  # a download of what the user just read; no business document
            .create(
                {
                    "name": filename,
                    "raw": content,
                    "mimetype": XLSX_MIMETYPE,
                    "res_model": record._name,
                    "res_id": 0,
                    "company_id": self.env.company.id,
                    "description": EXPORT_MARK,
                }
            )
        )

    @api.model
    def _gc_exports(self):
        """Cron: delete the export files older than a week (they were
        downloaded; the figures stay in the database)."""
        # sudo: exports are readable by their creator only; the cron cleans
        # everybody's.
        old = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("description", "=", EXPORT_MARK),
                    ("res_id", "=", 0),
                    (
                        "create_date",
                        "<",
                        fields.Datetime.subtract(
                            fields.Datetime.now(), days=EXPORT_KEEP_DAYS
                        ),
                    ),
                ]
            )
        )
        old.unlink()
        return len(old)

    # ------------------------------------------------------------- ageing

    @api.model
    def _export_ageing(self, report):
        report._compute_lines()
        book = self._new_workbook()
        header = [
            (_("As Of"), report._format_date(report.date)),
            *report._filters_description(),
        ]
        for company in report.company_ids & self.env.companies:
            self._ageing_summary_sheet(book, report, company, header)
        self._ageing_items_sheet(book, report, header)
        filename = _("Ageing %s.xlsx", fields.Date.to_string(report.date))
        return self._attach(book.close(), filename, report)

    @api.model
    def _ageing_summary_sheet(self, book, report, company, header):
        # The buckets of what is owed, then the column of unapplied credits.
        buckets = (
            company.debt_collection_bucket_ids.sorted(
                lambda b: (b.open_ended, b.days_to)
            )
            + company._debt_collection_credit_bucket()
        )
        currency = company.currency_id
        columns = [
            Column(report._partner_label(), width=36),
            Column(_("Tax ID"), width=16),
            Column(_("Salesperson"), width=20),
            Column(_("Collection Responsible"), width=20),
            *(self._money_column(b.name, currency, total=True) for b in buckets),
            self._money_column(_("Total"), currency, total=True),
            self._money_column(_("Overdue"), currency, total=True),
        ]
        per_bucket = SQL(", ").join(
            SQL("COALESCE(SUM(l.amount) FILTER (WHERE l.bucket_id = %s), 0)", b.id)
            for b in buckets
        )
        query = SQL(
            """
            SELECT p.name, p.vat, sp.name, cp.name, %(per_bucket)s,
                   SUM(l.amount), COALESCE(SUM(l.amount_overdue), 0)
              FROM debt_collection_ageing_line l
              JOIN res_partner p ON p.id = l.partner_id
              LEFT JOIN res_users su ON su.id = l.salesperson_id
              LEFT JOIN res_partner sp ON sp.id = su.partner_id
              LEFT JOIN res_users cu ON cu.id = l.collector_id
              LEFT JOIN res_partner cp ON cp.id = cu.partner_id
             WHERE l.report_id = %(report)s AND l.company_id = %(company)s
             GROUP BY p.id, sp.name, cp.name
             ORDER BY p.name, p.id
            """,
            per_bucket=per_bucket,
            report=report.id,
            company=company.id,
        )
        rows = (
            tuple(float(v) if i >= 4 else v for i, v in enumerate(row))
            for row in self._stream(query)
        )
        book.add_sheet(
            _("Summary %s", company.name)
            if len(report.company_ids) > 1
            else _("Summary"),
            _("%(title)s - %(company)s", title=report._title(), company=company.name),
            [
                (_("Company"), company.name),
                (_("Currency"), currency.name),
                *header[:1],
                *header[2:],
            ],
            columns,
            rows,
        )

    @api.model
    def _ageing_items_sheet(self, book, report, header):
        buckets = {
            b.id: b.name
            for b in self.env["debt.collection.ageing.bucket"].search(
                [("company_id", "in", report.company_ids.ids)]
            )
        }
        stages = {s.id: s.name for s in self.env["debt.collection.step"].search([])}
        currencies = {
            c.id: c.name
            for c in self.env["res.currency"].with_context(active_test=False).search([])
        }
        columns = [
            Column(_("Company"), width=20),
            Column(report._partner_label(), width=36),
            Column(_("Document"), width=20),
            Column(_("Due Date"), xlsx.DATE, width=12),
            Column(_("Days Overdue"), xlsx.INTEGER, width=10),
            Column(_("Bucket"), width=14),
            Column(
                _("Open Amount (company currency)"), xlsx.DECIMAL, width=16, total=True
            ),
            Column(_("Open in Document Currency"), xlsx.DECIMAL, width=16),
            Column(_("Document Currency"), width=10),
            Column(_("Collection Stage"), width=20),
            Column(_("On Hold"), width=8),
            Column(_("Excluded"), width=8),
        ]
        query = SQL(
            """
            SELECT c.name, p.name, m.name, i.date_maturity, i.days_overdue,
                   i.bucket_id, i.amount, i.amount_currency, i.currency_id,
                   i.stage_id, i.on_hold, i.excluded
              FROM (%(items)s) i
              JOIN res_company c ON c.id = i.company_id
              JOIN res_partner p ON p.id = i.partner_id
              JOIN account_move m ON m.id = i.move_id
             ORDER BY c.name, p.name, p.id, i.date_maturity, i.line_id
            """,
            items=report._items_sql(),
        )
        yes, no = _("Yes"), _("No")

        def rows():
            for row in self._stream(query):
                yield (
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    buckets.get(row[5], ""),
                    float(row[6]),
                    float(row[7]),
                    currencies.get(row[8], ""),
                    stages.get(row[9], ""),
                    yes if row[10] else no,
                    yes if row[11] else no,
                )

        book.add_sheet(
            _("Items"),
            _("%(title)s - open items", title=report._title()),
            header,
            columns,
            rows(),
        )

    # ------------------------------------------------------ any list of records

    @api.model
    def _export_records(self, records, title):
        """One sheet of ``records`` with the columns their model declares in
        ``_debt_collection_xlsx_columns()``: [(field name, Column), ...]."""
        book = self._new_workbook()
        spec = records._debt_collection_xlsx_columns()
        names = [name for name, __ in spec]
        names += [c.known_if for __, c in spec if c.known_if]
        header = [
            (_("Company"), ", ".join(self.env.companies.mapped("name"))),
            (_("Date"), fields.Date.to_string(fields.Date.context_today(self))),
            (_("Records"), str(len(records))),
        ]

        def rows():
            for start in range(0, len(records), FETCH_SIZE):
                batch = records[start : start + FETCH_SIZE]
                for values in batch.read(names, load="_classic_read"):
                    yield tuple(
                        None
                        if column.known_if and not values[column.known_if]
                        else _cell(values[name], column)
                        for name, column in spec
                    )
                batch.invalidate_recordset()

        book.add_sheet(title, title, header, [c for __, c in spec], rows())
        filename = f"{title}.xlsx"
        return self._attach(book.close(), filename, records[:0])


def _cell(value, column):
    if isinstance(value, tuple):  # many2one: (id, display name)
        return value[1]
    if column.kind in (xlsx.MONEY, xlsx.DECIMAL, xlsx.PERCENT, xlsx.INTEGER):
        return value or 0
    if column.kind == xlsx.DATE:
        return value or None
    return value or ""


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _debt_collection_download_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.id}?download=true",
            "target": "self",
        }
