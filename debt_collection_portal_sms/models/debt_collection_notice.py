from odoo import models


class DebtCollectionNotice(models.Model):
    _inherit = "debt.collection.notice"

    def _debt_collection_portal_sms_text(self):
        """The link sentence of an SMS, in the customer's language (GSM
        alphabet: the Polish text has no diacritics), or "" without a link."""
        self.ensure_one()
        url = self.debt_collection_portal_url
        if not url or not self.company_id.debt_collection_portal_sms_link:
            return ""
        lang = self.partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env._("Pay or reply: %(url)s", url=url)
