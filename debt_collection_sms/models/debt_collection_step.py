from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.debt_collection.models.debt_collection_step import NOTICE_MODEL


def _retire_sms_steps(steps):
    """On uninstall, SMS steps become archived collector activities: the
    history that points to them stays complete."""
    steps.write({"action": "activity", "active": False})


class DebtCollectionStep(models.Model):
    _inherit = "debt.collection.step"

    action = fields.Selection(
        selection_add=[("sms", "SMS")],
        ondelete={"sms": _retire_sms_steps},
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", NOTICE_MODEL)],
        help="The text of the SMS, rendered in the customer's language on the "
        "collection message that lists the customer's documents.",
    )

    fallback_channel = fields.Selection(
        selection_add=[("sms", "SMS")], ondelete={"sms": "set null"}
    )

    def _get_action_channels(self):
        return dict(super()._get_action_channels(), sms="sms")

    def _get_message_actions(self):
        return dict(super()._get_message_actions(), sms="sms")

    def _get_fallback_channels(self):
        channels = {
            action: allowed | {"sms"}
            for action, allowed in super()._get_fallback_channels().items()
        }
        channels["sms"] = {"phone"}
        return channels

    def _get_template_models(self):
        return dict(super()._get_template_models(), sms=NOTICE_MODEL)

    @api.onchange("action", "days")
    def _onchange_action_sms_template(self):
        if self.action != "sms":
            return
        defaults = self._default_sms_template(-1) | self._default_sms_template(0)
        if not self.sms_template_id or self.sms_template_id in defaults:
            self.sms_template_id = self._default_sms_template(self.days)

    @api.model
    def _default_sms_template(self, days):
        """The shipped template: pre-due before the due date, else overdue."""
        name = "sms_template_predue" if days < 0 else "sms_template_overdue"
        return (
            self.env.ref(f"debt_collection_sms.{name}", raise_if_not_found=False)
            or self.env["sms.template"]
        )

    @api.constrains("action", "mail_template_id")
    def _check_mail_template(self):
        # An SMS step has an SMS template, not an e-mail one.
        return super(
            DebtCollectionStep, self.filtered(lambda s: s.action != "sms")
        )._check_mail_template()

    @api.constrains("action", "sms_template_id")
    def _check_sms_template(self):
        expected = self._get_template_models()["sms"]
        for step in self.filtered(lambda s: s.action == "sms"):
            template = step.sms_template_id
            if not template:
                raise ValidationError(
                    _(
                        "Step %(step)s sends an SMS: choose its template.",
                        step=step.name,
                    )
                )
            if template.model != expected:
                raise ValidationError(
                    _(
                        "Step %(step)s: SMS template %(template)s is made for "
                        "%(model)s, not for %(expected)s.",
                        step=step.name,
                        template=template.name,
                        model=template.model_id.name,
                        expected=self.env["ir.model"]._get(expected).name,
                    )
                )
