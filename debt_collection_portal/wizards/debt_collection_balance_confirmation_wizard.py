import base64
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class DebtCollectionBalanceConfirmationWizard(models.TransientModel):
    """Balance confirmations as of a date, in batch: by e-mail where the
    customer has an address, the others (or all) printed to post."""

    _name = "debt.collection.balance.confirmation.wizard"
    _description = "Send Balance Confirmations"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        "Balance As Of", required=True, default=lambda self: self._default_date()
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        domain="[('parent_id', '=', False)]",
        help="Empty: every customer with an open balance on the date.",
    )
    channel = fields.Selection(
        [
            ("email", "E-mail, post where there is no address"),
            ("post", "Post"),
        ],
        string="Send By",
        required=True,
        default="email",
    )

    @api.model
    def _default_date(self):
        """The last year end."""
        today = self.env.company._debt_collection_today()
        return date(today.year - 1, 12, 31)

    def action_apply(self):
        self.ensure_one()
        Confirmation = self.env["debt.collection.balance.confirmation"]
        confirmations, left_out = Confirmation._create_for(
            self.company_id, self.date, self.partner_ids or None
        )
        if not confirmations:
            raise UserError(
                _(
                    "No balance to confirm as of %(date)s: the customers chosen "
                    "had nothing open on that date, or were already asked.",
                    date=self.date,
                )
            )
        by_email = (
            confirmations.filtered("mail_email_to")
            if self.channel == "email"
            else Confirmation
        )
        if by_email:
            by_email._send_email()
        by_post = confirmations - by_email
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_portal.action_debt_collection_balance_confirmation"
        )
        action["domain"] = [("id", "in", confirmations.ids)]
        action["context"] = {}
        message = _(
            "%(email)s balance confirmations sent by e-mail, %(post)s to print.",
            email=len(by_email),
            post=len(by_post),
        )
        if left_out:
            message += " " + _(
                "Left out (nothing open on the date, or already asked): %(customers)s.",
                customers=", ".join(left_out.mapped("display_name")),
            )
        notification = {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not left_out else "warning",
                "message": message,
                "sticky": bool(left_out),
                "next": by_post._print() if by_post else action,
            },
        }
        return notification


class DebtCollectionBalanceReplyWizard(models.TransientModel):
    """The customer's signed reply to a balance confirmation, recorded."""

    _name = "debt.collection.balance.reply.wizard"
    _description = "Record a Balance Confirmation Reply"

    confirmation_id = fields.Many2one(
        "debt.collection.balance.confirmation", required=True
    )
    answer = fields.Selection(
        [("confirmed", "Balance confirmed"), ("disputed", "Balance disputed")],
        required=True,
        default="confirmed",
    )
    # The company's collection day, the one the reply is checked against
    # (the user's day differs around midnight).
    answer_date = fields.Date(
        "Reply Date",
        required=True,
        default=lambda self: self.env.company._debt_collection_today(),
    )
    signed_by = fields.Char(help="Who signed the reply for the customer.")
    reason = fields.Text("Disagreement")
    customer_balance = fields.Char("Balance per Customer")
    attachment = fields.Binary("Signed Reply")
    attachment_name = fields.Char()

    def action_record(self):
        self.ensure_one()
        confirmation = self.confirmation_id
        author = _(
            "%(person)s (signed reply recorded by %(user)s)",
            person=self.signed_by or confirmation.partner_id.name,
            user=self.env.user.name,
        )
        attachments = []
        if self.attachment:
            attachments.append(
                (
                    self.attachment_name or _("signed reply"),
                    base64.b64decode(self.with_context(bin_size=False).attachment),
                )
            )
        confirmation._record_answer(
            self.answer,
            "user",
            author,
            reason=self.reason,
            customer_balance=self.customer_balance,
            attachments=attachments,
            answer_date=self.answer_date,
        )
        return {"type": "ir.actions.act_window_close"}
