from odoo import _, fields, models
from odoo.exceptions import UserError


class DebtCollectionPostponeWizard(models.TransientModel):
    _name = "debt.collection.postpone.wizard"
    _description = "Postpone Collection Actions"

    line_ids = fields.Many2many(
        "debt.collection.worklist.line",
        "debt_collection_postpone_line_rel",
        "wizard_id",
        "line_id",
        string="Lines",
        required=True,
    )
    date = fields.Date("Postpone To", required=True)

    def action_postpone(self):
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("Select the actions to postpone."))
        run_date = self.line_ids.worklist_id[:1].date
        if self.date <= run_date:
            raise UserError(_("Postpone to a date after %(date)s.", date=run_date))
        engine, plan = self.line_ids._selection_plan()
        engine._record_decision(plan, "pending", self.date)
        return self.line_ids._done(
            _("The selected actions were postponed to %(date)s.", date=self.date)
        )
