from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.debt_collection.tools import xlsx
from odoo.addons.debt_collection.tools.overdue import days_overdue_sql
from odoo.addons.debt_collection.tools.xlsx import Column


class DebtCollectionActivityReport(models.Model):
    """One row per collection action carried out on a document, with what
    was reminded and what was paid within the company's recovery window."""

    _name = "debt.collection.activity.report"
    _description = "Collection Activity Report"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "move_id"

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    move_id = fields.Many2one("account.move", "Document", readonly=True)
    step_id = fields.Many2one("debt.collection.step", readonly=True)
    channel = fields.Selection(
        selection=lambda self: (
            self.env["debt.collection.event"]
            ._fields["channel"]
            ._description_selection(self.env)
        ),
        readonly=True,
    )
    user_id = fields.Many2one("res.users", "Carried Out By", readonly=True)
    action_count = fields.Integer("Actions", readonly=True)
    amount_reminded = fields.Monetary(
        readonly=True,
        help="What the document still owed when the action was taken.",
    )
    amount_recovered = fields.Monetary(
        readonly=True,
        help="Paid on the document from the day after the action to the end of "
        "the recovery window (company setting, default 14 days).",
    )
    recovery_rate = fields.Float(
        "Recovered (%)",
        readonly=True,
        aggregator="avg",
        help="Amount recovered ÷ amount reminded.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT e.id, e.company_id, c.currency_id, e.partner_id, e.move_id,
                   e.step_id, e.channel, e.user_id, 1 AS action_count,
                   (e.date AT TIME ZONE 'UTC'
                        AT TIME ZONE COALESCE(c.debt_collection_tz, 'UTC'))::date AS date,
                   COALESCE(e.amount_residual, 0) AS amount_reminded,
                   COALESCE(rec.amount, 0) AS amount_recovered,
                   CASE WHEN COALESCE(e.amount_residual, 0) > 0
                        THEN COALESCE(rec.amount, 0) / e.amount_residual * 100
                   END AS recovery_rate
              FROM debt_collection_event e
              JOIN res_company c ON c.id = e.company_id
              LEFT JOIN LATERAL (
                    SELECT SUM(p.amount) AS amount
                      FROM account_partial_reconcile p
                     WHERE p.debit_move_id = e.move_line_id
                       AND p.max_date > (e.date AT TIME ZONE 'UTC'
                            AT TIME ZONE COALESCE(c.debt_collection_tz, 'UTC'))::date
                       AND p.max_date <= (e.date AT TIME ZONE 'UTC'
                            AT TIME ZONE COALESCE(c.debt_collection_tz, 'UTC'))::date
                            + c.debt_collection_recovery_days
              ) rec ON TRUE
             WHERE e.event_type = 'action' AND e.state = 'done'
               AND e.move_line_id IS NOT NULL
            """
        )

    def _debt_collection_xlsx_columns(self):
        return [
            ("date", Column(_("Date"), xlsx.DATE, width=12)),
            ("company_id", Column(_("Company"), width=20)),
            ("partner_id", Column(_("Customer"), width=34)),
            ("move_id", Column(_("Document"), width=18)),
            ("step_id", Column(_("Step"), width=22)),
            ("channel", Column(_("Channel"), width=10)),
            ("user_id", Column(_("Carried Out By"), width=20)),
            ("amount_reminded", Column(_("Amount Reminded"), xlsx.DECIMAL, total=True)),
            (
                "amount_recovered",
                Column(_("Amount Recovered"), xlsx.DECIMAL, total=True),
            ),
        ]

    def action_export_xlsx(self):
        attachment = self.env["debt.collection.xlsx"]._export_records(
            self, _("Collection activity")
        )
        return attachment._debt_collection_download_action()


class DebtCollectionKpi(models.Model):
    """Monthly receivables KPIs per company, from the ledger (SQL view).

    - Receivables at month end: balance of the receivable accounts.
    - Sales: receivables raised by customer invoices less credit notes.
    - Collections = receivables at the start + sales - receivables at the end.
    - Overdue at month end: what was open then on items due before the month
      end (reconciliations dated later ignored), lowered by the open credits
      that exceed what is not yet due, so it never exceeds the receivables.
      The running month counts up to today.
    - DSO = receivables at month end / sales × days of the month; empty (not
      0) when the sales are zero or negative.
    - Overdue ratio = overdue at month end / receivables at month end.
    - CEI = collections / (collections + overdue at month end) × 100, i.e.
      (start + sales - end) / (start + sales - current at the end).
    - Average days late: days between due date and payment, weighted by the
      amounts paid in the month (payments on time count as 0).
    """

    _name = "debt.collection.kpi"
    _description = "Receivables KPIs per Month"
    _auto = False
    _order = "month desc, company_id"
    _rec_name = "month"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    sales = fields.Monetary(readonly=True, help="Invoiced less credited in the month.")
    collections = fields.Monetary(
        readonly=True, help="Receivables at the start + sales - receivables at the end."
    )
    ar_begin = fields.Monetary("Receivables at Start", readonly=True, aggregator="avg")
    ar_end = fields.Monetary("Receivables at End", readonly=True, aggregator="avg")
    overdue_end = fields.Monetary(
        "Overdue at End",
        readonly=True,
        aggregator="avg",
        help="Overdue documents at month end, less the open credits that exceed "
        "what is not yet due: never more than the receivables.",
    )
    dso = fields.Float(
        "DSO (Days)",
        readonly=True,
        aggregator="avg",
        help="Days sales outstanding = receivables at month end / sales of the "
        "month × days of the month; empty when the month's sales are zero or "
        "negative (credit notes exceeding invoices).",
    )
    dso_known = fields.Boolean("DSO Known", readonly=True)
    overdue_ratio = fields.Float(
        "Overdue Ratio (%)",
        readonly=True,
        aggregator="avg",
        help="Overdue at month end / receivables at month end × 100.",
    )
    avg_days_late = fields.Float(
        "Average Days Late",
        readonly=True,
        aggregator="avg",
        help="Days between due date and payment of the amounts paid in the "
        "month, weighted by amount (on time = 0).",
    )
    cei = fields.Float(
        "CEI (%)",
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index = (receivables at start + sales - "
        "receivables at end) / (receivables at start + sales - current "
        "receivables at end) × 100.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH rec_lines AS (
                SELECT aml.id, aml.company_id, aml.date, aml.date_maturity,
                       aml.balance, m.move_type
                  FROM account_move_line aml
                  JOIN account_account a ON a.id = aml.account_id
                  JOIN account_move m ON m.id = aml.move_id
                 WHERE aml.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
            ),
            months AS (
                SELECT company_id,
                       generate_series(date_trunc('month', MIN(date)),
                                       date_trunc('month', CURRENT_DATE),
                                       interval '1 month')::date AS month
                  FROM rec_lines GROUP BY company_id
            ),
            movement AS (
                SELECT company_id, date_trunc('month', date)::date AS month,
                       SUM(balance) AS net,
                       SUM(balance) FILTER (WHERE move_type IN
                           ('out_invoice', 'out_refund', 'out_receipt')) AS sales
                  FROM rec_lines GROUP BY 1, 2
            ),
            -- an item counts as overdue from the month end after its due date
            overdue_raised AS (
                SELECT company_id,
                       date_trunc('month', GREATEST(date, date_maturity + 1))::date AS month,
                       SUM(balance) AS amount
                  FROM rec_lines
                 WHERE balance > 0 AND date_maturity IS NOT NULL
                   AND GREATEST(date, date_maturity + 1) <= CURRENT_DATE
                 GROUP BY 1, 2
            ),
            overdue_settled AS (
                SELECT l.company_id,
                       date_trunc('month', GREATEST(p.max_date, l.date_maturity + 1))::date
                           AS month,
                       SUM(p.amount) AS amount
                  FROM account_partial_reconcile p
                  JOIN rec_lines l ON l.id = p.debit_move_id
                 WHERE l.balance > 0 AND l.date_maturity IS NOT NULL
                   AND GREATEST(p.max_date, l.date_maturity + 1) <= CURRENT_DATE
                 GROUP BY 1, 2
            ),
            lateness AS (
                SELECT l.company_id, date_trunc('month', p.max_date)::date AS month,
                       SUM(p.amount * %(days_late)s) AS amount_days,
                       SUM(p.amount) AS amount
                  FROM account_partial_reconcile p
                  JOIN rec_lines l ON l.id = p.debit_move_id
                  JOIN account_move_line cl ON cl.id = p.credit_move_id
                  JOIN account_move cm ON cm.id = cl.move_id
                 WHERE l.balance > 0 AND l.date_maturity IS NOT NULL
                   AND cm.move_type NOT IN ('out_refund')
                 GROUP BY 1, 2
            ),
            base AS (
                SELECT ms.company_id, ms.month,
                       COALESCE(mv.sales, 0) AS sales,
                       SUM(COALESCE(mv.net, 0)) OVER w AS ar_end,
                       SUM(COALESCE(mv.net, 0)) OVER w - COALESCE(mv.net, 0) AS ar_begin,
                       SUM(COALESCE(r.amount, 0)) OVER w
                           - SUM(COALESCE(s.amount, 0)) OVER w AS overdue_end_items,
                       lt.amount_days, lt.amount AS amount_paid,
                       -- the running month counts up to today
                       CASE WHEN ms.month = date_trunc('month', CURRENT_DATE)
                            THEN EXTRACT(DAY FROM CURRENT_DATE)
                            ELSE EXTRACT(DAY FROM ms.month + interval '1 month'
                                                  - interval '1 day')
                       END AS days
                  FROM months ms
                  LEFT JOIN movement mv USING (company_id, month)
                  LEFT JOIN overdue_raised r USING (company_id, month)
                  LEFT JOIN overdue_settled s USING (company_id, month)
                  LEFT JOIN lateness lt USING (company_id, month)
                WINDOW w AS (PARTITION BY ms.company_id ORDER BY ms.month)
            ),
            -- open credits lower what is overdue once they exceed what is
            -- not yet due: overdue never exceeds receivables, nor goes below 0
            capped AS (
                SELECT base.*,
                       GREATEST(LEAST(base.overdue_end_items, base.ar_end), 0)
                           AS overdue_end
                  FROM base
            )
            SELECT b.company_id * 100000
                       + EXTRACT(YEAR FROM b.month) * 12 + EXTRACT(MONTH FROM b.month)
                       AS id,
                   b.company_id, c.currency_id, b.month, b.sales, b.ar_begin, b.ar_end,
                   b.overdue_end, b.sales > 0 AS dso_known,
                   b.ar_begin + b.sales - b.ar_end AS collections,
                   CASE WHEN b.sales > 0 THEN ROUND(b.ar_end / b.sales * b.days, 1) END
                       AS dso,
                   CASE WHEN b.ar_end > 0
                        THEN ROUND(b.overdue_end / b.ar_end * 100, 2) END AS overdue_ratio,
                   CASE WHEN b.amount_paid > 0
                        THEN ROUND(b.amount_days / b.amount_paid, 1) END AS avg_days_late,
                   CASE WHEN b.ar_begin + b.sales - b.ar_end + b.overdue_end > 0
                        THEN ROUND((b.ar_begin + b.sales - b.ar_end)
                                   / (b.ar_begin + b.sales - b.ar_end + b.overdue_end)
                                   * 100, 2)
                   END AS cei
              FROM capped b
              JOIN res_company c ON c.id = b.company_id
            """,
            days_late=days_overdue_sql(SQL("l.date_maturity"), SQL("p.max_date")),
        )

    def _debt_collection_xlsx_columns(self):
        return [
            ("month", Column(_("Month"), xlsx.DATE, width=12)),
            ("company_id", Column(_("Company"), width=20)),
            ("sales", Column(_("Sales"), xlsx.DECIMAL, total=True)),
            ("collections", Column(_("Collections"), xlsx.DECIMAL, total=True)),
            ("ar_begin", Column(_("Receivables at Start"), xlsx.DECIMAL)),
            ("ar_end", Column(_("Receivables at End"), xlsx.DECIMAL)),
            ("overdue_end", Column(_("Overdue at End"), xlsx.DECIMAL)),
            ("dso", Column(_("DSO (Days)"), xlsx.DECIMAL, known_if="dso_known")),
            ("overdue_ratio", Column(_("Overdue Ratio (%)"), xlsx.DECIMAL)),
            ("avg_days_late", Column(_("Average Days Late"), xlsx.DECIMAL)),
            ("cei", Column(_("CEI (%)"), xlsx.DECIMAL)),
        ]

    def action_export_xlsx(self):
        attachment = self.env["debt.collection.xlsx"]._export_records(
            self, _("Receivables KPIs")
        )
        return attachment._debt_collection_download_action()

    @api.model
    def get_dashboard(self):
        """The dashboard's panels: an ageing as of today and the KPI graphs."""
        ageing = self.env["debt.collection.ageing"].create({})
        ageing._compute_lines()
        top = self.env["debt.collection.ageing.line"].read_group(
            [("report_id", "=", ageing.id), ("amount_overdue", ">", 0)],
            ["amount_overdue:sum"],
            ["partner_id"],
            orderby="amount_overdue desc",
            limit=10,
        )
        top_ids = [group["partner_id"][0] for group in top]
        year_ago = fields.Date.to_string(
            fields.Date.subtract(
                fields.Date.context_today(self).replace(day=1), months=11
            )
        )
        return {
            "ageing_id": ageing.id,
            "panels": [
                self._dashboard_panel(
                    _("Ageing of open receivables"),
                    "debt.collection.ageing.line",
                    [("report_id", "=", ageing.id), ("bucket_id.credit", "=", False)],
                    "bar",
                    "amount",
                    ["bucket_id"],
                ),
                self._dashboard_panel(
                    _("Top overdue customers"),
                    "debt.collection.ageing.line",
                    [("report_id", "=", ageing.id), ("partner_id", "in", top_ids)],
                    "bar",
                    "amount_overdue",
                    ["partner_id"],
                    order="DESC",
                ),
                self._dashboard_panel(
                    _("DSO (days) per month"),
                    "debt.collection.kpi",
                    [("month", ">=", year_ago), ("dso_known", "=", True)],
                    "line",
                    "dso",
                    ["month:month"],
                ),
                self._dashboard_panel(
                    _("Collection effectiveness index (%) per month"),
                    "debt.collection.kpi",
                    [("month", ">=", year_ago)],
                    "bar",
                    "cei",
                    ["month:month"],
                ),
                self._dashboard_panel(
                    _("Overdue ratio (%) per month"),
                    "debt.collection.kpi",
                    [("month", ">=", year_ago)],
                    "line",
                    "overdue_ratio",
                    ["month:month"],
                ),
                self._dashboard_panel(
                    _("Average days late per month"),
                    "debt.collection.kpi",
                    [("month", ">=", year_ago)],
                    "line",
                    "avg_days_late",
                    ["month:month"],
                ),
                self._dashboard_panel(
                    _("Amounts recovered per step (last 12 months)"),
                    "debt.collection.activity.report",
                    [("date", ">=", year_ago)],
                    "bar",
                    "amount_recovered",
                    ["step_id"],
                ),
            ],
            "formulas": [
                _(
                    "DSO = receivables at month end ÷ sales of the month × days of the "
                    "month (months without positive sales have none)"
                ),
                _(
                    "Unapplied credits (credit notes and payments not yet reconciled) "
                    "are not in the ageing bars: the ageing shows them in a column of "
                    "their own, and they lower the overdue amount only beyond what is "
                    "not yet due"
                ),
                _("Overdue ratio = overdue at month end ÷ receivables at month end"),
                _(
                    "CEI = (receivables at start + sales − receivables at end) ÷ "
                    "(receivables at start + sales − current receivables at end)"
                ),
                _(
                    "Average days late = days from due date to payment, weighted "
                    "by the amounts paid in the month"
                ),
            ],
        }

    @api.model
    def _dashboard_panel(
        self, title, model, domain, mode, measure, groupbys, order=None
    ):
        return {
            "title": title,
            "res_model": model,
            "domain": domain,
            "context": {
                "graph_mode": mode,
                "graph_measure": measure,
                "graph_groupbys": groupbys,
                "graph_order": order,
            },
        }
