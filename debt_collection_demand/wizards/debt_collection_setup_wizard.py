from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class DebtCollectionSetupWizard(models.TransientModel):
    _inherit = "debt.collection.setup.wizard"

    demand_days = fields.Integer(
        "Payment Demand (Days After Due)",
        default=30,
        help="0: no payment demand.",
    )
    final_demand_days = fields.Integer(
        "Final Demand (Days After Due)",
        default=60,
        help="0: no final demand.",
    )

    def _check_overdue(self):
        result = super()._check_overdue()
        if self.demand_days < 0 or self.final_demand_days < 0:
            raise UserError(_("Demand days cannot be negative."))
        if self.demand_days and self.demand_days <= self.overdue_days:
            raise UserError(_("The payment demand must come after the first reminder."))
        later_than = self.demand_days or self.overdue_days
        if self.final_demand_days and self.final_demand_days <= later_than:
            raise UserError(
                _(
                    "The final demand must come after the reminder and the payment demand."
                )
            )
        return result

    def _prepare_steps_vals(self):
        steps = super()._prepare_steps_vals()
        template = self.env["debt.collection.step"]._default_template
        if self.demand_days:
            steps["demand"] = {
                "name": _lt("Payment demand"),
                "days": self.demand_days,
                "action": "demand",
                "pay_by_days": 7,
                "min_partner_amount": self.overdue_min_amount,
                "mail_template_id": template("demand", 1).id,
            }
        if self.final_demand_days:
            steps["final_demand"] = {
                "name": _lt("Final demand"),
                "days": self.final_demand_days,
                "action": "final_demand",
                "pay_by_days": 7,
                "min_partner_amount": self.overdue_min_amount,
                "mail_template_id": template("final_demand", 1).id,
            }
        return steps
