from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_collection_demand_days = fields.Integer(
        "Demand Payment Days",
        default=7,
        help="A payment demand asks to pay within this many days of its date.",
    )
    debt_collection_demand_auto_approve = fields.Boolean(
        "Approve Demands Automatically",
        help="Demands are approved as soon as they are prepared, without a manager.",
    )
    debt_collection_final_demand_text = fields.Html(
        "Final Demand Consequences",
        translate=True,
        sanitize=True,
        help="Printed on final demands: what happens when they are not paid. "
        "Empty: the standard text (court proceedings, costs, debt register).",
    )

    def _debt_collection_demand_sequence(self, kind):
        """The company's own numbering of demands of ``kind`` (WZ/…, WO/…)."""
        self.ensure_one()
        code = {
            "demand": "debt.collection.demand",
            "final_demand": "debt.collection.final.demand",
        }[kind]
        # sudo: sequences are configuration, created per company on first use.
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", code), ("company_id", "=", self.id)], limit=1
        )
        if not sequence:
            template = self.env.ref(f"debt_collection_demand.sequence_{kind}").sudo()
            sequence = template.copy({"company_id": self.id, "number_next": 1})
        return sequence

    @api.constrains("debt_collection_demand_days")
    def _check_debt_collection_demand_days(self):
        for company in self:
            if company.debt_collection_demand_days < 0:
                raise ValidationError(_("Demand payment days cannot be negative."))
