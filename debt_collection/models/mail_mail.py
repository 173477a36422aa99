from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # Every outcome of Odoo's mail queue passes here: follow the
        # collection e-mails (sent, retried later, or failed for good).
        models = self.env["debt.collection.delivery"]._get_collection_mail_models()
        collection_mails = self.filtered(lambda m: m.model in models)
        if collection_mails:
            self.env["debt.collection.delivery"]._on_mails_processed(
                collection_mails, failure_type=failure_type
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
