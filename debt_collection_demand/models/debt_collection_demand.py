import io
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from itertools import pairwise

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import xlsxwriter
from odoo.tools.pdf import PdfReader, PdfWriter, merge_pdf
from odoo.tools.translate import LazyTranslate

from odoo.addons.debt_collection.models.debt_collection_document import (
    MANAGER_GROUP,
    Transition,
)
from odoo.addons.debt_collection.models.debt_collection_event import SelectionLabel
from odoo.addons.debt_collection.tools.amount_words import amount_in_words
from odoo.addons.debt_collection.tools.insert import insert_rows
from odoo.addons.debt_collection.tools.money import to_decimal
from odoo.addons.debt_collection.tools.overdue import days_overdue

_lt = LazyTranslate(__name__)

DEMAND_KINDS = [("demand", "Payment demand"), ("final_demand", "Final demand")]
SEQUENCE_CODES = {
    "demand": "debt.collection.demand",
    "final_demand": "debt.collection.final.demand",
}


# What a demand reads of the journal items it lists (see _insert_lines,
# _snapshot_values and _check_demanded_items).
DEMANDED_ITEM_FIELDS = [
    "partner_id",
    "company_id",
    "account_id",
    "move_id",
    "date",
    "date_maturity",
    "currency_id",
    "company_currency_id",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
]


class DebtCollectionDemand(models.Model):
    """A payment demand (wezwanie do zapłaty) or a final pre-court demand
    (ostateczne przedsądowe wezwanie do zapłaty): a formal document, approved
    by a manager, sent by e-mail or by post, closed when paid or escalated."""

    _name = "debt.collection.demand"
    _inherit = ["mail.thread", "debt.collection.document.mixin"]
    _description = "Payment Demand"
    _order = "date desc, id desc"
    _check_company_auto = True

    _workflow_transitions = {
        "submit": Transition(
            ("draft",),
            "to_approve",
            lambda d, state: d.env._(
                "%(demand)s cannot be submitted for approval: it is %(state)s.",
                demand=d.display_name,
                state=state,
            ),
            stamp="submitted",
        ),
        "approve": Transition(
            ("draft", "to_approve"),
            "approved",
            lambda d, state: d.env._(
                "%(demand)s cannot be approved: it is %(state)s.",
                demand=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="approved",
        ),
        "reset_draft": Transition(
            ("to_approve",),
            "draft",
            lambda d, state: d.env._(
                "%(demand)s cannot be reset to draft: it is %(state)s.",
                demand=d.display_name,
                state=state,
            ),
        ),
        "cancel": Transition(
            ("draft", "to_approve", "approved", "sent"),
            "cancelled",
            lambda d, state: d.env._(
                "%(demand)s cannot be cancelled: it is %(state)s.",
                demand=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            group_states=("approved", "sent"),
            stamp="cancelled",
        ),
        "send_email": Transition(
            ("approved", "sent"),
            "sent",
            lambda d, state: d.env._(
                "%(demand)s cannot be sent: it is %(state)s; approve it first.",
                demand=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="sent",
        ),
        "post": Transition(
            ("approved",),
            "sent",
            lambda d, state: d.env._(
                "%(demand)s cannot be printed for posting: it is %(state)s; only "
                "approved demands are posted.",
                demand=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="sent",
        ),
        "escalate": Transition(
            ("approved", "sent"),
            "closed",
            lambda d, state: d.env._(
                "%(demand)s cannot be escalated: it is %(state)s.",
                demand=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="closed",
        ),
        "hand_over": Transition(
            ("approved", "sent"),
            "closed",
            lambda d, state: d.env._(
                "%(demand)s cannot be handed over for legal action: it is %(state)s.",
                demand=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="closed",
        ),
        # Back to approved when its e-mail never arrived (see the delivery).
        "undelivered": Transition(("sent",), "approved", None, clear=("sent",)),
        # Closed as paid by the ledger (see account.move.line's reconcile).
        "close_paid": Transition(("approved", "sent"), "closed", None, stamp="closed"),
        "pay": Transition(
            ("approved", "sent"),
            None,
            lambda d, state: d.env._(
                "%(demand)s cannot be paid from here: it is %(state)s.",
                demand=d.display_name,
                state=state,
            ),
        ),
    }
    _workflow_extra_fields = frozenset(
        {"name", "close_reason", "sent_by", "final_demand_id"}
    )
    _workflow_locked_message = _lt(
        "The state of a demand changes only with its buttons."
    )
    _workflow_group_refusal = _lt(
        "Only Debt Collection Managers may approve or send demands."
    )
    _workflow_event_type = "demand"
    _workflow_event_channel = "letter"
    _workflow_event_field = "demand_id"
    # A print of many letters is cut into one part per CPU, of at least this
    # many letters, printed by one wkhtmltopdf each at the same time.
    _print_letters_per_process = 50

    name = fields.Char(default="/", readonly=True, copy=False, index="trigram")
    kind = fields.Selection(
        DEMAND_KINDS, required=True, default="demand", tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    pay_by_date = fields.Date(
        "Pay By",
        compute="_compute_pay_by_date",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="The collector the customer may contact; signs the letter.",
    )
    include_interest = fields.Boolean(
        "Show Interest to Date",
        help="List the late-payment interest and the compensation due so far "
        "(they are charged by an interest note, not by the demand).",
    )
    line_ids = fields.One2many(
        "debt.collection.demand.line", "demand_id", string="Documents", copy=True
    )
    net_credits = fields.Boolean(
        "Net Open Credits",
        default=True,
        help="List the customer's open credits (unreconciled credit notes, "
        "unapplied payments) in the currencies of the documents and demand the "
        "net amount.",
    )
    credit_ids = fields.One2many(
        "debt.collection.credit", "demand_id", string="Open Credits", readonly=True
    )
    letter_template_id = fields.Many2one(
        "debt.collection.letter.template",
        string="Letter",
        compute="_compute_letter_template_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('kind', '=', kind)]",
        help="The text of the printed demand (and of its PDF).",
    )
    attach_invoices = fields.Boolean(
        "Attach Invoice Copies",
        help="The e-mail carries the PDF of each invoice listed, and the "
        "printed letter encloses them.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("approved", "Approved"),
            ("sent", "Sent"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    close_reason = fields.Selection(
        [
            ("paid", "Paid"),
            ("escalated", "Escalated to a final demand"),
            ("legal", "Handed over for legal action"),
        ],
        readonly=True,
        copy=False,
    )
    sent_by = fields.Selection(
        [("email", "By e-mail"), ("post", "By post")],
        string="Sent Via",
        readonly=True,
        copy=False,
    )
    final_demand_id = fields.Many2one(
        "debt.collection.demand", readonly=True, copy=False
    )
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    sent_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    sent_date = fields.Datetime(readonly=True, copy=False)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Datetime(readonly=True, copy=False)
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    amount_due = fields.Monetary(
        currency_field="company_currency_id",
        compute="_compute_amount_due",
        store=True,
        help="Total due, in company currency.",
    )
    totals_html = fields.Html("Totals", compute="_compute_totals_html", sanitize=False)
    mail_email_to = fields.Char(compute="_compute_mail_addresses")
    has_open_credits = fields.Boolean(
        compute="_compute_has_open_credits",
        help="The customer has open credits (credit notes, unapplied payments).",
    )

    def _compute_has_open_credits(self):
        has_credits = self.env["debt.collection.ledger"]._has_open_credits(self)
        for record in self:
            record.has_open_credits = has_credits.get(record.id, False)

    mail_email_cc = fields.Char(compute="_compute_mail_addresses")
    delivery_ids = fields.One2many(
        "debt.collection.delivery", "demand_id", string="Deliveries"
    )

    @api.depends("kind")
    def _compute_letter_template_id(self):
        Template = self.env["debt.collection.letter.template"]
        defaults = {}  # one lookup per kind, not per demand
        for demand in self:
            if demand.letter_template_id.kind != demand.kind:
                if demand.kind not in defaults:
                    defaults[demand.kind] = Template._default_for(demand.kind)
                demand.letter_template_id = defaults[demand.kind]

    def _render_letters(self):
        """{demand id: the text of its letter}, each in its customer's
        language (one rendering per template)."""
        letters = {}
        for template, demands in self.grouped("letter_template_id").items():
            for kind, of_kind in demands.grouped("kind").items():
                letter = template or template._default_for(kind)
                if letter:
                    letters.update(letter.sudo()._render_letters(of_kind))
        return letters

    def _print_chunks(self):
        """The demands in print order, cut into the parts that the report
        prints as separate documents (one part for a small print)."""
        per_process = self._print_letters_per_process
        count = max(1, min(os.cpu_count() or 1, len(self) // per_process))
        bounds = [len(self) * part // count for part in range(count + 1)]
        return [self[start:end] for start, end in pairwise(bounds)]

    @api.depends("date", "kind", "company_id")
    def _compute_pay_by_date(self):
        for demand in self:
            days = demand.company_id.debt_collection_demand_days
            demand.pay_by_date = demand.date and demand.date + timedelta(days=days)

    @api.depends("line_ids.amount_due_company", "credit_ids.amount_company", "state")
    def _compute_amount_due(self):
        for demand in self:
            demand.amount_due = sum(demand.line_ids.mapped("amount_due_company")) - sum(
                demand.credit_ids.mapped("amount_company")
            )

    @api.depends("line_ids.amount_due", "line_ids.currency_id", "credit_ids.amount")
    def _compute_totals_html(self):
        for demand in self:
            demand.totals_html = Markup("").join(
                Markup("<div>%s (%s)</div>") % (currency.format(total), words)
                for currency, total, words in demand._get_totals()
            )

    @api.depends("partner_id")
    def _compute_mail_addresses(self):
        for demand in self:
            to, cc = demand.partner_id._debt_collection_letter_recipients()
            demand.mail_email_to = ",".join(to.mapped("email_formatted"))
            demand.mail_email_cc = ",".join(cc.mapped("email_formatted"))

    @api.depends("name", "kind", "partner_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for demand in self:
            number = demand.name if demand.name != "/" else _("Draft")
            demand.display_name = f"{kinds[demand.kind]} {number}"

    def _get_totals(self):
        """[(currency, total due with interest shown, less the open credits
        listed, total in words)]."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang or "en_US"
        totals = {}
        for line in self.line_ids:
            amount = line.amount_due
            if self.include_interest:
                amount += line.interest + line.compensation
            totals[line.currency_id] = totals.get(line.currency_id, 0.0) + amount
        for currency, credit in self.credit_ids._totals_by_currency().items():
            totals[currency] = totals.get(currency, 0.0) - credit
        return [
            (
                currency,
                currency.round(total),
                amount_in_words(to_decimal(total), currency.name, lang),
            )
            for currency, total in sorted(totals.items(), key=lambda t: t[0].name)
        ]

    # Workflow --------------------------------------------------------------

    def _check_content_editable(self):
        if self.filtered(lambda d: d.state not in ("draft", "to_approve")):
            raise UserError(
                _("An approved demand cannot be changed; cancel it instead.")
            )

    def write(self, vals):
        if set(vals) & {"partner_id", "line_ids", "kind", "include_interest", "date"}:
            self._check_content_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if self.filtered(lambda d: d.state != "draft"):
            raise UserError(_("Only draft demands can be deleted; cancel the others."))

    def action_submit(self):
        self._check_transition("submit")
        for demand in self:
            if not demand.line_ids:
                raise UserError(
                    _("%(demand)s lists no document.", demand=demand.display_name)
                )
        self._refresh_amounts()
        self._submit()

    def _submit(self, message=None):
        """Submit for approval demands whose amounts were just refreshed."""
        self._apply_transition(
            "submit", message=message or _lt("Submitted for approval.")
        )

    def action_approve(self):
        self._check_transition("approve")
        self._approve()

    def _approve(self, message=None):
        """Number the demands and freeze their amounts."""
        self._refresh_amounts()
        for demand in self:
            if demand.name == "/":
                demand._workflow_write(
                    {
                        "name": demand.company_id._debt_collection_demand_sequence(
                            demand.kind
                        ).next_by_id(sequence_date=demand.date)
                    }
                )
        self._apply_transition("approve", message=message or _lt("Approved."))

    def action_reset_draft(self):
        self._run_transition("reset_draft", message=_lt("Reset to draft."))

    def action_cancel(self):
        self._run_transition("cancel", message=_lt("Cancelled."))

    def action_send_email(self):
        """Send by e-mail with the PDF (approved demands)."""
        self._check_transition("send_email")
        missing = self.filtered(lambda d: not d.mail_email_to)
        if missing:
            raise UserError(
                _(
                    "No e-mail address for %(customers)s: add one on the customer or "
                    "its invoice contact, or send by post.",
                    customers=", ".join(missing.partner_id.mapped("display_name")),
                )
            )
        self._send_email()

    def _send_email(self, template=None, actions=None):
        """Queue one e-mail per demand with its PDF (all rendered in one pass);
        ``actions``: {demand id: events} the run carries out with them
        (default: those recorded, see ``_get_running_actions``)."""
        if actions is None:
            actions = dict(zip(self.ids, self._get_running_actions(), strict=True))
        attachments = self._create_pdf_attachments()
        Delivery = self.env["debt.collection.delivery"]
        for kind in set(self.mapped("kind")):
            demands = self.filtered(lambda d, k=kind: d.kind == k)
            kind_template = template or self.env.ref(
                f"debt_collection_demand.mail_template_{kind}_document"
            )
            mails = kind_template._debt_collection_queue_mails(demands.ids)
            for demand, mail in zip(demands, mails, strict=True):
                mail.attachment_ids = [Command.link(attachments[demand.id].id)]
            Delivery._track_mails(mails, [actions[demand.id] for demand in demands])
            with_copies = demands.filtered("attach_invoices")
            if with_copies:
                self.env["account.move"]._debt_collection_attach_invoices(
                    with_copies,
                    mails.filtered(lambda m, ids=with_copies.ids: m.res_id in ids),
                    lambda demand: demand.line_ids.move_id,
                )
        self._mark_sent("email")

    def _get_running_actions(self):
        """[events] of each demand: the collection run's actions this demand
        carries out now (none when a manager sends it by hand)."""
        # sudo: history, read by the workflow that delivers the demand.
        events = (
            self.env["debt.collection.event"]
            .sudo()
            .search([("demand_id", "in", self.ids), ("state", "=", "running")])
        )
        return [
            events.filtered(lambda e, d=demand: e.demand_id == d) for demand in self
        ]

    def _create_pdf_attachments(self):
        """{demand id: ir.attachment} of the demands' PDFs, rendered in one pass."""
        report, ref = (
            self.env["ir.actions.report"],
            "debt_collection_demand.action_report_demand",
        )
        content, content_type = report._render_qweb_pdf(ref, self.ids)
        raws = content_type == "pdf" and _split_pdf(content, self)
        if not raws:  # tests render HTML; or a letter had no title to split on
            raws = {
                demand.id: report._render_qweb_pdf(ref, demand.ids)[0]
                for demand in self
            }
        values = []
        for demand in self:
            values.append(
                {
                    "name": f"{demand.display_name.replace('/', '-')}.pdf",
                    "raw": raws[demand.id],
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": demand.id,
                }
            )
        attachments = self.env["ir.attachment"].create(values)
        return dict(zip(self.ids, attachments, strict=True))

    def _mark_sent(self, channel):
        self._apply_transition(
            "send_email" if channel == "email" else "post",
            {"sent_by": channel},
            _lt("Sent by e-mail.") if channel == "email" else _lt("Sent by post."),
            "email" if channel == "email" else "letter",
        )

    def action_print_batch(self):
        """One PDF of all selected approved demands for printing; they are
        marked sent by post."""
        self._check_transition("post")
        no_address = self.filtered(
            lambda d: (
                not (d.partner_id.street and d.partner_id.city and d.partner_id.zip)
            )
        )
        message = no_address and _(
            "No postal address (street, postcode and city) for %(customers)s: add "
            "it on the customer, then print their demands.",
            customers=", ".join(no_address.partner_id.mapped("display_name")),
        )
        printable = self - no_address
        if not printable:
            raise UserError(message)
        printable._mark_sent("post")
        printable._record_letters_printed()
        report = (
            self.env.ref("debt_collection_demand.action_report_demand")
            .with_context(debt_collection_enclose_invoices=True)
            .report_action(printable)
        )
        if not no_address:
            return report
        # The others are printed; say which were left out, then download.
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "title": _("Some demands were not printed"),
                "message": message,
                "sticky": True,
                "next": report,
            },
        }

    def _record_letters_printed(self):
        """Printed for posting: the letters waiting for it are sent, and the
        others are recorded as sent now."""
        Delivery = self.env["debt.collection.delivery"].sudo()  # sudo: history
        waiting = Delivery.search(
            [
                ("demand_id", "in", self.ids),
                ("channel", "=", "letter"),
                ("state", "=", "queued"),
            ]
        )
        waiting._mark_sent()
        others = self - waiting.demand_id
        Delivery._track_letters(
            others, [self.env["debt.collection.event"]] * len(others), state="sent"
        )

    def _open_items(self):
        """The listed documents' receivable items still open."""
        return self.line_ids.move_line_id.filtered(
            lambda item: not item.reconciled and item.amount_residual > 0
        )

    def _check_payable(self):
        self._check_transition("pay")
        if not self._open_items():
            raise UserError(_("Everything these demands list is paid."))

    def action_register_payment(self):
        """Odoo's payment wizard on the open documents the demand lists (bank
        or cash journal); the demand closes as paid once they all are."""
        self._check_payable()
        # One payment for the whole demand, as the customer pays it.
        return self._open_items().action_register_payment(
            ctx={"default_group_payment": True}
        )

    def action_apply_credits(self):
        """Settle the listed documents with the customer's open credits."""
        self._check_payable()
        self.env["debt.collection.ledger"]._apply_open_credits(self._open_items())

    def action_dispatch_list(self):
        """The registered-mail dispatch list (książka nadawcza), PDF."""
        return self.env.ref(
            "debt_collection_demand.action_report_demand_dispatch"
        ).report_action(self)

    def action_dispatch_list_xlsx(self):
        """The dispatch list as a spreadsheet for the post office's software."""
        attachment = self.env["ir.attachment"].create(
            {
                "name": _(
                    "Dispatch list %(date)s.xlsx", date=fields.Date.context_today(self)
                ),
                "raw": self._dispatch_list_xlsx(),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _enclose_invoices(self, letters):
        """The printed ``letters`` (one PDF of these demands) with the PDF of
        each listed invoice after the letter of the demands that enclose
        them."""
        report = self.env["ir.actions.report"].with_context(
            debt_collection_enclose_invoices=False
        )
        parts = _split_pdf(letters, self) or {
            demand.id: report._render_qweb_pdf(
                "debt_collection_demand.action_report_demand", demand.ids
            )[0]
            for demand in self
        }
        with_copies = self.filtered("attach_invoices")
        copies = with_copies.line_ids.move_id._debt_collection_invoice_pdfs()
        documents = []
        for demand in self:
            documents.append(parts[demand.id])
            if demand.attach_invoices:
                documents += [
                    copies[move.id][1]
                    for move in demand.line_ids.move_id
                    if move.id in copies
                ]
        return merge_pdf(documents)

    def _dispatch_list_xlsx(self):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Dispatch list"))
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        headers = [_("No."), _("Recipient"), _("Address"), _("Demand"), _("Sent on")]
        sheet.write_row(0, 0, headers, bold)
        for row, demand in enumerate(self, start=1):
            sheet.write_number(row, 0, row)
            sheet.write_string(row, 1, demand.partner_id.name or "")
            sheet.write_string(row, 2, demand._get_dispatch_address())
            sheet.write_string(row, 3, demand.name)
            if demand.sent_date:
                sheet.write_datetime(row, 4, demand.sent_date, date_format)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(self), len(headers) - 1)
        sheet.set_column(1, 2, 40)
        sheet.set_column(3, 4, 18)
        workbook.close()
        return output.getvalue()

    def _get_dispatch_address(self):
        """The postal address on one line: street, postcode and city."""
        self.ensure_one()
        partner = self.partner_id
        city = " ".join(filter(None, [partner.zip, partner.city]))
        parts = [partner.street, partner.street2, city]
        if partner.country_id and partner.country_id != self.company_id.country_id:
            parts.append(partner.country_id.name)
        return ", ".join(filter(None, parts))

    def action_escalate(self):
        """A final demand for the same documents still unpaid; closes this one."""
        self._check_transition("escalate")
        finals = self.browse()
        for demand in self.filtered(lambda d: d.kind == "demand"):
            lines = demand.line_ids.filtered(
                lambda line: line.move_line_id.amount_residual
            )
            if not lines:
                raise UserError(
                    _(
                        "Everything %(demand)s lists is paid.",
                        demand=demand.display_name,
                    )
                )
            final = self.create(
                {
                    "kind": "final_demand",
                    "company_id": demand.company_id.id,
                    "partner_id": demand.partner_id.id,
                    "user_id": demand.user_id.id,
                    "include_interest": demand.include_interest,
                    "net_credits": demand.net_credits,
                    "line_ids": [
                        Command.create({"move_line_id": line.move_line_id.id})
                        for line in lines
                    ],
                }
            )
            final._refresh_amounts()
            final._log_event(
                _lt("Created from %(demand)s.", demand=demand._log_title())
            )
            demand._close("escalated", final)
            finals |= final
        if not finals:
            raise UserError(_("Only payment demands escalate to a final demand."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", finals.ids)],
        }

    def _close_escalated_demands(self):
        """Close the open payment demands of the documents these final demands
        list: the final demands take over."""
        final_by_item = {
            line.move_line_id.id: final for final in self for line in final.line_ids
        }
        # By item only, then filtered: joined to the demands, PostgreSQL
        # plans a quadratic loop while the lines of this transaction are not
        # in its statistics yet (a first run creates thousands).
        earlier_lines = (
            self.env["debt.collection.demand.line"]
            .search([("move_line_id", "in", list(final_by_item))], order="id")
            .filtered(
                lambda line: (
                    line.demand_id.kind == "demand"
                    and line.demand_id.state in ("approved", "sent")
                )
            )
        )
        earlier_by_final = {}
        for line in earlier_lines:
            final = final_by_item[line.move_line_id.id]
            earlier_by_final[final] = earlier_by_final.get(final, self.browse()) | (
                line.demand_id
            )
        for final, earlier in earlier_by_final.items():
            earlier._close("escalated", final)

    def action_hand_over(self):
        """Close as handed over for legal action."""
        self._check_transition("hand_over")
        self._close("legal")

    def _close(self, reason, final_demand=None):
        """Close (checked by the caller): paid, escalated to ``final_demand``
        or handed over for legal action."""
        transitions = {
            "paid": ("close_paid", _lt("Closed: everything listed is paid.")),
            "escalated": ("escalate", _lt("Closed: escalated to a final demand.")),
            "legal": ("hand_over", _lt("Closed: handed over for legal action.")),
        }
        name, message = transitions[reason]
        values = {"close_reason": reason}
        if final_demand:
            values["final_demand_id"] = final_demand.id
        self._apply_transition(name, values, message)

    def _close_if_paid(self):
        """Close the approved or sent demands whose documents are all paid."""
        paid = self.filtered(
            lambda d: (
                d.state in ("approved", "sent")
                and all(
                    line.move_line_id.reconciled or not line.move_line_id
                    for line in d.line_ids
                )
            )
        )
        if paid:
            paid._close("paid")

    def _log_title(self):
        """The demand's name as the history shows it in any language: its kind
        and the number it had then."""
        self.ensure_one()
        return _lt(
            "%(kind)s %(number)s",
            kind=SelectionLabel(self, "kind"),
            number=self.name if self.name != "/" else _lt("Draft"),
        )

    def _get_logged_moves(self):
        return self.line_ids.move_id

    def _get_log_message(self, message):
        return _lt("%(demand)s: %(message)s", demand=self._log_title(), message=message)

    # Amounts -----------------------------------------------------------------

    def _refresh_amounts(self):
        """While a demand is not approved its amounts and the open credits it
        lists follow payments; approval freezes them."""
        drafts = self.filtered(lambda d: d.state in ("draft", "to_approve"))
        for demand in drafts:
            demand.line_ids._snapshot(demand)
        drafts._snapshot_credits()

    def _snapshot_credits(self):
        """List the customers' open credits in the currencies of the documents."""
        # sudo: the credits listed follow the ledger; users do not edit them.
        self.credit_ids.sudo().unlink()
        self.env["debt.collection.credit"]._attach(
            self.filtered("net_credits"), "demand_id"
        )

    def _get_document_currencies(self):
        return self.line_ids.currency_id

    @api.model
    def _create_for_items(
        self,
        company,
        kind,
        items,
        date=None,
        auto_approve=False,
        responsible=None,
        pay_by_days=0,
        include_interest=False,
        net_credits=True,
        attach_invoices=False,
        letter_template=None,
        submit=False,
    ):
        """One demand per customer for ``items`` (account.move.line); pay
        within ``pay_by_days`` (0: the company's setting); ``net_credits``
        lists the customers' open credits and demands the net;
        ``attach_invoices`` sends and encloses the invoices' PDFs;
        ``letter_template`` is the text of the letters (default: the kind's);
        ``submit`` submits for approval those not approved at once."""
        date = date or company._debt_collection_today()
        vals_list = []
        # What the demands and their lines read of the items, for all of them
        # at once: not every column of thousands of journal items.
        items.fetch(DEMANDED_ITEM_FIELDS)
        # Each item's own customer: an opening entry may hold many customers.
        by_partner = items.grouped(lambda item: item.partner_id.commercial_partner_id)
        for partner in by_partner:
            vals_list.append(
                {
                    "kind": kind,
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "date": date,
                    "include_interest": include_interest,
                    "net_credits": net_credits,
                    "attach_invoices": attach_invoices,
                    **(
                        {"letter_template_id": letter_template.id}
                        if letter_template
                        else {}
                    ),
                    "user_id": (
                        responsible
                        or partner.debt_collection_user_id
                        or company.debt_collection_user_id
                        or self.env.user
                    ).id,
                }
            )
            if pay_by_days:
                vals_list[-1]["pay_by_date"] = date + timedelta(days=pay_by_days)
        # The collection history (events) records what happens to demands:
        # no "created" note and no tracking in their chatter, which would
        # cost a message per demand in a run.
        demands = self.with_context(
            mail_create_nolog=True, tracking_disable=True
        ).create(vals_list)
        demands._insert_lines(by_partner, date)
        if include_interest:
            demands._refresh_amounts()
        else:
            demands._snapshot_credits()
        # Prepared and approved or submitted at once is one step of the
        # history, not two on each document.
        if auto_approve or company.debt_collection_demand_auto_approve:
            demands._approve(_lt("Prepared and approved."))
        elif submit:
            demands._submit(_lt("Prepared and submitted for approval."))
        else:
            demands._log_event(_lt("Prepared."))
        return demands

    def _insert_lines(self, items_by_partner, date):
        """The lines of new demands, with their amounts on ``date``: inserted
        in one statement per thousand (a run prepares demands listing
        thousands of documents), as ``create`` would store them."""
        Line = self.env["debt.collection.demand.line"]
        Line.check_access("create")
        # The lines' constraint, on the values (read already) before they are
        # written, not on the lines read back.
        Line._check_demanded_items(
            (item, demand)
            for demand in self
            for item in items_by_partner[demand.partner_id]
        )
        vals_list = [
            {
                "demand_id": demand.id,
                # The stored related and computed fields, as create() would.
                "company_id": demand.company_id.id,
                "move_line_id": item.id,
                "move_id": item.move_id.id,
                "date_maturity": item.date_maturity,
                "currency_id": (item.currency_id or item.company_currency_id).id,
                **Line._snapshot_values(item, date),
            }
            for demand in self
            for item in items_by_partner[demand.partner_id]
        ]
        lines = insert_rows(Line, vals_list)
        # The totals follow the lines.
        self.modified(["line_ids"])
        return lines


class DebtCollectionDemandLine(models.Model):
    _name = "debt.collection.demand.line"
    _description = "Payment Demand Document"
    _order = "demand_id, date_maturity, id"

    demand_id = fields.Many2one(
        "debt.collection.demand", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="demand_id.company_id", store=True)
    # Not required: deleting a journal item (a draft invoice rewritten by
    # accounting) must not be blocked by a demand; the line keeps its amounts.
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", index=True, ondelete="set null"
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", store=True, string="Document"
    )
    invoice_date = fields.Date(related="move_id.invoice_date", string="Issue Date")
    date_maturity = fields.Date(related="move_line_id.date_maturity", store=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, precompute=True
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount_original = fields.Monetary("Original Amount", readonly=True)
    amount_due = fields.Monetary(readonly=True)
    amount_due_company = fields.Monetary(
        "Amount Due (Company Currency)",
        currency_field="company_currency_id",
        readonly=True,
    )
    days_overdue = fields.Integer(readonly=True)
    interest = fields.Monetary("Interest to Date", readonly=True)
    compensation = fields.Monetary(readonly=True)

    @api.depends("move_line_id")
    def _compute_currency_id(self):
        for line in self:
            item = line.move_line_id
            line.currency_id = item.currency_id or item.company_currency_id

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.demand_id._check_content_editable()
        return lines

    def write(self, vals):
        self.demand_id._check_content_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        self.demand_id._check_content_editable()

    def _snapshot(self, demand):
        """Amounts as of the demand's date: residuals now, days overdue on
        the date, and interest/compensation not yet charged."""
        interest, compensation = {}, {}
        if demand.include_interest:
            interest, compensation = self._interest_to_date(demand)
        seen_invoices = set()
        for line in self:
            item = line.move_line_id
            if not item:  # deleted by accounting: the amounts stay as listed
                continue
            first_of_invoice = item.move_id.id not in seen_invoices
            seen_invoices.add(item.move_id.id)
            values = self._snapshot_values(item, demand.date)
            values["interest"] = interest.get(item.id, 0.0)
            values["compensation"] = (
                compensation.get(item.id)
                or (first_of_invoice and compensation.get(("move", item.move_id.id)))
                or 0.0
            )
            # Written only when changed: a demand is refreshed on each step
            # of its workflow, most times with the same figures.
            changed = {name: v for name, v in values.items() if line[name] != v}
            if changed:
                line.write(changed)

    @api.model
    def _snapshot_values(self, item, date):
        """The amounts of ``item`` as of ``date`` (without interest)."""
        return {
            "amount_original": abs(item.amount_currency),
            "amount_due": item.amount_residual_currency,
            "amount_due_company": item.amount_residual,
            "days_overdue": days_overdue(item.date_maturity or item.date, date),
        }

    def _interest_to_date(self, demand):
        """({item id: interest}, {item id or ("move", invoice id):
        compensation}) not yet charged."""
        calculator = self.env["debt.collection.interest.calculator"].with_company(
            demand.company_id
        )
        proposals, _capped, _problems = calculator._compute_proposals(
            demand.company_id, demand.date, invoices=self.move_id
        )
        interest, compensation = {}, {}
        for lines in proposals.values():
            for values in lines:
                if values["line_type"] == "interest":
                    interest[values["move_line_id"]] = values["amount"]
                else:  # per entry line, else per invoice
                    key = values["move_line_id"] or ("move", values["invoice_id"])
                    compensation[key] = values["amount"]
        return interest, compensation

    @api.constrains("move_line_id", "demand_id")
    def _check_item(self):
        self._check_demanded_items((line.move_line_id, line.demand_id) for line in self)

    @api.model
    def _check_demanded_items(self, pairs):
        """Refuse an (item, demand) pair a demand may not list."""
        for item, demand in pairs:
            if not item:
                raise UserError(_("Choose the document to demand payment of."))
            if item.company_id != demand.company_id:
                raise UserError(
                    _(
                        "%(document)s belongs to %(company)s, not to %(demand_company)s.",
                        document=item.move_id.name,
                        company=item.company_id.name,
                        demand_company=demand.company_id.name,
                    )
                )
            if item.partner_id.commercial_partner_id != demand.partner_id:
                raise UserError(
                    _(
                        "%(document)s is not a document of %(customer)s.",
                        document=item.move_id.name,
                        customer=demand.partner_id.display_name,
                    )
                )
            if item.account_id.account_type != "asset_receivable":
                raise UserError(_("Only receivable items can be demanded."))


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    # Milliseconds wkhtmltopdf waits after loading the letters before it
    # prints (Odoo's report.print_delay, 1000 by default, is for reports
    # that run scripts; the letters run none, the footer's page numbers are
    # set when it loads).
    _letter_print_delay = 100

    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if (
            len(self) == 1
            and self.report_name == "debt_collection_demand.report_demand"
            and "--javascript-delay" in args
        ):
            args[args.index("--javascript-delay") + 1] = str(self._letter_print_delay)
        return args

    @api.model
    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        """The parts of a large print of letters (one body each, see
        ``_print_chunks``) printed at the same time, one wkhtmltopdf process
        each (it works on one CPU), then joined in order."""
        options = {
            "header": header,
            "footer": footer,
            "landscape": landscape,
            "specific_paperformat_args": specific_paperformat_args,
            "set_viewport_size": set_viewport_size,
        }
        report = report_ref and self._get_report(report_ref)
        if not report or report.report_name != "debt_collection_demand.report_demand":
            return super()._run_wkhtmltopdf(bodies, report_ref=report_ref, **options)
        if len(bodies) < 2:
            # On the report, for its print delay (_build_wkhtmltopdf_args).
            return super(IrActionsReport, report)._run_wkhtmltopdf(
                bodies, report_ref=report, **options
            )
        # Odoo's method runs in the threads, which must not use the cursor:
        # it gets the report record (no search) and reads its paperformat
        # and the print delay, which this call puts in the caches first. The
        # threads see no HTTP request, so wkhtmltopdf gets no session cookie:
        # the letters load only public files (the report styles).
        report._build_wkhtmltopdf_args(
            report.get_paperformat(),
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        print_part = partial(
            super(IrActionsReport, report)._run_wkhtmltopdf,
            report_ref=report,
            **options,
        )
        with ThreadPoolExecutor(len(bodies)) as pool:
            return merge_pdf(list(pool.map(lambda body: print_part([body]), bodies)))

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        content, report_type = super()._render_qweb_pdf(report_ref, res_ids, data)
        if (
            report_type == "pdf"
            and self.env.context.get("debt_collection_enclose_invoices")
            and self._get_report(report_ref).report_name
            == "debt_collection_demand.report_demand"
        ):
            demands = self.env["debt.collection.demand"].browse(res_ids)
            if demands.filtered("attach_invoices"):
                content = demands._enclose_invoices(content)
        return content, report_type


def _split_pdf(content, demands):
    """{id: PDF} of the letters of one batch PDF, or None when the letters
    cannot be told apart. A letter starts on the page that first shows its
    number (Debian's wkhtmltopdf writes no outlines)."""
    reader = PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    if pages == len(demands):
        starts = list(range(pages))
    else:
        texts = [page.extract_text() or "" for page in reader.pages]
        starts = []
        for demand in demands:
            found = next(
                (
                    i
                    for i, text in enumerate(texts)
                    if demand.name in text and demand.name != "/"
                ),
                None,
            )
            if found is None or (starts and found <= starts[-1]):
                return None
            starts.append(found)
        if not starts or starts[0] != 0:
            return None
    bounds = [*starts, pages]
    result = {}
    for index, demand in enumerate(demands):
        writer = PdfWriter()
        for page in range(bounds[index], bounds[index + 1]):
            writer.add_page(reader.pages[page])
        stream = io.BytesIO()
        writer.write(stream)
        result[demand.id] = stream.getvalue()
    return result
