from odoo import fields, models


class DebtCollectionHoliday(models.Model):
    """A public holiday: the automatic run does not send on it."""

    _name = "debt.collection.holiday"
    _description = "Debt Collection Holiday"
    _order = "date"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    date = fields.Date(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "date_company_unique",
            "UNIQUE(company_id, date)",
            "This date is already a holiday of the company.",
        ),
    ]
