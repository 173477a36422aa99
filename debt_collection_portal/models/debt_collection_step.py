from odoo import api, fields, models

from odoo.addons.debt_collection.models.debt_collection_step import NOTICE_MODEL
from odoo.addons.debt_collection_demand.models.debt_collection_step import DEMAND_MODEL

STATEMENT_MODEL = "debt.collection.statement"


def _retire_statement_steps(steps):
    """On uninstall, statement steps become archived collector activities: the
    history that points to them stays complete."""
    steps.write({"action": "activity", "active": False, "mail_template_id": False})


class DebtCollectionStep(models.Model):
    _inherit = "debt.collection.step"

    action = fields.Selection(
        selection_add=[("statement", "E-mail customer statement")],
        ondelete={"statement": _retire_statement_steps},
    )
    mail_template_id = fields.Many2one(
        domain=[("model", "in", (NOTICE_MODEL, DEMAND_MODEL, STATEMENT_MODEL))]
    )

    def _get_action_channels(self):
        return dict(super()._get_action_channels(), statement="email")

    def _get_message_actions(self):
        return dict(super()._get_message_actions(), statement="mail")

    def _get_template_models(self):
        return dict(super()._get_template_models(), statement=STATEMENT_MODEL)

    @api.model
    def _default_template(self, action, days):
        if action == "statement":
            return self.env.ref(
                "debt_collection_portal.mail_template_statement",
                raise_if_not_found=False,
            )
        return super()._default_template(action, days)
