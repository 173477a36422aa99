from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        # A collection e-mail came back: its delivery fails (Odoo's bounce
        # handling found the message the bounce refers to).
        result = super()._routing_handle_bounce(email_message, message_dict)
        message = message_dict.get("bounced_message")
        if message and message.model in (
            self.env["debt.collection.delivery"]._get_collection_mail_models()
        ):
            self.env["debt.collection.delivery"]._on_bounce(
                message, message_dict.get("bounced_email"), message_dict.get("body")
            )
        return result
