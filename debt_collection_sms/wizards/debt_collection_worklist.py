from odoo import _, api, models


class DebtCollectionWorklistLine(models.TransientModel):
    _inherit = "debt.collection.worklist.line"

    @api.depends("step_id", "partner_id")
    def _compute_recipients(self):
        sms_lines = self.filtered(lambda line: line.channel == "sms")
        result = super(
            DebtCollectionWorklistLine, self - sms_lines
        )._compute_recipients()
        engine = self.env["debt.collection.engine"]
        Event = self.env["debt.collection.event"]
        for line in sms_lines:
            _contact, number, reason = engine._get_sms_recipient(
                line.partner_id, Event.new({"move_id": line.move_ids[:1].id})
            )
            if number:
                line.recipients = number
            else:
                reasons = dict(Event._fields["reason"]._description_selection(self.env))
                line.recipients = reasons.get(reason) or _("No mobile number")
        return result
