from odoo import api, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _debt_collection_template_models(self):
        return super()._debt_collection_template_models() + (
            "debt.collection.interest.note",
        )
