from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.debt_collection.tools import xlsx
from odoo.addons.debt_collection.tools.overdue import days_overdue
from odoo.addons.debt_collection.tools.xlsx import Column

SEARCH_OPERATORS = {
    # days overdue OP n  ⇔  due date OP' today - n
    ">": "<",
    ">=": "<=",
    "<": ">",
    "<=": ">=",
    "=": "=",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    # Settlement information of customer invoices: when they were paid and
    # how late (stored, so lists filter and sort on it), and how late the
    # open ones are today (searchable).
    debt_collection_paid_date = fields.Date(
        "Paid On",
        compute="_compute_debt_collection_paid_date",
        store=True,
        help="The date of the last payment or credit note that settled the document.",
    )
    debt_collection_days_late_paid = fields.Integer(
        "Days Late at Payment",
        compute="_compute_debt_collection_paid_date",
        store=True,
        aggregator="avg",
        help="Paid documents: days between the due date and the payment "
        "(0 when paid on time).",
    )
    debt_collection_days_overdue = fields.Integer(
        "Days Overdue",
        compute="_compute_debt_collection_days_overdue",
        search="_search_debt_collection_days_overdue",
        help="Open documents: days since the due date, today.",
    )
    debt_collection_amount_paid = fields.Monetary(
        "Paid Amount",
        compute="_compute_debt_collection_amount_paid",
        currency_field="currency_id",
    )
    debt_collection_payment_dates = fields.Char(
        "Payment Dates", compute="_compute_debt_collection_payment_dates"
    )

    def _debt_collection_partials(self):
        """The reconciliations of these documents' receivable lines."""
        lines = self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        return lines.matched_credit_ids | lines.matched_debit_ids

    @api.depends(
        "payment_state",
        "invoice_date_due",
        "line_ids.matched_credit_ids.max_date",
        "line_ids.matched_debit_ids.max_date",
    )
    def _compute_debt_collection_paid_date(self):
        for move in self:
            paid = (
                move.is_invoice(include_receipts=True)
                and move.payment_state in ("paid", "in_payment")
                and max(
                    move._debt_collection_partials().mapped("max_date"), default=None
                )
            )
            move.debt_collection_paid_date = paid or False
            move.debt_collection_days_late_paid = days_overdue(
                move.invoice_date_due, paid
            )

    @api.depends("invoice_date_due", "amount_residual", "state")
    def _compute_debt_collection_days_overdue(self):
        today = fields.Date.context_today(self)
        for move in self:
            open_ = move.state == "posted" and move.amount_residual
            move.debt_collection_days_overdue = (
                days_overdue(move.invoice_date_due, today) if open_ else 0
            )

    def _search_debt_collection_days_overdue(self, operator, value):
        if operator not in SEARCH_OPERATORS or not isinstance(value, int):
            raise UserError(
                _("Search the days overdue with a whole number, e.g. more than 30.")
            )
        limit = fields.Date.context_today(self) - timedelta(days=value)
        domain = [
            ("state", "=", "posted"),
            ("amount_residual", "!=", 0),
            ("invoice_date_due", SEARCH_OPERATORS[operator], limit),
        ]
        if operator in ("<", "<=") or (operator == "=" and value == 0):
            # Not overdue (yet) counts as 0 days too.
            return [
                "|",
                ("invoice_date_due", ">=", fields.Date.context_today(self)),
                *domain,
            ]
        return domain

    @api.depends("amount_total", "amount_residual")
    def _compute_debt_collection_amount_paid(self):
        for move in self:
            move.debt_collection_amount_paid = (
                move.amount_total - move.amount_residual
                if move.state == "posted"
                else 0
            )

    def _compute_debt_collection_payment_dates(self):
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        for move in self:
            dates = sorted(set(move._debt_collection_partials().mapped("max_date")))
            move.debt_collection_payment_dates = ", ".join(
                d.strftime(lang.date_format) for d in dates
            )

    def _debt_collection_xlsx_columns(self):
        return [
            ("name", Column(_("Number"), width=18)),
            ("partner_id", Column(_("Customer"), width=34)),
            ("invoice_date", Column(_("Invoice Date"), xlsx.DATE, width=12)),
            ("invoice_date_due", Column(_("Due Date"), xlsx.DATE, width=12)),
            ("currency_id", Column(_("Currency"), width=8)),
            ("amount_total", Column(_("Amount"), xlsx.DECIMAL, total=True)),
            (
                "debt_collection_amount_paid",
                Column(_("Paid"), xlsx.DECIMAL, total=True),
            ),
            ("amount_residual", Column(_("Residual"), xlsx.DECIMAL, total=True)),
            ("debt_collection_payment_dates", Column(_("Payment Dates"), width=24)),
            ("debt_collection_paid_date", Column(_("Paid On"), xlsx.DATE, width=12)),
            (
                "debt_collection_days_late_paid",
                Column(_("Days Late at Payment"), xlsx.INTEGER, width=10),
            ),
            (
                "debt_collection_days_overdue",
                Column(_("Days Overdue"), xlsx.INTEGER, width=10),
            ),
            ("debt_collection_stage_id", Column(_("Collection Stage"), width=20)),
        ]

    def action_debt_collection_export_xlsx(self):
        attachment = self.env["debt.collection.xlsx"]._export_records(
            self, _("Invoice settlement")
        )
        return attachment._debt_collection_download_action()
