from odoo import _, api, models


class DebtCollectionWorklistLine(models.TransientModel):
    _inherit = "debt.collection.worklist.line"

    @api.depends("step_id", "partner_id")
    def _compute_recipients(self):
        sms_lines = self.filtered(lambda line: line.channel == "sms")
        result = super(
            DebtCollectionWorklistLine, self - sms_lines
        )._compute_recipients()
        Event = self.env["debt.collection.event"]
        for line in sms_lines:
            _contact, number, reason = line.partner_id._debt_collection_sms_recipient(
                line.move_ids[:1]
            )
            if number:
                line.recipients = number
            else:
                reasons = dict(Event._fields["reason"]._description_selection(self.env))
                line.recipients = reasons.get(reason) or _("No mobile number")
        return result

    def action_execute(self):
        company = self.worklist_id.company_id[:1]
        held = (
            company
            and not company._debt_collection_sms_window_open()
            and any(line.channel == "sms" for line in self)
        )
        result = super().action_execute()
        if held:
            start = "%02d:00" % company.debt_collection_sms_hour_from
            end = "%02d:00" % company.debt_collection_sms_hour_to
            result["params"]["type"] = "warning"
            result["params"]["message"] = _(
                "The selected actions were executed; the SMS wait for the SMS "
                "sending window (%(start)s-%(end)s) and are postponed.",
                start=start,
                end=end,
            )
        return result
