from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from .debt_collection_event import SelectionLabel

_lt = LazyTranslate(__name__)

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

    def _debt_collection_is_block_exempt(self):
        """Whether this document may be posted even for a customer blocked
        for sales (see debt_collection_desk): credit notes and vendor
        documents, and what the collection itself issues (the interest addon
        adds its interest notes)."""
        self.ensure_one()
        return self.move_type not in ("out_invoice", "out_receipt")
