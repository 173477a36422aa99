from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_collection_interest_kind = fields.Selection(
        selection="_selection_interest_kind",
        string="Late-Payment Interest",
        company_dependent=True,
        help="Empty: statutory interest for delay in commercial transactions.",
    )
    debt_collection_interest_rate = fields.Float(
        "Contractual Rate (%)", digits=(6, 2), company_dependent=True
    )
    debt_collection_interest_margin = fields.Float(
        "Margin Over Statutory (%)", digits=(6, 2), company_dependent=True
    )

    @api.model
    def _selection_interest_kind(self):
        return (
            self.env["debt.collection.interest.note"]
            ._fields["interest_kind"]
            ._description_selection(self.env)
        )

    @api.model
    def _debt_collection_settings_fields(self):
        return super()._debt_collection_settings_fields() + (
            "debt_collection_interest_kind",
            "debt_collection_interest_rate",
            "debt_collection_interest_margin",
        )

    @api.constrains("debt_collection_interest_rate", "debt_collection_interest_margin")
    def _check_debt_collection_interest_rate(self):
        for partner in self:
            if (
                partner.debt_collection_interest_rate < 0
                or partner.debt_collection_interest_margin < 0
            ):
                raise ValidationError(
                    _("An interest rate or margin cannot be negative.")
                )
