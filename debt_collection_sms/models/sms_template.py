from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.debt_collection.models.debt_collection_step import NOTICE_MODEL
from odoo.addons.debt_collection.models.debt_collection_template import (
    may_edit_wording,
)

from ..tools.segments import GSM7, count_segments

WORDING_FIELDS = ("name", "body")


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

    def _debt_collection_is_collection_template(self):
        return bool(self) and all(
            template.sudo().model == NOTICE_MODEL for template in self
        )

    def write(self, vals):
        if self._debt_collection_is_collection_template() and may_edit_wording(
            self, vals, WORDING_FIELDS
        ):
            # sudo: a collector rewords a collection SMS; nothing dynamic is
            # added (checked above), which only template editors may do.
            return super(SmsTemplate, self.sudo()).write(vals)
        return super().write(vals)

    def _update_field_translations(
        self, fname, translations, digest=None, source_lang=None
    ):
        if self._debt_collection_is_collection_template() and all(
            may_edit_wording(self, {fname: value}, WORDING_FIELDS, lang)
            for lang, value in translations.items()
        ):
            # sudo: see write()
            return super(SmsTemplate, self.sudo())._update_field_translations(
                fname, translations, digest=digest, source_lang=source_lang
            )
        return super()._update_field_translations(
            fname, translations, digest=digest, source_lang=source_lang
        )

    def action_debt_collection_preview(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sms.sms_template_preview_action"
        )
        action["context"] = {"default_sms_template_id": self.id}
        return action


class DebtCollectionMessageTemplate(models.Model):
    _inherit = "debt.collection.message.template"

    # A view: its SMS rows go with the module, nothing to delete.
    kind = fields.Selection(
        selection_add=[("sms", "SMS")], ondelete={"sms": lambda records: None}
    )

    def _template_queries(self):
        return [
            *super()._template_queries(),
            SQL(
                """SELECT id * 10 + 2, 'sms', 'sms.template', id
                     FROM sms_template WHERE model = %s""",
                NOTICE_MODEL,
            ),
        ]

    def _step_field(self):
        return dict(super()._step_field(), sms="sms_template_id")
