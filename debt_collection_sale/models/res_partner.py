from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # What salespeople see of collection, read-only: computed with sudo so
    # that they need no access to the collection records themselves.
    debt_collection_sale_stage = fields.Char(
        "Collection Stage (Sales View)", compute="_compute_debt_collection_sale_status"
    )
    debt_collection_sale_overdue = fields.Monetary(
        "Overdue Amount (Sales View)",
        currency_field="debt_collection_sale_currency_id",
        compute="_compute_debt_collection_sale_status",
    )
    debt_collection_sale_currency_id = fields.Many2one(
        "res.currency", compute="_compute_debt_collection_sale_status"
    )

    @api.depends_context("company")
    def _compute_debt_collection_sale_status(self):
        # sudo: the summary reads policies, steps and cases salespeople may
        # not read; only its result is shown.
        partners = self.sudo()
        stages = partners._debt_collection_stage_labels()
        for partner, status in zip(self, partners, strict=True):
            partner.debt_collection_sale_currency_id = (
                status.debt_collection_currency_id
            )
            partner.debt_collection_sale_overdue = status.debt_collection_overdue_amount
            partner.debt_collection_sale_stage = stages[status.id]
