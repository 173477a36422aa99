from odoo import api, fields, models

from ..tools.segments import GSM7, count_segments


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    debt_collection_encoding = fields.Selection(
        [("gsm7", "GSM-7 (160 characters per SMS)"), ("ucs2", "Unicode (70 per SMS)")],
        string="Encoding",
        compute="_compute_debt_collection_segments",
        help="Letters outside the GSM alphabet (such as Polish ą, ę, ł) make the "
        "whole SMS Unicode, which holds fewer characters.",
    )
    debt_collection_length = fields.Integer(
        "Characters",
        compute="_compute_debt_collection_segments",
        help="The length of the template text as the gateway counts it (the "
        "placeholders are counted as typed; the sent text differs).",
    )
    debt_collection_segments = fields.Integer(
        "SMS Segments",
        compute="_compute_debt_collection_segments",
        help="How many SMS the template text takes; each is charged.",
    )
    debt_collection_remaining = fields.Integer(
        "Characters Left",
        compute="_compute_debt_collection_segments",
        help="Characters still free in the last SMS segment.",
    )

    @api.depends("body")
    def _compute_debt_collection_segments(self):
        for template in self:
            count = count_segments(template.body)
            template.debt_collection_encoding = (
                "gsm7" if count.encoding == GSM7 else "ucs2"
            )
            template.debt_collection_length = count.length
            template.debt_collection_segments = count.segments
            template.debt_collection_remaining = count.remaining
