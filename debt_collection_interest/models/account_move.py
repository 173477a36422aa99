from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_collection_interest_kind = fields.Selection(
        selection=lambda self: self.env["res.partner"]._selection_interest_kind(),
        string="Late-Payment Interest",
        copy=False,
        help="Empty: the customer's.",
    )
    debt_collection_interest_rate = fields.Float(
        "Contractual Rate (%)", digits=(6, 2), copy=False
    )
    debt_collection_interest_margin = fields.Float(
        "Margin Over Statutory (%)", digits=(6, 2), copy=False
    )
    debt_collection_interest_note_id = fields.Many2one(
        "debt.collection.interest.note",
        string="Interest Note",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="This entry is the posted interest note.",
    )

    @api.constrains("debt_collection_interest_rate", "debt_collection_interest_margin")
    def _check_debt_collection_interest_rate(self):
        for move in self:
            if (
                move.debt_collection_interest_rate < 0
                or move.debt_collection_interest_margin < 0
            ):
                raise ValidationError(
                    _("An interest rate or margin cannot be negative.")
                )

    def _debt_collection_is_block_exempt(self):
        """Interest notes may always be posted for a blocked customer."""
        return super()._debt_collection_is_block_exempt() or bool(
            self.debt_collection_interest_note_id
        )
