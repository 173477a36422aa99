"""Balance confirmation (potwierdzenie salda): the customer is asked to
confirm what it owed on a date (the year end by default), document by
document. The documents open on that date are those of the receivables
ageing as of that date, so the letter, the ageing and the books agree."""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.debt_collection.models.debt_collection_document import Transition
from odoo.addons.debt_collection_demand.models.debt_collection_demand import _split_pdf

from .debt_collection_case import MAX_ATTACHMENT_SIZE, MAX_ATTACHMENTS

CONFIRMATION_REPORT = "debt_collection_portal.action_report_balance_confirmation"
# States in which the customer may still answer.
AWAITING = ("sent", "no_answer")

_lt = LazyTranslate(__name__)


def _refuse_answer(confirmation, state):
    return confirmation.env._(
        "Balance confirmation %(number)s does not wait for an answer "
        "(it is %(state)s).",
        number=confirmation.name,
        state=state,
    )


class DebtCollectionBalanceConfirmation(models.Model):
    _name = "debt.collection.balance.confirmation"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "debt.collection.portal.link.mixin",
        "debt.collection.document.mixin",
    ]
    _description = "Balance Confirmation"
    _order = "date desc, id desc"
    _check_company_auto = True

    _workflow_transitions = {
        "send": Transition(
            ("draft",),
            "sent",
            lambda c, state: c.env._("%(names)s were already sent.", names=c.name),
        ),
        "no_answer": Transition(("sent",), "no_answer", None),
        "confirmed": Transition(AWAITING, "confirmed", _refuse_answer),
        "disputed": Transition(AWAITING, "disputed", _refuse_answer),
        "cancel": Transition(
            ("draft", "sent", "no_answer"),
            "cancelled",
            lambda c, state: c.env._(
                "%(names)s were answered: an answer is kept.", names=c.name
            ),
        ),
    }
    # The sending and the customer's answer, as they happened.
    _workflow_extra_fields = frozenset(
        {
            "sent_via",
            "sent_date",
            "reply_deadline",
            "reminder_count",
            "last_reminder_date",
            "answer_date",
            "answer_origin",
            "answered_by",
            "dispute_reason",
            "customer_balance",
        }
    )
    _workflow_locked_message = _lt(
        "A balance confirmation changes only by sending it, cancelling it or "
        "recording the customer's answer."
    )
    _workflow_event_type = "balance_confirmation"
    _workflow_event_field = "balance_confirmation_id"

    name = fields.Char(default="/", readonly=True, copy=False, index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        tracking=True,
    )
    date = fields.Date("Balance As Of", required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Signs the letter and gets the activities of disputed balances.",
    )
    line_ids = fields.One2many(
        "debt.collection.balance.confirmation.line",
        "confirmation_id",
        string="Documents",
        readonly=True,
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    amount_company = fields.Monetary(
        "Balance",
        currency_field="company_currency_id",
        compute="_compute_amount_company",
        store=True,
        help="In company currency; the letter gives it per currency.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sent", "Sent"),
            ("confirmed", "Confirmed"),
            ("disputed", "Disputed"),
            ("no_answer", "No answer"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    sent_via = fields.Selection(
        [("email", "E-mail"), ("post", "Post")], readonly=True, tracking=True
    )
    sent_date = fields.Date(readonly=True)
    reply_deadline = fields.Date("Answer By", readonly=True)
    reminder_count = fields.Integer("Reminders", readonly=True)
    last_reminder_date = fields.Date("Last Reminder", readonly=True)
    answer_date = fields.Date(readonly=True)
    answer_origin = fields.Selection(
        [("portal", "Customer portal"), ("user", "Signed reply recorded")],
        string="Answered Via",
        readonly=True,
    )
    answered_by = fields.Char(readonly=True)
    dispute_reason = fields.Text("Disagreement", readonly=True)
    customer_balance = fields.Char(
        "Balance per Customer",
        readonly=True,
        help="The balance the customer's books show, as the customer gave it.",
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        "debt_collection_balance_confirmation_recipient_rel",
        "confirmation_id",
        "partner_id",
        string="To",
    )
    cc_partner_ids = fields.Many2many(
        "res.partner",
        "debt_collection_balance_confirmation_cc_rel",
        "confirmation_id",
        "partner_id",
        string="Cc",
    )
    mail_email_to = fields.Char(compute="_compute_mail_addresses")
    mail_email_cc = fields.Char(compute="_compute_mail_addresses")
    event_ids = fields.One2many(
        "debt.collection.event", "balance_confirmation_id", string="Collection History"
    )
    delivery_ids = fields.One2many(
        "debt.collection.delivery", "balance_confirmation_id", string="Deliveries"
    )

    def init(self):
        # One balance confirmation per customer, company and date.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS
                       debt_collection_balance_confirmation_uniq
                   ON debt_collection_balance_confirmation (company_id, partner_id, date)
                   WHERE state != 'cancelled'"""
            )
        )
        return super().init()

    @api.depends("line_ids.amount_company")
    def _compute_amount_company(self):
        for confirmation in self:
            confirmation.amount_company = sum(
                confirmation.line_ids.mapped("amount_company")
            )

    @api.depends("recipient_ids", "cc_partner_ids")
    def _compute_mail_addresses(self):
        for confirmation in self:
            confirmation.mail_email_to = ",".join(
                confirmation.recipient_ids.filtered("email").mapped("email_formatted")
            )
            confirmation.mail_email_cc = ",".join(
                confirmation.cc_partner_ids.filtered("email").mapped("email_formatted")
            )

    @api.depends("name", "partner_id", "date")
    def _compute_display_name(self):
        for confirmation in self:
            confirmation.display_name = _(
                "Balance confirmation %(number)s, %(customer)s",
                number=confirmation.name,
                customer=confirmation.partner_id.name or "",
            )

    def _get_totals(self):
        """[(currency, balance)] in the currencies of the documents, company
        currency first."""
        self.ensure_one()
        totals = defaultdict(float)
        for line in self.line_ids:
            totals[line.currency_id] += line.amount
        return [
            (currency, currency.round(total))
            for currency, total in sorted(
                totals.items(),
                key=lambda t: (t[0] != self.company_currency_id, t[0].name),
            )
        ]

    def _get_lines_by_currency(self):
        """[(currency, lines, balance)] for the letter and the portal."""
        self.ensure_one()
        return [
            (
                currency,
                self.line_ids.filtered(lambda line, c=currency: line.currency_id == c),
                balance,
            )
            for currency, balance in self._get_totals()
        ]

    # Creating ---------------------------------------------------------------

    @api.model
    def _create_for(self, company, date, partners=None):
        """Draft confirmations of what the customers owed on ``date``: those
        of ``partners`` (commercial), else every customer with an open
        balance. Returns (confirmations, customers left out: already asked for
        that date, or nothing open on it)."""
        if date > company._debt_collection_today():
            raise UserError(
                _("A balance can only be confirmed as of a past date or today.")
            )
        rows = self._fetch_items_as_of(company, date, partners)
        by_partner = defaultdict(list)
        for row in rows:
            by_partner[row["partner_id"]].append(row)
        Partner = self.env["res.partner"]
        existing = self.search(
            [
                ("company_id", "=", company.id),
                ("date", "=", date),
                ("state", "!=", "cancelled"),
                ("partner_id", "in", list(by_partner)),
            ]
        ).partner_id
        asked = Partner.browse(by_partner) - existing
        left_out = (partners.commercial_partner_id if partners else Partner) - asked
        engine = self.env["debt.collection.engine"].with_company(company)
        vals_list = []
        for partner in asked:
            to, cc = engine._get_letter_recipients(partner)
            vals_list.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "date": date,
                    "user_id": (engine._get_responsible(partner) or self.env.user).id,
                    "recipient_ids": [Command.set(to.ids)],
                    "cc_partner_ids": [Command.set(cc.ids)],
                    "line_ids": [
                        Command.create(self._prepare_line_vals(row))
                        for row in by_partner[partner.id]
                    ],
                }
            )
        confirmations = self.create(vals_list)
        for confirmation in confirmations:
            confirmation.name = company._debt_collection_portal_sequence(
                "debt_collection_portal.sequence_balance_confirmation"
            ).next_by_id(sequence_date=date)
        return confirmations, left_out

    @api.model
    def _fetch_items_as_of(self, company, date, partners=None):
        """The receivable lines open on ``date`` (items and credits) as the
        ledger (and the ageing) reads them: one query."""
        where = (
            SQL("cp.id = ANY(%s)", partners.commercial_partner_id.ids)
            if partners
            else None
        )
        self.env.flush_all()
        return self.env.execute_query_dict(
            SQL(
                "SELECT * FROM (%s) open_lines ORDER BY partner_id, date_maturity, line_id",
                self.env["debt.collection.ledger"]._open_as_of_sql(
                    company.ids, date, where=where
                ),
            )
        )

    @api.model
    def _prepare_line_vals(self, row):
        move = self.env["account.move"].browse(row["move_id"])
        return {
            "move_line_id": row["line_id"],
            "move_id": move.id,
            "name": move.name,
            "document_date": move.invoice_date or move.date,
            "date_maturity": row["date_maturity"],
            "currency_id": row["currency_id"],
            "amount": row["amount_currency"],
            "amount_company": row["amount"],
        }

    # Sending ----------------------------------------------------------------

    def _send_email(self, template=None):
        """E-mail the letters with their PDF; the customer answers within the
        company's reply days."""
        self._check_transition("send")
        missing = self.filtered(lambda c: not c.mail_email_to)
        if missing:
            raise UserError(
                _(
                    "No e-mail address for %(customers)s: send their balance "
                    "confirmation by post.",
                    customers=", ".join(missing.partner_id.mapped("display_name")),
                )
            )
        # Sent first: the letter gives the date to answer by.
        self._mark_sent("email")
        self._debt_collection_portal_ensure_links()
        attachments = self._create_pdf_attachments()
        template = template or self.env.ref(
            "debt_collection_portal.mail_template_balance_confirmation"
        )
        mails = template.send_mail_batch(self.ids)
        for confirmation, mail in zip(self, mails, strict=True):
            mail.attachment_ids = [Command.link(attachments[confirmation.id].id)]
        self._track_mails(mails)

    def _print(self):
        """The letters' PDF to post."""
        self._check_transition("send")
        self._mark_sent("post")
        self._debt_collection_portal_ensure_links()
        return self.env.ref(CONFIRMATION_REPORT).report_action(self)

    def _track_mails(self, mails):
        """Followed to their delivery like the collection messages."""
        self.env["debt.collection.delivery"]._track_mails(
            mails, [self.env["debt.collection.event"]] * len(mails)
        )

    def _mark_sent(self, channel):
        for company in self.company_id:
            confirmations = self.filtered(lambda c, co=company: c.company_id == co)
            today = company._debt_collection_today()
            confirmations._apply_transition(
                "send",
                {
                    "sent_via": channel,
                    # The company's day, not a timestamp: the reply is due by it.
                    "sent_date": today,
                    "reply_deadline": today
                    + timedelta(days=company.debt_collection_confirmation_reply_days),
                },
            )
        self._log_event(
            (lambda c: _lt("%(number)s sent by e-mail.", number=c.name))
            if channel == "email"
            else (lambda c: _lt("%(number)s printed to post.", number=c.name)),
            "email" if channel == "email" else "letter",
        )

    def _create_pdf_attachments(self):
        report = self.env["ir.actions.report"]
        content, content_type = report._render_qweb_pdf(CONFIRMATION_REPORT, self.ids)
        raws = content_type == "pdf" and _split_pdf(content, self)
        if not raws:  # tests render HTML
            raws = {
                confirmation.id: report._render_qweb_pdf(
                    CONFIRMATION_REPORT, confirmation.ids
                )[0]
                for confirmation in self
            }
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": f"{confirmation.name.replace('/', '-')}.pdf",
                    "raw": raws[confirmation.id],
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": confirmation.id,
                }
                for confirmation in self
            ]
        )
        return dict(zip(self.ids, attachments, strict=True))

    def action_send_email(self):
        self._send_email()

    def action_print(self):
        return self._print()

    def action_cancel(self):
        self._run_transition(
            "cancel", message=lambda c: _lt("%(number)s cancelled.", number=c.name)
        )

    def action_record_reply(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Record the Customer's Reply"),
            "res_model": "debt.collection.balance.reply.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_confirmation_id": self.id},
        }

    # Answering ----------------------------------------------------------------

    def _record_answer(
        self,
        answer,
        origin,
        author,
        reason=None,
        customer_balance=None,
        attachments=(),
        answer_date=None,
    ):
        """The customer confirms (``answer`` "confirmed") or disputes
        ("disputed", with the reason) the balance, in the portal or by a
        signed reply a user records."""
        self.ensure_one()
        # Both answers start from the same states: refused alike.
        self._check_transition("confirmed")
        if answer not in ("confirmed", "disputed"):
            raise UserError(
                _("Answer that you confirm the balance or that you do not.")
            )
        reason = (reason or "").strip()
        if answer == "disputed" and not reason:
            raise UserError(_("Say what differs from your books."))
        if len(attachments) > MAX_ATTACHMENTS or any(
            len(content) > MAX_ATTACHMENT_SIZE for _name, content in attachments
        ):
            raise UserError(
                _(
                    "Attach at most %(count)s files of %(size)s MB each.",
                    count=MAX_ATTACHMENTS,
                    size=MAX_ATTACHMENT_SIZE // (1024 * 1024),
                )
            )
        today = self.company_id._debt_collection_today()
        answer_date = answer_date or today
        if answer_date > today or (self.sent_date and answer_date < self.sent_date):
            raise UserError(_("The reply date must be between the sending and today."))
        message = (
            _lt("Balance confirmed by %(author)s.", author=author)
            if answer == "confirmed"
            else _lt(
                "Balance disputed by %(author)s: %(reason)s",
                author=author,
                reason=reason,
            )
        )
        self._apply_transition(
            answer,
            {
                "answer_date": answer_date,
                "answer_origin": origin,
                "answered_by": author,
                "dispute_reason": reason or False,
                "customer_balance": (customer_balance or "").strip() or False,
            },
            message,
            "portal" if origin == "portal" else "letter",
        )
        # The collector reads the chatter in the company's language.
        record = self.with_context(lang=self._history_lang())
        note = record.env._(message)
        record.message_post(
            body=Markup("<p>%s</p>") % note,
            attachments=list(attachments),
            subtype_xmlid="mail.mt_note",
        )
        if answer == "disputed" and (
            self.user_id or self.company_id.debt_collection_user_id
        ):
            record.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=today,
                summary=record.env._("Balance disputed: reconcile with the customer"),
                note=note,
                user_id=(self.user_id or self.company_id.debt_collection_user_id).id,
            )

    def _history_lang(self):
        user = self.user_id or self.company_id.debt_collection_user_id
        return user.lang or self.company_id.partner_id.lang or self.env.lang

    # Following up ---------------------------------------------------------------

    @api.model
    def _cron_follow_up(self):
        """Daily: unanswered confirmations past their reply date get an e-mail
        reminder (up to the company's number), then count as no answer."""
        # sudo: the cron's user may not be a member of every company.
        waiting = self.sudo().search(
            [("state", "=", "sent"), ("reply_deadline", "!=", False)]
        )
        due = waiting.filtered(
            lambda c: c.reply_deadline < c.company_id._debt_collection_today()
        )
        to_remind = due.filtered(
            lambda c: (
                c.mail_email_to
                and c.reminder_count
                < c.company_id.debt_collection_confirmation_reminders
            )
        )
        (due - to_remind)._set_no_answer()
        to_remind._send_reminders()
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=0)

    def _send_reminders(self, template=None):
        if not self:
            return
        for confirmation in self:
            company = confirmation.company_id
            today = company._debt_collection_today()
            confirmation._workflow_write(
                {
                    "reminder_count": confirmation.reminder_count + 1,
                    "last_reminder_date": today,
                    "reply_deadline": today
                    + timedelta(days=company.debt_collection_confirmation_reply_days),
                },
            )
        self._debt_collection_portal_ensure_links()
        template = template or self.env.ref(
            "debt_collection_portal.mail_template_balance_confirmation_reminder"
        )
        self._track_mails(template.send_mail_batch(self.ids))
        self._log_event(
            lambda c: _lt("%(number)s: reminder sent by e-mail.", number=c.name),
            "email",
        )

    def _set_no_answer(self):
        if not self:
            return
        self._apply_transition(
            "no_answer", message=lambda c: _lt("%(number)s: no answer.", number=c.name)
        )


class DebtCollectionBalanceConfirmationLine(models.Model):
    """A document as it stood on the confirmation's date (a negative amount is
    a credit in the customer's favour)."""

    _name = "debt.collection.balance.confirmation.line"
    _description = "Balance Confirmation Document"
    _order = "confirmation_id, date_maturity, id"

    confirmation_id = fields.Many2one(
        "debt.collection.balance.confirmation",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="confirmation_id.company_id", store=True)
    move_line_id = fields.Many2one("account.move.line", ondelete="set null")
    move_id = fields.Many2one("account.move", string="Document", ondelete="set null")
    name = fields.Char("Number", required=True)
    document_date = fields.Date("Issue Date")
    date_maturity = fields.Date("Due Date")
    currency_id = fields.Many2one("res.currency", required=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount = fields.Monetary(
        "Open Amount", help="In the document's currency, on the date."
    )
    amount_company = fields.Monetary(
        "Open Amount (Company Currency)", currency_field="company_currency_id"
    )
