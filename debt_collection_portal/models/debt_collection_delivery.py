from odoo import fields, models

# The e-mails of this addon followed like the collection messages and demands.
PORTAL_MAIL_MODELS = (
    "debt.collection.statement",
    "debt.collection.balance.confirmation",
)


class DebtCollectionDelivery(models.Model):
    _inherit = "debt.collection.delivery"

    statement_id = fields.Many2one(
        "debt.collection.statement", index="btree_not_null", ondelete="set null"
    )
    balance_confirmation_id = fields.Many2one(
        "debt.collection.balance.confirmation",
        index="btree_not_null",
        ondelete="set null",
    )

    def _prepare_source_vals(self, record):
        vals = super()._prepare_source_vals(record)
        if record._name == "debt.collection.statement":
            vals["statement_id"] = record.id
        elif record._name == "debt.collection.balance.confirmation":
            vals["balance_confirmation_id"] = record.id
        return vals

    def action_open_source(self):
        record = self.statement_id or self.balance_confirmation_id
        if len(self) == 1 and record:
            return {
                "type": "ir.actions.act_window",
                "res_model": record._name,
                "res_id": record.id,
                "view_mode": "form",
                "target": "current",
            }
        return super().action_open_source()


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # Statements and balance confirmations are followed to their
        # delivery like the other collection e-mails.
        portal_mails = self.filtered(lambda m: m.model in PORTAL_MAIL_MODELS)
        if portal_mails:
            self.env["debt.collection.delivery"]._on_mails_processed(
                portal_mails, failure_type=failure_type
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        result = super()._routing_handle_bounce(email_message, message_dict)
        message = message_dict.get("bounced_message")
        if message and message.model in PORTAL_MAIL_MODELS:
            self.env["debt.collection.delivery"]._on_bounce(
                message, message_dict.get("bounced_email"), message_dict.get("body")
            )
        return result
