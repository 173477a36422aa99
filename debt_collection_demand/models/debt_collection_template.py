from odoo import api, models
from odoo.tools import SQL

from .debt_collection_step import DEMAND_MODEL


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _debt_collection_template_models(self):
        return super()._debt_collection_template_models() + (DEMAND_MODEL,)


class DebtCollectionMessageTemplate(models.Model):
    _inherit = "debt.collection.message.template"

    def _template_queries(self):
        return [
            *super()._template_queries(),
            SQL(
                """SELECT id * 10 + 3, 'letter', 'debt.collection.letter.template', id
                     FROM debt_collection_letter_template
                    WHERE active"""
            ),
        ]

    def _step_field(self):
        return dict(super()._step_field(), letter="letter_template_id")

    def _rendered_on(self, template):
        if template._name == "debt.collection.letter.template":
            return DEMAND_MODEL
        return super()._rendered_on(template)
