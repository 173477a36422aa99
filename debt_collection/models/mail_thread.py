from odoo import models

from .debt_collection_delivery import COLLECTION_MAIL_MODELS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        # A collection e-mail came back: its delivery fails (Odoo's bounce
        # handling found the message the bounce refers to).
        result = super()._routing_handle_bounce(email_message, message_dict)
        message = message_dict.get("bounced_message")
        if message and message.model in COLLECTION_MAIL_MODELS:
            self.env["debt.collection.delivery"]._on_bounce(
                message, message_dict.get("bounced_email"), message_dict.get("body")
            )
        return result
