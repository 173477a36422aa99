from odoo import api, fields, models

from odoo.addons.debt_collection.models.debt_collection_step import NOTICE_MODEL

DEMAND_MODEL = "debt.collection.demand"
DEMAND_ACTIONS = ("demand", "final_demand")


def _retire_demand_steps(steps):
    """On uninstall, demand steps become archived collector activities: the
    history that points to them stays complete."""
    steps.write({"action": "activity", "active": False})


class DebtCollectionStep(models.Model):
    _inherit = "debt.collection.step"

    action = fields.Selection(
        selection_add=[
            ("demand", "E-mail payment demand"),
            ("final_demand", "E-mail final demand"),
            ("activity",),
        ],
        ondelete={"demand": _retire_demand_steps, "final_demand": _retire_demand_steps},
    )
    demand_auto_approve = fields.Boolean(
        "Approve and Send Automatically",
        help="The demand documents this step prepares are approved and e-mailed "
        "with their PDF at once, instead of waiting for a manager.",
    )
    mail_template_id = fields.Many2one(
        domain=[("model", "in", (NOTICE_MODEL, DEMAND_MODEL))]
    )
    letter_template_id = fields.Many2one(
        "debt.collection.letter.template",
        domain="[('kind', '=', action)]",
        help="The text of the demands this step prepares (printed, and the PDF "
        "of the e-mail). Empty: the standard letter of the demand's kind.",
    )

    def _get_action_channels(self):
        return dict(
            super()._get_action_channels(), demand="letter", final_demand="letter"
        )

    def _get_message_actions(self):
        return dict(super()._get_message_actions(), demand="mail", final_demand="mail")

    def _get_template_models(self):
        return dict(
            super()._get_template_models(),
            demand=DEMAND_MODEL,
            final_demand=DEMAND_MODEL,
        )

    def _get_fallback_channels(self):
        return dict(
            super()._get_fallback_channels(),
            demand={"letter", "phone"},
            final_demand={"letter", "phone"},
        )

    @api.model
    def _default_template(self, action, days):
        if action in DEMAND_ACTIONS:
            return self.env.ref(
                f"debt_collection_demand.mail_template_{action}_document",
                raise_if_not_found=False,
            )
        return super()._default_template(action, days)
