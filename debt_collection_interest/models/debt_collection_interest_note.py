from collections import defaultdict
from datetime import date, timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_is_zero, formatLang
from odoo.tools.translate import LazyTranslate

from odoo.addons.debt_collection.models.debt_collection_document import (
    MANAGER_GROUP,
    Transition,
)
from odoo.addons.debt_collection.tools.amount_words import amount_in_words
from odoo.addons.debt_collection.tools.money import to_decimal

from ..tools import interest
from .debt_collection_nbp import NbpUnavailableError

_lt = LazyTranslate(__name__)

# A draft note is recalculated when one of these changes.
TERMS_FIELDS = frozenset({"interest_kind", "interest_rate", "interest_margin"})
RECALCULATED_ON = frozenset(
    {"date", "invoice_ids", "partner_id", "currency_id", *TERMS_FIELDS}
)

INTEREST_KINDS = [
    ("statutory_commercial", "Statutory, commercial transactions"),
    ("statutory_civil", "Statutory, civil (art. 481 KC)"),
    ("contractual_fixed", "Contractual, fixed rate"),
    ("contractual_margin", "Contractual, statutory commercial + margin"),
]


class DebtCollectionInterestNote(models.Model):
    """An interest note (nota odsetkowa): late-payment interest and the
    statutory compensation charged to one customer for one or many invoices.
    Posting turns it into a receivable in the interest notes journal."""

    _name = "debt.collection.interest.note"
    _inherit = ["mail.thread", "debt.collection.document.mixin"]
    _description = "Interest Note"
    _order = "date desc, id desc"
    _check_company_auto = True

    _workflow_transitions = {
        "confirm": Transition(
            ("draft",),
            "confirmed",
            lambda d, state: d.env._(
                "Interest note %(note)s cannot be confirmed: it is %(state)s.",
                note=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="confirmed",
        ),
        "post": Transition(
            ("confirmed",),
            "posted",
            lambda d, state: d.env._(
                "Interest note %(note)s cannot be posted: it is %(state)s; confirm "
                "it first.",
                note=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="posted",
        ),
        "cancel": Transition(
            ("draft", "confirmed", "posted"),
            "cancelled",
            lambda d, state: d.env._(
                "Interest note %(note)s cannot be cancelled: it is %(state)s.",
                note=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            stamp="cancelled",
        ),
        "reset_draft": Transition(
            ("confirmed",),
            "draft",
            lambda d, state: d.env._(
                "Interest note %(note)s cannot be reset to draft: it is %(state)s.",
                note=d.display_name,
                state=state,
            ),
            group=MANAGER_GROUP,
            clear=("confirmed",),
        ),
        "send": Transition(
            ("posted", "paid"),
            None,
            lambda d, state: d.env._(
                "Interest note %(note)s cannot be sent: it is %(state)s; post it first.",
                note=d.display_name,
                state=state,
            ),
        ),
        "pay": Transition(
            ("posted",),
            None,
            lambda d, state: d.env._(
                "Interest note %(note)s cannot be paid: it is %(state)s; post it first.",
                note=d.display_name,
                state=state,
            ),
        ),
    }
    _workflow_state = "flow_state"
    _workflow_extra_fields = frozenset({"move_id", "paid_logged"})
    _workflow_locked_message = _lt(
        "The state of an interest note changes only with its buttons."
    )
    _workflow_group_refusal = _lt(
        "Only Debt Collection Managers may confirm, post or cancel interest notes."
    )
    _workflow_event_type = "interest_note"
    _workflow_event_field = "interest_note_id"

    name = fields.Char(compute="_compute_name", store=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    date = fields.Date(
        "Calculation Date",
        required=True,
        default=fields.Date.context_today,
        help="Interest on what is still unpaid runs up to and including this date.",
    )
    date_due = fields.Date(
        "Pay By",
        compute="_compute_date_due",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        check_company=True,
        help="Empty: the note is due on the Pay By date.",
    )
    interest_kind = fields.Selection(
        INTEREST_KINDS,
        compute="_compute_interest_kind",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    interest_rate = fields.Float(
        "Contractual Rate (%)",
        digits=(6, 2),
        compute="_compute_interest_kind",
        store=True,
        readonly=False,
        precompute=True,
    )
    interest_margin = fields.Float(
        "Margin Over Statutory (%)",
        digits=(6, 2),
        compute="_compute_interest_kind",
        store=True,
        readonly=False,
        precompute=True,
    )
    terms_set_by_hand = fields.Boolean(
        readonly=True,
        copy=False,
        help="The interest kind or rate was changed on the note: it applies to "
        "all its documents instead of each document's own terms.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "debt_collection_interest_note_move_rel",
        "note_id",
        "move_id",
        string="Documents",
        compute="_compute_invoice_ids",
        store=True,
        readonly=False,
        check_company=True,
        help="The documents the note charges interest on. A draft note is "
        "recalculated when they, its date, interest kind or rate change.",
    )
    line_ids = fields.One2many(
        "debt.collection.interest.note.line", "note_id", string="Lines", copy=False
    )
    amount_interest = fields.Monetary(
        "Interest", compute="_compute_amounts", store=True
    )
    amount_compensation = fields.Monetary(
        "Compensation", compute="_compute_amounts", store=True
    )
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True)
    flow_state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("posted", "Posted"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        copy=False,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("confirmed", "Confirmed"),
            ("posted", "Posted"),
            ("paid", "Paid"),
            ("cancelled", "Cancelled"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
        tracking=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        check_company=True,
    )
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_date = fields.Datetime(readonly=True, copy=False)
    posted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    posted_date = fields.Datetime(readonly=True, copy=False)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_date = fields.Datetime(readonly=True, copy=False)
    paid_logged = fields.Boolean(readonly=True, copy=False)
    warning = fields.Text(readonly=True, copy=False)
    amount_in_words = fields.Char(compute="_compute_amount_in_words")
    has_open_credits = fields.Boolean(
        compute="_compute_has_open_credits",
        help="The customer has open credits (credit notes, unapplied payments).",
    )

    def _compute_has_open_credits(self):
        has_credits = self.env["debt.collection.ledger"]._has_open_credits(self)
        for record in self:
            record.has_open_credits = has_credits.get(record.id, False)

    @api.depends("move_id.name", "flow_state")
    def _compute_name(self):
        for note in self:
            note.name = (
                note.move_id.name
                if note.move_id.name not in (False, "/")
                else _("Draft")
            )

    @api.depends("date", "company_id")
    def _compute_date_due(self):
        for note in self:
            days = note.company_id.debt_collection_interest_payment_days
            note.date_due = note.date and note.date + timedelta(days=days)

    @api.depends("partner_id")
    def _compute_interest_kind(self):
        for note in self:
            partner = note.partner_id.commercial_partner_id
            note.interest_kind = (
                partner.debt_collection_interest_kind or "statutory_commercial"
            )
            note.interest_rate = partner.debt_collection_interest_rate
            note.interest_margin = partner.debt_collection_interest_margin

    @api.depends("line_ids.invoice_id")
    def _compute_invoice_ids(self):
        for note in self:
            note.invoice_ids = note.line_ids.invoice_id

    @api.depends("line_ids.amount", "line_ids.line_type")
    def _compute_amounts(self):
        for note in self:
            interest_lines = note.line_ids.filtered(
                lambda line: line.line_type == "interest"
            )
            note.amount_interest = sum(interest_lines.mapped("amount"))
            note.amount_compensation = sum(
                (note.line_ids - interest_lines).mapped("amount")
            )
            note.amount_total = note.amount_interest + note.amount_compensation

    @api.depends("flow_state", "move_id.payment_state", "move_id.reversal_move_ids")
    def _compute_state(self):
        for note in self:
            move = note.move_id
            move_state = move.payment_state
            # Settled by a credit note is paid too ("reversed" for Odoo), but
            # not when the note's own reversal (its cancellation) settled it.
            paid = move_state in ("paid", "in_payment") or (
                move_state == "reversed" and not move.reversal_move_ids
            )
            note.state = (
                "paid" if note.flow_state == "posted" and paid else note.flow_state
            )

    @api.depends("amount_total", "currency_id", "partner_id.lang")
    def _compute_amount_in_words(self):
        for note in self:
            note.amount_in_words = amount_in_words(
                to_decimal(note.amount_total),
                note.currency_id.name,
                note.partner_id.lang or self.env.lang or "en_US",
            )

    # Workflow --------------------------------------------------------------

    def write(self, vals):
        locked = set(vals) & {"line_ids", *RECALCULATED_ON}
        if locked and self.filtered(lambda n: n.flow_state != "draft"):
            raise UserError(_("Only draft interest notes can be changed."))
        if set(vals) & TERMS_FIELDS and "partner_id" not in vals:
            vals = dict(vals, terms_set_by_hand=True)
        result = super().write(vals)
        if set(vals) & RECALCULATED_ON:
            self._recalculate()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        notes = super().create(vals_list)
        # Created with documents but no lines (by hand): calculate them.
        notes.filtered(lambda n: n.invoice_ids and not n.line_ids)._recalculate()
        return notes

    def action_recalculate(self):
        """Recalculate a draft note as of its date (after payments or new
        rates)."""
        self._check_draft_lines()
        self._recalculate()

    def _recalculate(self):
        """Replace the lines of the draft notes by what their documents owe on
        their date, with their interest kind and rate; nothing is written if
        something cannot be computed (a missing rate)."""
        Calculator = self.env["debt.collection.interest.calculator"]
        for note in self:
            partner = note.partner_id.commercial_partner_id
            foreign = note.invoice_ids.filtered(
                lambda m, p=partner, c=note.currency_id: (
                    m.debt_collection_partner_id != p
                    or (m.currency_id or m.company_currency_id) != c
                )
            )
            if foreign:
                raise UserError(
                    _(
                        "%(document)s is not a document of %(customer)s in "
                        "%(currency)s: an interest note charges one customer in "
                        "one currency.",
                        document=foreign[0].display_name,
                        customer=partner.display_name,
                        currency=note.currency_id.name,
                    )
                )
            lines, capped = [], []
            if note.invoice_ids:
                proposals, capped_by_key, problems = Calculator.with_company(
                    note.company_id
                )._compute_proposals(
                    note.company_id,
                    note.date,
                    partners=partner,
                    invoices=note.invoice_ids,
                    terms=note._get_terms(),
                    exclude_notes=note,
                )
                if problems.get(partner):
                    raise UserError("\n".join(problems[partner]))
                lines = proposals.get((partner, note.currency_id), [])
                capped = capped_by_key.get((partner, note.currency_id), [])
            documents = note.invoice_ids
            note.line_ids.unlink()
            base = super(DebtCollectionInterestNote, note)
            base.write(
                {
                    "line_ids": [Command.create(line) for line in lines],
                    "warning": note._capped_warning(capped),
                }
            )
            # Documents with nothing to charge stay listed until changed.
            base.write({"invoice_ids": [Command.set(documents.ids)]})
        return True

    def _get_terms(self):
        """(kind, rate, margin) the note imposes on all its documents, or None
        when each document keeps its own terms (those of the proposal)."""
        self.ensure_one()
        if not self.terms_set_by_hand:
            return None
        return (
            self.interest_kind,
            to_decimal(self.interest_rate),
            to_decimal(self.interest_margin),
        )

    @api.model
    def _capped_warning(self, invoice_names):
        return bool(invoice_names) and _(
            "The contractual rate was capped at the legal maximum (twice "
            "the statutory civil rate) for: %(invoices)s.",
            invoices=", ".join(sorted(set(invoice_names))),
        )

    @api.constrains("interest_rate", "interest_margin")
    def _check_interest_rate(self):
        for note in self:
            if note.interest_rate < 0 or note.interest_margin < 0:
                raise ValidationError(
                    _("An interest rate or margin cannot be negative.")
                )

    def _check_draft_lines(self):
        if self.filtered(lambda n: n.flow_state != "draft"):
            raise UserError(_("Only draft interest notes can be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if self.filtered(lambda n: n.flow_state != "draft"):
            raise UserError(
                _("Only draft interest notes can be deleted; cancel the others.")
            )

    def action_confirm(self):
        self._check_transition("confirm")
        for note in self:
            if not note.line_ids or note.currency_id.is_zero(note.amount_total):
                raise UserError(
                    _("Interest note %(note)s charges nothing.", note=note.display_name)
                )
        self._apply_transition("confirm", message=_lt("Interest note confirmed."))

    def action_post(self):
        self._check_transition("post")
        moves = self.env["account.move"].create(
            [note._prepare_move_vals() for note in self]
        )
        moves.action_post()
        for note, move in zip(self, moves, strict=True):
            note._apply_transition("post", {"move_id": move.id})
        self._log_event(_lt("Interest note posted."))

    def action_cancel(self):
        self._check_transition("cancel")
        for note in self.filtered("move_id"):
            if note.move_id.payment_state not in ("not_paid", "reversed"):
                raise UserError(
                    _(
                        "Interest note %(note)s has payments: remove them from the "
                        "journal entry before cancelling the note.",
                        note=note.display_name,
                    )
                )
            if note.move_id.state == "posted":
                note.move_id._reverse_moves(
                    [
                        {
                            "date": fields.Date.context_today(self),
                            "ref": _("Cancellation of %(note)s", note=note.name),
                        }
                    ],
                    cancel=True,
                )
        self._apply_transition("cancel", message=_lt("Interest note cancelled."))

    def action_draft(self):
        self._run_transition(
            "reset_draft", message=_lt("Interest note reset to draft.")
        )

    def action_send(self):
        """Open the e-mail composer with the note's template and PDF."""
        self.ensure_one()
        self._check_transition("send")
        template = self.env.ref("debt_collection_interest.mail_template_interest_note")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    def _open_items(self):
        """The note's receivable lines still open."""
        return self.move_id.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )

    def action_register_payment(self):
        """Odoo's payment wizard on the note's journal entry: a bank transfer
        or a cash receipt (in a cash journal) settles the note."""
        self._check_transition("pay")
        return self._open_items().action_register_payment()

    def action_apply_credits(self):
        """Settle the note with the customer's open credits (credit notes,
        unapplied payments)."""
        self._check_transition("pay")
        self.env["debt.collection.ledger"]._apply_open_credits(self._open_items())

    def action_open_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }

    def _log_paid(self):
        """Record once that a posted note got paid (called after reconciling)."""
        self.flush_recordset(["state"])
        paid = self.filtered(lambda n: n.state == "paid" and not n.paid_logged)
        if paid:
            paid._workflow_write({"paid_logged": True})
            paid._log_event(_lt("Interest note paid."))

    def _get_logged_moves(self):
        return self.line_ids.invoice_id

    def _get_log_message(self, message):
        # Numbered notes (posted) name themselves.
        if self.move_id:
            return _lt("%(note)s: %(message)s", note=self.name, message=message)
        return message

    # Accounting ----------------------------------------------------------------

    def _prepare_move_vals(self):
        self.ensure_one()
        company = self.company_id
        journal = company._debt_collection_interest_journal()
        accounts = {
            "interest": company.debt_collection_interest_account_id,
            "compensation": company.debt_collection_compensation_account_id,
        }
        for line_type, account in accounts.items():
            if not account and self.line_ids.filtered(
                lambda line, t=line_type: line.line_type == t
            ):
                raise UserError(
                    _(
                        "Set the %(kind)s account of interest notes in Invoicing > "
                        "Configuration > Settings > Debt Collection.",
                        kind=dict(
                            self.line_ids._fields["line_type"]._description_selection(
                                self.env
                            )
                        )[line_type],
                    )
                )
        return {
            "move_type": "out_invoice",
            "journal_id": journal.id,
            "company_id": company.id,
            "partner_id": self.partner_id.id,
            "currency_id": self.currency_id.id,
            "invoice_date": self.date,
            "date": self.date,
            "invoice_payment_term_id": self.payment_term_id.id,
            "invoice_date_due": self.date_due,
            "invoice_origin": ", ".join(self.line_ids.invoice_id.mapped("name")),
            "debt_collection_interest_note_id": self.id,
            "invoice_line_ids": [
                Command.create(line._prepare_move_line_vals(accounts[line.line_type]))
                for line in self.line_ids
            ],
        }

    # Proposal --------------------------------------------------------------

    @api.model
    def _propose(
        self, company, date, partners=None, invoices=None, due_from=None, due_to=None
    ):
        """Create one draft note per customer and currency for what is not yet
        charged on ``date``. Returns the notes, {partner: [reasons]} of the
        customers below the minimum and {partner: [what is missing, how to fix
        it]} of the customers left out for missing data (a rate, an exchange
        rate): their notes would be incomplete."""
        calculator = self.env["debt.collection.interest.calculator"].with_company(
            company
        )
        proposals, capped, problems = calculator._compute_proposals(
            company,
            date,
            partners=partners,
            invoices=invoices,
            due_from=due_from,
            due_to=due_to,
        )
        minimum = company.debt_collection_interest_min_total
        vals_list, skipped = [], defaultdict(list)
        for (partner, currency), lines in proposals.items():
            if partner in problems:
                continue
            total = sum(line["amount"] for line in lines)
            total_company = currency._convert(total, company.currency_id, company, date)
            if total_company < minimum or float_is_zero(
                total, precision_rounding=currency.rounding
            ):
                skipped[partner].append(
                    _(
                        "%(total)s is below the minimum of %(minimum)s.",
                        total=currency.format(total),
                        minimum=company.currency_id.format(minimum),
                    )
                )
                continue
            vals_list.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "currency_id": currency.id,
                    "date": date,
                    "line_ids": [Command.create(line) for line in lines],
                    "warning": self._capped_warning(capped.get((partner, currency))),
                }
            )
        notes = self.create(vals_list)
        notes._log_event(_lt("Interest note proposed."))
        return notes, skipped, problems


class DebtCollectionInterestNoteLine(models.Model):
    _name = "debt.collection.interest.note.line"
    _description = "Interest Note Line"
    _order = "note_id, sequence, id"

    note_id = fields.Many2one(
        "debt.collection.interest.note", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="note_id.company_id", store=True)
    currency_id = fields.Many2one(related="note_id.currency_id", store=True)
    line_type = fields.Selection(
        [("interest", "Interest"), ("compensation", "Compensation")],
        string="Type",
        required=True,
        default="interest",
    )
    invoice_id = fields.Many2one("account.move", index=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", index="btree_not_null"
    )
    date_maturity = fields.Date("Due Date")
    amount_base = fields.Monetary("Amount Due")
    payment_dates = fields.Char("Paid On")
    date_from = fields.Date("Charged From")
    date_to = fields.Date("Charged To")
    days = fields.Integer("Days Late")
    rates = fields.Char("Rates (%)")
    amount = fields.Monetary(required=True)
    eur_amount = fields.Monetary("Compensation (EUR)", currency_field="eur_currency_id")
    eur_currency_id = fields.Many2one(
        "res.currency", compute="_compute_eur_currency_id"
    )
    eur_rate_date = fields.Date("EUR Rate Of")
    eur_rate = fields.Float("EUR Rate", digits=(12, 6))
    segment_ids = fields.One2many(
        "debt.collection.interest.segment", "line_id", string="Periods", copy=False
    )

    def _compute_eur_currency_id(self):
        self.eur_currency_id = self.env.ref("base.EUR")

    @api.depends("invoice_id", "line_type")
    def _compute_display_name(self):
        types = dict(self._fields["line_type"]._description_selection(self.env))
        for line in self:
            line.display_name = (
                f"{types.get(line.line_type)} {line.invoice_id.name or ''}"
            )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.note_id._check_draft_lines()
        return lines

    def write(self, vals):
        self.note_id._check_draft_lines()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self.note_id._check_draft_lines()

    def _prepare_move_line_vals(self, account):
        self.ensure_one()
        if self.line_type == "interest":
            name = _(
                "Interest on %(invoice)s from %(date_from)s to %(date_to)s",
                invoice=self.invoice_id.name,
                date_from=self.date_from,
                date_to=self.date_to,
            )
        else:
            name = _(
                "Compensation for recovery costs, %(invoice)s (%(eur)s EUR)",
                invoice=self.invoice_id.name,
                eur=self.eur_amount,
            )
        return {
            "name": name,
            "quantity": 1,
            "price_unit": self.amount,
            "account_id": account.id,
            "tax_ids": [Command.clear()],
        }


class DebtCollectionInterestSegment(models.Model):
    _name = "debt.collection.interest.segment"
    _description = "Interest Period"
    _order = "line_id, date_from"

    line_id = fields.Many2one(
        "debt.collection.interest.note.line",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    days = fields.Integer()
    balance = fields.Monetary()
    rate = fields.Float("Rate (%)", digits=(6, 2))
    interest = fields.Monetary(help="Exact interest of the period, shown rounded.")

    @api.model_create_multi
    def create(self, vals_list):
        segments = super().create(vals_list)
        segments.line_id.note_id._check_draft_lines()
        return segments

    def write(self, vals):
        self.line_id.note_id._check_draft_lines()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self.line_id.note_id._check_draft_lines()


class DebtCollectionInterestCalculator(models.AbstractModel):
    """Reads invoices, payments, rates and earlier notes, and asks the pure
    interest functions what is owed."""

    _name = "debt.collection.interest.calculator"
    _description = "Interest Calculator"

    def _get_items(
        self, company, date, partners=None, invoices=None, due_from=None, due_to=None
    ):
        """Collectible items (see ``debt.collection.ledger``) that were
        overdue on ``date``, unpaid or paid late, of customers and documents
        subject to collection."""
        ledger = self.env["debt.collection.ledger"]
        due = ledger._due_date_sql()
        conditions = [
            SQL("%s < %s", due, date),
            SQL("m.debt_collection_interest_note_id IS NULL"),
            SQL("m.debt_collection_subject AND cp.debt_collection_subject"),
        ]
        if partners:
            conditions.append(
                SQL("cp.id = ANY(%s)", partners.commercial_partner_id.ids)
            )
        if invoices:
            foreign = invoices.filtered(lambda m: m.company_id != company)
            if foreign:
                raise UserError(
                    _(
                        "Invoice %(invoice)s belongs to %(company)s: propose its interest "
                        "note in that company.",
                        invoice=foreign[0].name,
                        company=foreign[0].company_id.name,
                    )
                )
            conditions.append(SQL("aml.move_id = ANY(%s)", invoices.ids))
        if due_from:
            conditions.append(SQL("%s >= %s", due, due_from))
        if due_to:
            conditions.append(SQL("%s <= %s", due, due_to))
        return self.env["account.move.line"].browse(
            ledger._item_ids(company, SQL(" AND ").join(conditions))
        )

    def _get_payments(self, items):
        """{item id: [(date, amount in the item's currency)]}."""
        payments = defaultdict(list)
        if not items:
            return payments
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT debit_move_id, max_date, debit_amount_currency
                     FROM account_partial_reconcile
                    WHERE debit_move_id = ANY(%s)""",
                items.ids,
            )
        )
        for item_id, day, amount in rows:
            payments[item_id].append((day, to_decimal(amount)))
        return payments

    def _get_charged(self, items, exclude_notes=None):
        """{item id: [(first day, last day)] already charged} and the
        compensation keys (see :func:`_compensation_key`) already charged, by
        notes that are not cancelled."""
        lines = self.env["debt.collection.interest.note.line"].search(
            [
                ("note_id.flow_state", "!=", "cancelled"),
                ("note_id", "not in", exclude_notes.ids if exclude_notes else []),
                "|",
                ("move_line_id", "in", items.ids),
                ("invoice_id", "in", items.move_id.ids),
            ]
        )
        charged = defaultdict(list)
        for segment in lines.segment_ids:
            charged[segment.line_id.move_line_id.id].append(
                (segment.date_from, segment.date_to)
            )
        compensated = {
            ("line", line.move_line_id.id)
            if line.move_line_id
            else ("move", line.invoice_id.id)
            for line in lines
            if line.line_type == "compensation"
        }
        return charged, compensated

    def _get_credit_payments(self, company, items):
        """{item id: [(date, amount, credit move)]}: the customers' open credits
        (unreconciled credit notes, unapplied payments) applied to their open
        items of the same currency, oldest due first, as if paid on the
        credit's date: interest runs on the net debt only."""
        open_items = items.filtered(lambda i: i.amount_residual > 0)
        if not open_items:
            return {}
        credits = self.env["debt.collection.ledger"]._open_credits(
            company, open_items.partner_id.commercial_partner_id.ids
        )
        moves = self.env["account.move"].browse(
            {c.move_id for partner_credits in credits.values() for c in partner_credits}
        )
        applied = defaultdict(list)
        for partner_id, partner_credits in credits.items():
            for currency in {c.currency_id for c in partner_credits}:
                pool = [
                    [c.date, c.amount_currency, moves.browse(c.move_id)]
                    for c in partner_credits
                    if c.currency_id == currency
                ]
                debts = open_items.filtered(
                    lambda i, p=partner_id, cur=currency: (
                        i.partner_id.commercial_partner_id.id == p
                        and (i.currency_id or i.company_currency_id).id == cur
                    )
                ).sorted(lambda i: (_due(i), i.id))
                for item in debts:
                    left = to_decimal(item.amount_residual_currency)
                    for credit in pool:
                        used = min(left, credit[1])
                        if used > 0:
                            applied[item.id].append((credit[0], used, credit[2]))
                            credit[1] -= used
                            left -= used
        return applied

    def _get_rate_tables(self, company, date=None):
        """({kind: periods}, {kind: last known day}) of the statutory tables;
        when one ends before ``date``, first try to update them from NBP."""
        Rate = self.env["debt.collection.interest.rate"]
        tables, known = Rate._get_tables()
        outdated = date and any(not day or day < date for day in known.values())
        if outdated and Rate._update_from_nbp_if_due(company):
            tables, known = Rate._get_tables()
        return tables, known

    def _known_until(self, kind, known):
        """(last trusted day, table kind) for the tables ``kind`` relies on: the
        civil table caps contractual rates."""
        needed = {
            "statutory_commercial": ["statutory_commercial"],
            "statutory_civil": ["statutory_civil"],
            "contractual_fixed": ["statutory_civil"],
            "contractual_margin": ["statutory_commercial", "statutory_civil"],
        }[kind]
        table = min(needed, key=lambda k: known[k] or date.min)
        return known[table], table

    def _missing_rate_message(self, error):
        kinds = dict(
            self.env["debt.collection.interest.rate"]
            ._fields["rate_type"]
            ._description_selection(self.env)
        )
        company = self.env.company
        if company.debt_collection_nbp_error:
            reason = _(
                "The update from NBP failed: %(error)s ",
                error=company.debt_collection_nbp_error,
            )
        elif not company.debt_collection_nbp_online:
            reason = _("This company does not fetch rates from NBP. ")
        else:
            reason = ""
        return _(
            "No %(kind)s is known from %(date)s. %(reason)sUpdate the rates from "
            "NBP, add the rate valid from that date by hand, or confirm until when "
            "the last rate is in force, in Debt Collection > Configuration > "
            "Interest Rates (see the README for where rates are announced).",
            kind=kinds.get(error.kind, _("interest rate")),
            date=error.date,
            reason=reason,
        )

    def _item_terms(self, item):
        """(kind, fixed rate, margin) of an item: document, else customer."""
        move = item.move_id
        source = (
            move
            if move.debt_collection_interest_kind
            else item.partner_id.commercial_partner_id
        )
        kind = source.debt_collection_interest_kind or "statutory_commercial"
        return (
            kind,
            to_decimal(source.debt_collection_interest_rate),
            to_decimal(source.debt_collection_interest_margin),
        )

    def _compute_proposals(
        self,
        company,
        date,
        partners=None,
        invoices=None,
        due_from=None,
        due_to=None,
        terms=None,
        exclude_notes=None,
    ):
        """What is owed on ``date``: ({(partner, currency): [note line values]},
        {(partner, currency): [invoice names whose contractual rate was
        capped]}, {partner: [what could not be computed, and how to fix it]}).

        An item whose rate or exchange rate is missing is left out with the
        reason; the others are proposed. ``terms`` (kind, rate, margin)
        replace each document's own; what ``exclude_notes`` charge counts as
        not charged yet (a note being recalculated).
        """
        items = self._get_items(company, date, partners, invoices, due_from, due_to)
        problems = defaultdict(list)
        if not items:
            return {}, {}, problems
        tables, known = self._get_rate_tables(company, date)
        payments = self._get_payments(items)
        credit_payments = self._get_credit_payments(company, items)
        charged, compensated = self._get_charged(items, exclude_notes)
        day_basis = company.debt_collection_interest_day_basis
        proposals, capped_invoices = defaultdict(list), defaultdict(list)
        to_compensate = defaultdict(dict)
        for item in items:
            currency = item.currency_id
            partner = item.partner_id.commercial_partner_id
            kind, rate, margin = terms or self._item_terms(item)
            periods, _capped = interest.effective_periods(
                kind,
                tables["statutory_commercial"],
                tables["statutory_civil"],
                rate=rate,
                margin=margin,
            )
            known_until, table = self._known_until(kind, known)
            credits = credit_payments.get(item.id, [])
            try:
                result = interest.compute_interest(
                    to_decimal(item.amount_currency),
                    _due(item),
                    payments[item.id] + [(day, amount) for day, amount, _m in credits],
                    date,
                    periods,
                    day_basis=day_basis,
                    quantum=to_decimal(currency.rounding, currency.decimal_places),
                    exclude=charged.get(item.id, ()),
                    known_until=known_until,
                    kind=table,
                )
            except interest.MissingRateError as error:
                error.kind = error.kind or table
                problems[partner].append(self._missing_rate_message(error))
                continue
            if not result.segments or not result.total:
                continue
            if self._was_capped(kind, result, tables, rate, margin):
                capped_invoices[partner, currency].append(item.move_id.name)
            proposals[partner, currency].append(
                self._prepare_interest_line(item, result, payments[item.id], credits)
            )
            key = _compensation_key(item)
            if partner.debt_collection_b2b and key not in compensated:
                to_compensate[partner, currency].setdefault(key, item)
        for (partner, currency), by_key in to_compensate.items():
            for item in by_key.values():
                try:
                    proposals[partner, currency].append(
                        self._prepare_compensation_line(item, currency, company)
                    )
                except UserError as error:
                    problems[partner].append(error.args[0])
        return proposals, capped_invoices, problems

    def _was_capped(self, kind, result, tables, rate, margin):
        """Whether the legal maximum lowered the rate on a day charged."""
        if not kind.startswith("contractual"):
            return False
        uncapped, _capped = interest.effective_periods(
            kind, tables["statutory_commercial"], [], rate=rate, margin=margin
        )
        starts = sorted(uncapped, key=lambda p: p.start)
        for segment in result.segments:
            wanted = [p.rate for p in starts if p.start <= segment.date_from][-1:]
            if wanted and wanted[0] > segment.rate:
                return True
        return False

    def _prepare_interest_line(self, item, result, payments, credits=()):
        # Rates are shown as text, in the customer's number format.
        partner = item.partner_id.commercial_partner_id
        env_lang = self.env(context=dict(self.env.context, lang=partner.lang))
        paid_on = [str(day) for day, _amount in sorted(payments)]
        paid_on += [
            env_lang._(
                "%(date)s (credit %(document)s)", date=day, document=credit_move.name
            )
            for day, _amount, credit_move in sorted(credits, key=lambda c: c[0])
        ]
        return {
            "line_type": "interest",
            "invoice_id": item.move_id.id,
            "move_line_id": item.id,
            "date_maturity": _due(item),
            "amount_base": item.amount_currency,
            "payment_dates": ", ".join(paid_on),
            "date_from": result.date_from,
            "date_to": result.date_to,
            "days": (result.date_to - result.date_from).days + 1,
            "rates": " / ".join(
                dict.fromkeys(
                    formatLang(env_lang, float(segment.rate), digits=2)
                    for segment in result.segments
                )
            ),
            "amount": float(result.total),
            "segment_ids": [
                Command.create(
                    {
                        "date_from": s.date_from,
                        "date_to": s.date_to,
                        "days": s.days,
                        "balance": float(s.balance),
                        "rate": float(s.rate),
                        "interest": float(s.interest),
                    }
                )
                for s in result.segments
            ],
        }

    def _prepare_compensation_line(self, item, currency, company):
        """40/70/100 EUR by the amount due, at the EUR rate of the last business
        day of the month before the due date's month: once per invoice (its
        last due date, its total), once per line of other entries such as
        opening balances (that line's due date and amount)."""
        invoice = item.move_id
        if invoice.is_invoice(include_receipts=True):
            due_date = invoice.invoice_date_due
            amount_due = to_decimal(abs(invoice.amount_total_signed))
            amount_base, line = invoice.amount_total, False
        else:
            due_date = _due(item)
            amount_due = to_decimal(item.balance)
            amount_base, line = abs(item.amount_currency), item.id
        rate_day = interest.last_business_day_before_month(
            due_date, company._debt_collection_holidays()
        )
        eur = self.env.ref("base.EUR")
        pln = self.env.ref("base.PLN")
        company_currency = company.currency_id

        def company_per_unit(source):
            return self._get_company_rate(source, rate_day, company)

        amount_due_pln = (
            amount_due
            if company_currency == pln
            else amount_due / company_per_unit(pln)
        )
        eur_amount = interest.compensation_eur(amount_due_pln)
        eur_in_company = company_per_unit(eur)
        amount_company = eur_amount * eur_in_company
        amount = (
            amount_company
            if currency == company_currency
            else amount_company / company_per_unit(currency)
        )
        return {
            "line_type": "compensation",
            "invoice_id": invoice.id,
            "move_line_id": line,
            "date_maturity": due_date,
            "amount_base": amount_base,
            "eur_amount": float(eur_amount),
            "eur_rate_date": rate_day,
            "eur_rate": float(eur_in_company),
            "amount": currency.round(float(amount)),
            "sequence": 100,
        }

    def _get_company_rate(self, currency, day, company):
        """Company currency units per unit of ``currency`` on ``day``: the
        company's rate of that day, else NBP's mid rate in force on it, fetched
        and kept as a company rate (see debt.collection.nbp)."""
        if currency == company.currency_id:
            return to_decimal(1, 6)
        rate = self.env["res.currency.rate"].search(
            [
                ("currency_id", "=", currency.id),
                ("name", "=", day),
                ("company_id", "in", [False, company.root_id.id]),
            ],
            limit=1,
        )
        if not rate:
            try:
                rate = self.env["debt.collection.nbp"]._get_currency_rate(
                    currency, day, company
                )
            except NbpUnavailableError as error:
                raise UserError(
                    _(
                        "The %(currency)s rate of %(date)s is missing and could not "
                        "be fetched: %(reason)s Add it in Invoicing > Configuration "
                        "> Currencies.",
                        currency=currency.name,
                        date=day,
                        reason=error.args[0],
                    )
                ) from error
        return to_decimal(rate.inverse_company_rate, 6)


def _due(item):
    """An item's due date: its maturity, else its accounting date (as the
    ledger reads it)."""
    return item.date_maturity or item.date


def _compensation_key(item):
    """The compensation is owed once per invoice, and once per line of other
    entries (an opening entry holds many customers' balances)."""
    if item.move_id.is_invoice(include_receipts=True):
        return ("move", item.move_id.id)
    return ("line", item.id)
