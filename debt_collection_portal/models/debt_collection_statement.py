from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from odoo.addons.debt_collection.models.debt_collection_document import Transition
from odoo.addons.debt_collection_demand.models.debt_collection_demand import _split_pdf

_lt = LazyTranslate(__name__)

STATEMENT_REPORT = "debt_collection_portal.action_report_statement"
# The history of a statement sent outside a collection step, by channel.
SENT_MESSAGES = {
    "email": lambda s: _lt("Statement %(number)s sent by e-mail.", number=s.name),
    "letter": lambda s: _lt("Statement %(number)s printed to post.", number=s.name),
}


class DebtCollectionStatement(models.Model):
    """A customer statement as it was sent: all the customer's open items and
    open credits in one company, per currency, with the interest due to date
    if asked. Its PDF is kept as it was sent."""

    _name = "debt.collection.statement"
    _inherit = ["debt.collection.portal.link.mixin", "debt.collection.document.mixin"]
    _description = "Customer Statement"
    _order = "date desc, id desc"
    _check_company_auto = True

    _workflow_transitions = {
        channel: Transition(
            ("draft",),
            state,
            lambda s, state: s.env._(
                "Statement %(number)s was already sent (it is %(state)s).",
                number=s.name,
                state=state,
            ),
            stamp="sent",
        )
        for channel, state in (("email", "sent"), ("letter", "printed"))
    }
    _workflow_locked_message = _lt(
        "A statement is marked sent only by sending or printing it."
    )
    _workflow_event_type = "statement"
    _workflow_event_field = "statement_id"

    name = fields.Char(default="/", readonly=True, copy=False, index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('parent_id', '=', False)]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    include_interest = fields.Boolean("Interest to Date")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user
    )
    step_id = fields.Many2one("debt.collection.step", readonly=True)
    run_id = fields.Many2one("debt.collection.run", readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent by e-mail"), ("printed", "Printed")],
        default="draft",
        required=True,
        readonly=True,
    )
    sent_by_id = fields.Many2one("res.users", readonly=True)
    sent_date = fields.Datetime(readonly=True)
    recipient_ids = fields.Many2many(
        "res.partner",
        "debt_collection_statement_recipient_rel",
        "statement_id",
        "partner_id",
        string="To",
    )
    cc_partner_ids = fields.Many2many(
        "res.partner",
        "debt_collection_statement_cc_rel",
        "statement_id",
        "partner_id",
        string="Cc",
    )
    mail_email_to = fields.Char(compute="_compute_mail_addresses")
    mail_email_cc = fields.Char(compute="_compute_mail_addresses")
    mail_message_id = fields.Many2one("mail.message", string="E-mail", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True)
    event_ids = fields.One2many(
        "debt.collection.event", "statement_id", string="Collection History"
    )
    delivery_ids = fields.One2many(
        "debt.collection.delivery", "statement_id", string="Deliveries"
    )

    @api.depends("recipient_ids", "cc_partner_ids")
    def _compute_mail_addresses(self):
        for statement in self:
            statement.mail_email_to = ",".join(
                statement.recipient_ids.filtered("email").mapped("email_formatted")
            )
            statement.mail_email_cc = ",".join(
                statement.cc_partner_ids.filtered("email").mapped("email_formatted")
            )

    @api.depends("name", "partner_id", "date")
    def _compute_display_name(self):
        for statement in self:
            statement.display_name = _(
                "Statement %(number)s, %(customer)s",
                number=statement.name,
                customer=statement.partner_id.name or "",
            )

    def _get_sections(self):
        """The statement's content: see ``debt.collection.customer.account``."""
        self.ensure_one()
        return self.env["debt.collection.customer.account"]._get_sections(
            self.partner_id, self.company_id, include_interest=self.include_interest
        )

    # Creating and sending ------------------------------------------------

    @api.model
    def _create_for_partners(self, company, partners, **values):
        """One numbered statement per customer (commercial partners), to the
        customer's invoice contacts (collection contacts in copy)."""
        engine = self.env["debt.collection.engine"].with_company(company)
        vals_list = []
        for partner in partners.commercial_partner_id:
            to, cc = engine._get_letter_recipients(partner)
            vals_list.append(
                dict(self._prepare_vals(company, partner, to, cc), **values)
            )
        return self._create_numbered(vals_list)

    @api.model
    def _prepare_vals(self, company, partner, to, cc):
        engine = self.env["debt.collection.engine"].with_company(company)
        return {
            "company_id": company.id,
            "partner_id": partner.id,
            "date": company._debt_collection_today(),
            "include_interest": company.debt_collection_statement_interest,
            "user_id": (engine._get_responsible(partner) or self.env.user).id,
            "recipient_ids": [Command.set(to.ids)],
            "cc_partner_ids": [Command.set(cc.ids)],
        }

    @api.model
    def _create_numbered(self, vals_list):
        statements = self.create(vals_list)
        for statement in statements:
            statement.name = statement.company_id._debt_collection_portal_sequence(
                "debt_collection_portal.sequence_statement"
            ).next_by_id(sequence_date=statement.date)
        return statements

    def _send(self, template=None, events_list=None):
        """E-mail the statements with their PDF (rendered in one pass),
        followed to their delivery with the collection events each carries
        (``events_list``, a step's; else they are logged here)."""
        self._check_transition("email")
        missing = self.filtered(lambda s: not s.mail_email_to)
        if missing:
            raise UserError(
                _(
                    "No e-mail address for %(customers)s: add one on the customer or "
                    "its invoice contact, or print the statement.",
                    customers=", ".join(missing.partner_id.mapped("display_name")),
                )
            )
        self._debt_collection_portal_ensure_links()
        attachments = self._create_pdf_attachments()
        template = template or self.env.ref(
            "debt_collection_portal.mail_template_statement"
        )
        mails = template.send_mail_batch(self.ids)
        for statement, mail in zip(self, mails, strict=True):
            mail.attachment_ids = [Command.link(attachments[statement.id].id)]
            statement.mail_message_id = mail.mail_message_id
        self._apply_transition("email")
        if events_list is None:  # else the step's events tell the sending
            events_list = list(self._log_event(SENT_MESSAGES["email"], "email"))
        self.env["debt.collection.delivery"]._track_mails(mails, events_list)

    def _print(self):
        """The statements' PDF to post (kept as printed); they count as sent."""
        self._check_transition("letter")
        self._create_pdf_attachments()
        self._apply_transition(
            "letter", message=SENT_MESSAGES["letter"], channel="letter"
        )
        return self.env.ref(STATEMENT_REPORT).report_action(self)

    def _create_pdf_attachments(self):
        """{statement id: ir.attachment} of the PDFs, rendered in one pass
        (split on the statement numbers)."""
        report = self.env["ir.actions.report"]
        content, content_type = report._render_qweb_pdf(STATEMENT_REPORT, self.ids)
        raws = content_type == "pdf" and _split_pdf(content, self)
        if not raws:  # tests render HTML
            raws = {
                statement.id: report._render_qweb_pdf(STATEMENT_REPORT, statement.ids)[
                    0
                ]
                for statement in self
            }
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": f"{statement.name.replace('/', '-')}.pdf",
                    "raw": raws[statement.id],
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": statement.id,
                }
                for statement in self
            ]
        )
        for statement, attachment in zip(self, attachments, strict=True):
            statement.attachment_id = attachment
        return dict(zip(self.ids, attachments, strict=True))

    def action_download_pdf(self):
        self.ensure_one()
        if not self.attachment_id:
            return self.env.ref(STATEMENT_REPORT).report_action(self)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
