from odoo import models

from odoo.addons.debt_collection.models.debt_collection_step import NOTICE_MODEL

# A template that places the link itself is left alone.
LINK_FIELD = "debt_collection_portal_url"


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    def _render_field(self, field, res_ids, *args, **kwargs):
        """Collection SMS end with the customer's link (company setting),
        whatever their template, unless the template places it."""
        rendered = super()._render_field(field, res_ids, *args, **kwargs)
        if (
            field != "body"
            or len(self) != 1
            or self.model != NOTICE_MODEL
            or LINK_FIELD in (self.body or "")
        ):
            return rendered
        for notice in self.env[NOTICE_MODEL].browse(res_ids):
            text = notice._debt_collection_portal_sms_text()
            if text and notice.id in rendered:
                rendered[notice.id] = f"{rendered[notice.id]} {text}"
        return rendered
