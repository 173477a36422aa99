from odoo import fields, models


def _hold_reason_other(moves):
    """On uninstall, holds for an online payment become "other" holds."""
    moves.write({"debt_collection_hold_reason": "other"})


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_collection_hold_reason = fields.Selection(
        selection_add=[("payment", "Online payment")],
        ondelete={"payment": _hold_reason_other},
    )
