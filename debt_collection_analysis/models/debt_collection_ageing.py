from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

TRISTATE = [("all", "All"), ("yes", "Only"), ("no", "Without")]


class DebtCollectionAgeing(models.TransientModel):
    """Ageing of open receivables as of a date: the options and the report.

    "Show" fills ``debt.collection.ageing.line`` with one grouped SQL query
    (partner x bucket x currency x stage x ...), read by pivot, graph and list
    views; the items of a partner are fetched on demand (drill-down).
    """

    _name = "debt.collection.ageing"
    _description = "Receivables Ageing"

    partner_type = fields.Selection(
        [("customer", "Receivables"), ("supplier", "Payables")],
        string="Ageing Of",
        default="customer",
        required=True,
        help="Receivables: what customers owe. Payables (zobowiązania): what "
        "the company owes its suppliers, in the same buckets.",
    )
    date = fields.Date(
        "As Of",
        required=True,
        default=fields.Date.context_today,
        help="Items count with the amount still open on this day: payments and "
        "reconciliations dated later are ignored.",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
    )
    salesperson_ids = fields.Many2many("res.users", string="Salespersons")
    collector_ids = fields.Many2many(
        "res.users",
        "debt_collection_ageing_collector_rel",
        string="Collection Responsibles",
    )
    category_ids = fields.Many2many("res.partner.category", string="Partner Tags")
    stage_ids = fields.Many2many("debt.collection.step", string="Collection Stages")
    on_hold = fields.Selection(TRISTATE, default="all", required=True)
    excluded = fields.Selection(
        TRISTATE,
        "Excluded from Collection",
        default="all",
        required=True,
        help="Documents or customers not subject to collection.",
    )
    line_ids = fields.One2many("debt.collection.ageing.line", "report_id")

    @api.constrains("date")
    def _check_date(self):
        for report in self:
            if report.date > fields.Date.context_today(report):
                raise ValidationError(
                    _(
                        "The ageing cannot be computed for a future date (%s).",
                        report.date,
                    )
                )

    # ------------------------------------------------------------------ SQL

    def _filters_sql(self):
        """Conditions of the options on the items (aliases of the ledger);
        the collection options apply to receivables only."""
        self.ensure_one()
        conditions = [SQL("TRUE")]
        if self.category_ids:
            conditions.append(
                SQL(
                    """EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel cr
                                WHERE cr.partner_id = cp.id AND cr.category_id = ANY(%s))""",
                    self.category_ids.ids,
                )
            )
        if self.partner_type == "supplier":
            return SQL(" AND ").join(conditions)
        if self.salesperson_ids:
            conditions.append(SQL("cp.user_id = ANY(%s)", self.salesperson_ids.ids))
        if self.collector_ids:
            conditions.append(
                SQL("cp.debt_collection_user_id = ANY(%s)", self.collector_ids.ids)
            )
        if self.stage_ids:
            conditions.append(
                SQL("m.debt_collection_stage_id = ANY(%s)", self.stage_ids.ids)
            )
        held = SQL("(m.debt_collection_hold_until >= %s)", self.date)
        if self.on_hold == "yes":
            conditions.append(SQL("%s IS TRUE", held))
        elif self.on_hold == "no":
            conditions.append(SQL("%s IS NOT TRUE", held))
        excluded = SQL(
            "NOT (COALESCE(m.debt_collection_subject, TRUE) AND cp.debt_collection_subject)"
        )
        if self.excluded == "yes":
            conditions.append(excluded)
        elif self.excluded == "no":
            conditions.append(SQL("NOT %s", excluded))
        return SQL(" AND ").join(conditions)

    def _items_sql(self, partner_ids=None):
        """The open items as of the date (``debt.collection.ledger``), with
        their bucket and collection state: one row each."""
        self.ensure_one()
        companies = self.company_ids & self.env.companies
        if not companies:
            raise UserError(_("Choose at least one of your companies."))
        companies._debt_collection_ensure_buckets()
        bounds = self.env["debt.collection.ageing.bucket"]._bounds_by_company(companies)
        payables = self.partner_type == "supplier"
        # The bucket as a CASE expression: cheaper and better estimated by
        # the planner than a join on ranges. Open credits (negative as of the
        # date) go to the company's column of unapplied credits.
        bucket_cases = [
            SQL(
                "WHEN items.company_id = %s AND items.amount < 0 THEN %s",
                company.id,
                company._debt_collection_credit_bucket().id,
            )
            for company in companies
        ] + [
            SQL(
                "WHEN items.company_id = %s AND %s THEN %s",
                company_id,
                SQL("TRUE")
                if upper is None
                else SQL("items.days_overdue <= %s", upper),
                bucket_id,
            )
            for company_id, rows in bounds.items()
            for bucket_id, upper in rows
        ]
        partner_filter = (
            SQL("cp.id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL("TRUE")
        )
        collection_columns = (
            SQL(
                """NULL::int AS stage_id, NULL::int AS collector_id,
                   FALSE AS on_hold, FALSE AS excluded"""
            )
            if payables
            else SQL(
                """m.debt_collection_stage_id AS stage_id,
                   cp.debt_collection_user_id AS collector_id,
                   (m.debt_collection_hold_until >= %s) IS TRUE AS on_hold,
                   NOT (COALESCE(m.debt_collection_subject, TRUE)
                        AND cp.debt_collection_subject) AS excluded""",
                self.date,
            )
        )
        return SQL(
            "SELECT items.*, CASE %s END AS bucket_id FROM (%s) items",
            SQL(" ").join(bucket_cases),
            self.env["debt.collection.ledger"]._open_as_of_sql(
                companies.ids,
                self.date,
                "liability_payable" if payables else "asset_receivable",
                where=SQL("%s AND %s", partner_filter, self._filters_sql()),
                columns=[collection_columns, SQL("cp.user_id AS salesperson_id")],
            ),
        )

    def _compute_lines(self):
        """Replace the report's lines with the grouped ageing (one query)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL("DELETE FROM debt_collection_ageing_line WHERE report_id = %s", self.id)
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO debt_collection_ageing_line
                       (report_id, company_id, partner_id, bucket_id, currency_id,
                        stage_id, salesperson_id, collector_id, on_hold, excluded,
                        amount, amount_overdue, amount_currency, item_count,
                        days_overdue_max, create_uid, write_uid, create_date, write_date)
                SELECT %(report)s, company_id, partner_id, bucket_id, currency_id,
                       stage_id, salesperson_id, collector_id, on_hold, excluded,
                       SUM(amount),
                       SUM(amount) FILTER (WHERE days_overdue > 0 AND amount > 0),
                       SUM(amount_currency), COUNT(*),
                       MAX(days_overdue) FILTER (WHERE amount > 0),
                       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM (%(items)s) items
                 GROUP BY company_id, partner_id, bucket_id, currency_id, stage_id,
                          salesperson_id, collector_id, on_hold, excluded
                """,
                report=self.id,
                uid=self.env.uid,
                items=self._items_sql(),
            )
        )
        self.env["debt.collection.ageing.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def _compute_items(self, partners):
        """Replace the items of these partners (drill-down), one query."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "DELETE FROM debt_collection_ageing_item WHERE report_id = %s",
                self.id,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO debt_collection_ageing_item
                       (report_id, company_id, partner_id, move_id, move_line_id,
                        bucket_id, currency_id, date_maturity, days_overdue, amount,
                        amount_currency, stage_id, on_hold, excluded,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(report)s, company_id, partner_id, move_id, line_id,
                       bucket_id, currency_id, date_maturity, days_overdue, amount,
                       amount_currency, stage_id, on_hold, excluded,
                       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM (%(items)s) items
                """,
                report=self.id,
                uid=self.env.uid,
                items=self._items_sql(partners.ids),
            )
        )
        self.env["debt.collection.ageing.item"].invalidate_model()

    # -------------------------------------------------------------- actions

    def _title(self):
        self.ensure_one()
        if self.partner_type == "supplier":
            return _("Payables ageing")
        return _("Receivables ageing")

    def _partner_label(self):
        self.ensure_one()
        return _("Supplier") if self.partner_type == "supplier" else _("Customer")

    def _filters_description(self):
        """The options in words, for report headers."""
        self.ensure_one()
        parts = [
            (_("Companies"), ", ".join(self.company_ids.mapped("name"))),
        ]
        for label, records in (
            (_("Salespersons"), self.salesperson_ids),
            (_("Collection Responsibles"), self.collector_ids),
            (_("Partner Tags"), self.category_ids),
            (_("Collection Stages"), self.stage_ids),
        ):
            if records:
                parts.append((label, ", ".join(records.mapped("display_name"))))
        selection = dict(self._fields["on_hold"]._description_selection(self.env))
        if self.on_hold != "all":
            parts.append((_("On Hold"), selection[self.on_hold]))
        if self.excluded != "all":
            parts.append((_("Excluded from Collection"), selection[self.excluded]))
        return parts

    def action_show(self):
        self.ensure_one()
        self._compute_lines()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_analysis.action_debt_collection_ageing_line"
        )
        action["name"] = _(
            "%(title)s as of %(date)s",
            title=self._title(),
            date=self._format_date(self.date),
        )
        action["domain"] = [("report_id", "=", self.id)]
        action["context"] = {
            "debt_collection_ageing_id": self.id,
            "debt_collection_payables": self.partner_type == "supplier",
        }
        return action

    def action_export_xlsx(self):
        self.ensure_one()
        attachment = self.env["debt.collection.xlsx"]._export_ageing(self)
        return attachment._debt_collection_download_action()

    def _format_date(self, date):
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        return date.strftime(lang.date_format)


class DebtCollectionAgeingRow(models.AbstractModel):
    """What ageing lines (grouped) and items (one per document) share: they
    are filled by SQL from the same query (``_items_sql``)."""

    _name = "debt.collection.ageing.row"
    _description = "Receivables Ageing Row"

    report_id = fields.Many2one(
        "debt.collection.ageing", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", readonly=True)
    bucket_id = fields.Many2one("debt.collection.ageing.bucket", readonly=True)
    currency_id = fields.Many2one("res.currency", "Document Currency", readonly=True)
    stage_id = fields.Many2one(
        "debt.collection.step", "Collection Stage", readonly=True
    )
    on_hold = fields.Boolean(readonly=True)
    excluded = fields.Boolean("Excluded from Collection", readonly=True)
    amount = fields.Monetary(
        "Open Amount", currency_field="company_currency_id", readonly=True
    )
    amount_currency = fields.Monetary(
        "Open in Document Currency", currency_field="currency_id", readonly=True
    )


class DebtCollectionAgeingLine(models.TransientModel):
    _name = "debt.collection.ageing.line"
    _inherit = "debt.collection.ageing.row"
    _description = "Receivables Ageing Line"
    _order = "partner_id, bucket_id"
    _rec_name = "partner_id"

    partner_category_ids = fields.Many2many(
        related="partner_id.category_id", string="Partner Tags"
    )
    salesperson_id = fields.Many2one("res.users", readonly=True)
    collector_id = fields.Many2one("res.users", "Collection Responsible", readonly=True)
    amount_overdue = fields.Monetary(
        "Overdue Amount", currency_field="company_currency_id", readonly=True
    )
    item_count = fields.Integer("Items", readonly=True)
    days_overdue_max = fields.Integer(
        "Oldest (Days Overdue)", readonly=True, aggregator="max"
    )

    def action_open_items(self):
        """Drill-down: the items of these lines' customers."""
        report = self.report_id
        report.ensure_one()
        report._compute_items(self.partner_id)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_analysis.action_debt_collection_ageing_item"
        )
        action["domain"] = [
            ("report_id", "=", report.id),
            ("partner_id", "in", self.partner_id.ids),
        ]
        if len(self.partner_id) == 1:
            action["name"] = _("Open Items of %s", self.partner_id.display_name)
        return action


class DebtCollectionAgeingItem(models.TransientModel):
    _name = "debt.collection.ageing.item"
    _inherit = "debt.collection.ageing.row"
    _description = "Receivables Ageing Item"
    _order = "partner_id, date_maturity, id"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", "Document", readonly=True)
    move_line_id = fields.Many2one("account.move.line", "Item", readonly=True)
    date_maturity = fields.Date("Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    amount_original = fields.Monetary(
        related="move_line_id.amount_currency",
        string="Original Amount",
        currency_field="currency_id",
    )
    last_action_date = fields.Date(
        related="move_id.debt_collection_last_action_date", string="Last Action"
    )
    next_step_id = fields.Many2one(
        related="move_id.debt_collection_next_step_id", string="Next Action"
    )
    next_date = fields.Date(
        related="move_id.debt_collection_next_date", string="Next Action On"
    )
    demand_names = fields.Char("Demands Issued", compute="_compute_demand_names")

    def _compute_demand_names(self):
        # Filled when debt_collection_demand is installed (no dependency: the
        # ageing is useful without demands).
        if "debt.collection.demand.line" not in self.env:
            self.demand_names = False
            return
        lines = self.env["debt.collection.demand.line"].search(
            [
                ("move_line_id", "in", self.move_line_id.ids),
                ("demand_id.state", "not in", ("draft", "cancelled")),
            ]
        )
        names = {}
        for line in lines:
            names.setdefault(line.move_line_id.id, []).append(line.demand_id.name)
        for item in self:
            item.demand_names = ", ".join(names.get(item.move_line_id.id, []))

    def action_open_document(self):
        self.ensure_one()
        return self.move_id.get_formview_action()
