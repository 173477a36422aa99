from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _debt_collection_sms_recipient(self, moves=None):
        """(contact, E.164 number or False, skip reason or None) of an SMS to
        this customer about ``moves``: the mobile of the invoice contact (of
        the documents, else of the customer), else of the customer."""
        self.ensure_one()
        partner = self
        contacts = (moves or self.env["account.move"]).partner_id | self.child_ids
        contacts = contacts.filtered(lambda c: c.type == "invoice" and c.mobile)
        contact = contacts.sorted("id")[:1] or partner
        if not contact.mobile:
            return partner, False, "sms_no_number"
        country = (
            contact.country_id or partner.country_id or self.env.company.country_id
        )
        number = contact._phone_format(
            number=contact.mobile,
            country=country,
            force_format="E164",
            raise_exception=False,
        )
        if not number:
            return contact, False, "sms_invalid_number"
        return contact, number, None
