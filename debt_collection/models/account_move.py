from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..tools import xlsx
from ..tools.overdue import days_overdue
from ..tools.xlsx import Column
from .debt_collection_event import SelectionLabel

_lt = LazyTranslate(__name__)

BLOCKED_MOVE_TYPES = ("out_invoice", "out_receipt")


SEARCH_OPERATORS = {
    # days overdue OP n  ⇔  due date OP' today - n
    ">": "<",
    ">=": "<=",
    "<": ">",
    "<=": ">=",
    "=": "=",
}

HOLD_FIELDS = ("debt_collection_hold_until", "debt_collection_hold_reason")


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_collection_partner_id = fields.Many2one(
        "res.partner",
        string="Collected Customer",
        compute="_compute_debt_collection_partner_id",
        store=True,
        index="btree_not_null",
        help="The customer of the receivable items: the invoice's customer, or "
        "for a journal entry (opening balance) the partner of its receivable lines.",
    )
    debt_collection_subject = fields.Boolean(
        "Subject to Collection",
        compute="_compute_debt_collection_subject",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        help="Switched off, no collection action touches this document. Taken "
        "from the customer when the document is created.",
    )
    debt_collection_policy_id = fields.Many2one(
        "debt.collection.policy",
        string="Collection Policy",
        check_company=True,
        copy=False,
        tracking=True,
        help="Empty: the customer's policy, else the company's default policy.",
    )
    debt_collection_hold_until = fields.Date(
        "Collection on Hold Until",
        copy=False,
        tracking=True,
        help="No collection action is taken for this document up to and "
        "including this date.",
    )
    debt_collection_hold_reason = fields.Selection(
        [
            ("dispute", "Dispute"),
            ("promise", "Promise to pay"),
            ("other", "Other"),
        ],
        string="Hold Reason",
        copy=False,
        tracking=True,
    )
    debt_collection_stage_id = fields.Many2one(
        "debt.collection.step",
        string="Collection Stage",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The last collection step applied to this document.",
    )
    debt_collection_last_action_date = fields.Date(
        "Last Collection Action", readonly=True, copy=False
    )
    debt_collection_next_step_id = fields.Many2one(
        "debt.collection.step",
        string="Next Collection Action",
        compute="_compute_debt_collection_next",
    )
    debt_collection_next_date = fields.Date(
        "Next Collection Action On", compute="_compute_debt_collection_next"
    )
    debt_collection_event_ids = fields.One2many(
        "debt.collection.event", "move_id", string="Collection History"
    )
    debt_collection_has_receivable = fields.Boolean(
        compute="_compute_debt_collection_has_receivable"
    )

    @api.depends("commercial_partner_id", "line_ids.partner_id", "line_ids.account_id")
    def _compute_debt_collection_partner_id(self):
        for move in self:
            receivable = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            move.debt_collection_partner_id = (
                move.commercial_partner_id
                or receivable.partner_id.commercial_partner_id[:1]
            )

    @api.depends("debt_collection_partner_id")
    def _compute_debt_collection_subject(self):
        # Only when the customer changes: switching the customer's flag later
        # does not rewrite its documents (either flag off stops collection).
        for move in self:
            partner = move.debt_collection_partner_id
            move.debt_collection_subject = (
                partner.debt_collection_subject if partner else True
            )

    @api.depends("line_ids.account_id.account_type")
    def _compute_debt_collection_has_receivable(self):
        for move in self:
            move.debt_collection_has_receivable = any(
                line.account_id.account_type == "asset_receivable"
                for line in move.line_ids
            )

    @api.depends_context("company")
    def _compute_debt_collection_next(self):
        forecast = self.env["debt.collection.engine"]._move_forecast(self._origin)
        for move in self:
            values = forecast.get(move._origin.id, {})
            move.debt_collection_next_step_id = values.get("next_step")
            move.debt_collection_next_date = values.get("next_date")

    def write(self, vals):
        logged = [
            name for name in ("debt_collection_subject", *HOLD_FIELDS) if name in vals
        ]
        if not logged:
            return super().write(vals)
        before = {move.id: {name: move[name] for name in logged} for move in self}
        result = super().write(vals)
        self._debt_collection_log_changes(before)
        return result

    def _debt_collection_log_changes(self, before):
        """Record subject-to-collection and hold changes as events."""
        vals_list = []
        for move in self.filtered("debt_collection_has_receivable"):
            old = before[move.id]
            if (
                "debt_collection_subject" in old
                and old["debt_collection_subject"] != move.debt_collection_subject
            ):
                vals_list.append(
                    move._debt_collection_event_vals(
                        "flag",
                        _lt("Collection switched on again for this document.")
                        if move.debt_collection_subject
                        else _lt("Collection switched off for this document."),
                    )
                )
            if any(old.get(name, move[name]) != move[name] for name in HOLD_FIELDS):
                vals_list.append(move._debt_collection_hold_event_vals())
        if vals_list:
            # Whoever may change the document may have it recorded.
            self.env["debt.collection.event"]._log(vals_list)

    def _debt_collection_hold_event_vals(self):
        if self.debt_collection_hold_until:
            message = _lt(
                "On hold until %(date)s. %(reason)s",
                date=self.debt_collection_hold_until,
                reason=SelectionLabel(self, "debt_collection_hold_reason"),
            )
        else:
            message = _lt("Hold lifted.")
        vals = self._debt_collection_event_vals(
            "hold", message, self.env.context.get("debt_collection_hold_note")
        )
        vals["hold_until"] = self.debt_collection_hold_until
        return vals

    def _debt_collection_event_vals(self, event_type, message, html=None):
        """An event of this document; ``message`` (an ``_lt`` term) is shown
        in the reader's language, ``html`` (typed by a user) after it."""
        self.ensure_one()
        return self.env["debt.collection.event"]._prepare_log_vals(
            self.company_id,
            self.debt_collection_partner_id,
            event_type,
            message,
            html,
            move_id=self.id,
        )

    def _debt_collection_invoice_pdfs(self):
        """{move id: (file name, PDF)} of the invoices among these documents:
        the PDF sent to the customer when Odoo kept it, else printed now."""
        report = self.env["ir.actions.report"].with_context(
            report_pdf_no_attachment=True
        )
        pdfs = {}
        for move in self.filtered(lambda m: m.is_invoice(include_receipts=True)):
            # sudo: the kept PDF is readable by accounting only; it goes to the
            # customer it was made for.
            kept = move.sudo().invoice_pdf_report_id
            raw = kept.raw if kept else None
            if not raw:
                raw = report._render_qweb_pdf("account.account_invoices", move.ids)[0]
            pdfs[move.id] = (f"{move._get_report_base_filename()}.pdf", raw)
        return pdfs

    @api.model
    def _debt_collection_attach_invoices(self, records, mails, documents):
        """Attach to each of ``mails`` (one per record of ``records``) the PDF
        of the invoices ``documents`` gives for its record, each once."""
        listed = {record.id: documents(record) for record in records}
        pdfs = self.browse().union(*listed.values())._debt_collection_invoice_pdfs()
        values = []
        for record in records:
            for move in listed[record.id]:
                if move.id not in pdfs:
                    continue
                name, raw = pdfs[move.id]
                values.append(
                    {
                        "name": name,
                        "raw": raw,
                        "mimetype": "application/pdf",
                        "res_model": record._name,
                        "res_id": record.id,
                    }
                )
        # sudo: the copies are part of what was sent, attached to messages and
        # demands that users do not edit (see their access rights).
        attachments = self.env["ir.attachment"].sudo().create(values)
        for record, mail in zip(records, mails.sudo(), strict=True):
            mine = attachments.filtered(
                lambda a, r=record: a.res_id == r.id and a.res_model == r._name
            )
            mail.attachment_ids = [Command.link(a.id) for a in mine]

    def _debt_collection_set_stage(self, step, run_date):
        """Remember the last step applied (set-based: one UPDATE); on one day
        the most advanced step applied stays. Rows that already say so are
        left alone: a document of many customers (an opening entry) is not
        rewritten by each batch of a run, which would make it a row where
        the workers of the run collide."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                """UPDATE account_move m
                      SET debt_collection_stage_id = %(step)s,
                          debt_collection_last_action_date = %(date)s
                    WHERE m.id = ANY(%(ids)s)
                      AND NOT EXISTS (
                          SELECT 1 FROM debt_collection_step s
                           WHERE s.id = m.debt_collection_stage_id
                             AND m.debt_collection_last_action_date = %(date)s
                             AND (s.days, s.id) >= (%(days)s, %(step)s))""",
                step=step.id,
                days=step.days,
                date=run_date,
                ids=self.ids,
            ),
            # A conflict with another worker is expected: its batch is retried.
            log_exceptions=False,
        )
        self.invalidate_recordset(
            ["debt_collection_stage_id", "debt_collection_last_action_date"]
        )

    # Collection messages about this document that could not be delivered.
    debt_collection_failed_count = fields.Integer(
        "Failed Deliveries", compute="_compute_debt_collection_failed_count"
    )

    def _compute_debt_collection_failed_count(self):
        Event = self.env["debt.collection.event"]
        counts = dict(
            Event._read_group(
                Event._get_failed_delivery_domain() + [("move_id", "in", self.ids)],
                ["move_id"],
                ["__count"],
            )
        )
        for move in self:
            move.debt_collection_failed_count = counts.get(move, 0)

    def action_debt_collection_failed_deliveries(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_event"
        )
        action["domain"] = [
            ("move_id", "in", self.ids),
            *self.env["debt.collection.event"]._get_failed_delivery_domain(),
        ]
        action["context"] = {}
        return action

    def action_debt_collection_add_note(self):
        self.ensure_one()
        return self.debt_collection_partner_id._debt_collection_open_wizard(
            "debt.collection.note.wizard", _("Add a Collection Note"), self
        )

    def action_debt_collection_hold(self):
        partner = self.debt_collection_partner_id
        if len(partner) != 1:
            raise UserError(_("Put documents of one customer on hold at a time."))
        return partner._debt_collection_open_wizard(
            "debt.collection.hold.wizard", _("Put on Hold"), self
        )

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

    # Sales block
    debt_collection_partner_blocked = fields.Boolean(
        "Customer Blocked", compute="_compute_debt_collection_partner_block"
    )
    debt_collection_partner_block_state = fields.Selection(
        related="commercial_partner_id.debt_collection_block_state",
        string="Sales Block",
    )
    debt_collection_block_warning = fields.Text(
        compute="_compute_debt_collection_partner_block"
    )

    @api.depends("commercial_partner_id", "company_id")
    def _compute_debt_collection_partner_block(self):
        self.debt_collection_partner_blocked = False
        self.debt_collection_block_warning = False
        # One look-up of the blocks per company, not per invoice.
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            partners = moves.commercial_partner_id.with_company(company)
            blocked = partners.filtered("debt_collection_blocked")
            warnings = {p.id: p._debt_collection_block_warning() for p in blocked}
            for move in moves:
                warning = warnings.get(move.commercial_partner_id.id)
                move.debt_collection_partner_blocked = bool(warning)
                move.debt_collection_block_warning = warning or False

    def _debt_collection_is_block_exempt(self):
        """Credit notes and vendor documents may always be posted for a
        blocked customer (debt_collection_interest adds interest notes)."""
        self.ensure_one()
        return self.move_type not in BLOCKED_MOVE_TYPES

    @api.onchange("partner_id")
    def _onchange_partner_id_debt_collection_block(self):
        if (
            self.partner_id
            and not self._debt_collection_is_block_exempt()
            and self.debt_collection_partner_blocked
        ):
            return {
                "warning": {
                    "title": _("Customer blocked"),
                    "message": self.debt_collection_block_warning,
                }
            }

    def _post(self, soft=True):
        blocked = self.filtered(
            lambda m: (
                not m._debt_collection_is_block_exempt()
                and m.debt_collection_partner_blocked
            )
        )
        refused = blocked.filtered(
            lambda m: m.company_id.debt_collection_block_invoices == "refuse"
        )
        if refused:
            raise UserError(
                _(
                    "Invoices cannot be posted for blocked customers:\n%(lines)s\n"
                    "Ask a debt collection manager to lift the block first.",
                    lines="\n".join(
                        move.debt_collection_block_warning for move in refused
                    ),
                )
            )
        posted = super()._post(soft=soft)
        for move in blocked & posted:
            move.message_post(
                body=Markup("%s<br/>%s")
                % (
                    _("Posted for a customer blocked for sales."),
                    move.debt_collection_block_warning,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return posted
