from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Sales blocks and the collector's desk
    debt_collection_block_release = fields.Selection(
        [
            ("manual", "Only by hand"),
            ("nothing_overdue", "When nothing is overdue"),
            ("below_threshold", "When the overdue amount falls below a threshold"),
        ],
        string="Lift Automatic Blocks",
        default="nothing_overdue",
        required=True,
        help="When the collection run lifts the sales blocks set by a policy "
        "step. Blocks set by hand are always lifted by hand.",
    )
    debt_collection_block_release_amount = fields.Monetary(
        "Release Threshold",
        currency_field="currency_id",
        help="An automatic block is lifted once the customer's overdue amount "
        "(company currency) is lower than this.",
    )
    debt_collection_block_invoices = fields.Selection(
        [
            ("warn", "Warn"),
            ("refuse", "Refuse"),
        ],
        string="Invoices to Blocked Customers",
        default="warn",
        required=True,
        help="Posting a customer invoice for a blocked customer warns, or is "
        "refused. Credit notes and interest notes are always allowed.",
    )
    debt_collection_promise_grace_days = fields.Integer(
        "Promise Grace Days",
        default=3,
        help="A promise to pay is broken when the promised amount is not paid "
        "this many days after the promised date.",
    )

    @api.constrains(
        "debt_collection_block_release",
        "debt_collection_block_release_amount",
        "debt_collection_promise_grace_days",
    )
    def _check_debt_collection_block_settings(self):
        for company in self:
            if company.debt_collection_block_release_amount < 0:
                raise ValidationError(_("The release threshold cannot be negative."))
            if (
                company.debt_collection_block_release == "below_threshold"
                and not company.debt_collection_block_release_amount
            ):
                raise ValidationError(
                    _("Give the overdue amount below which blocks are lifted.")
                )
            if company.debt_collection_promise_grace_days < 0:
                raise ValidationError(_("Promise grace days cannot be negative."))
