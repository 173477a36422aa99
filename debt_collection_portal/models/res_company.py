from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_collection_portal_links = fields.Boolean(
        "Links to the Customer Portal",
        default=True,
        help="Collection e-mails, SMS, statements and balance confirmations "
        "carry a signed link to the customer's page, which opens without a "
        "login.",
    )
    debt_collection_portal_link_days = fields.Integer(
        "Link Validity (Days)",
        default=60,
        help="A link opens the customer's page for this many days after it was sent.",
    )
    debt_collection_portal_promise_days = fields.Integer(
        "Portal Promise Horizon (Days)",
        default=30,
        help="In the portal a customer may promise to pay at most this many "
        "days ahead.",
    )
    debt_collection_portal_payment_hold_days = fields.Integer(
        "Online Payment Hold (Days)",
        default=5,
        help="An online payment puts its documents on hold at once for this "
        "many days, until it is booked.",
    )
    debt_collection_statement_interest = fields.Boolean(
        "Interest on Statements",
        default=True,
        help="Customer statements and the portal show the late-payment interest "
        "due to date.",
    )
    debt_collection_confirmation_reply_days = fields.Integer(
        "Balance Confirmation Reply (Days)",
        default=14,
        help="The customer is asked to answer a balance confirmation within "
        "this many days; unanswered, it is reminded or counted as no answer.",
    )
    debt_collection_confirmation_reminders = fields.Integer(
        "Balance Confirmation Reminders",
        default=1,
        help="How many reminders an unanswered balance confirmation gets by e-mail.",
    )

    @api.constrains(
        "debt_collection_portal_link_days",
        "debt_collection_portal_promise_days",
        "debt_collection_portal_payment_hold_days",
        "debt_collection_confirmation_reply_days",
        "debt_collection_confirmation_reminders",
    )
    def _check_debt_collection_portal_settings(self):
        for company in self:
            if company.debt_collection_portal_link_days < 1:
                raise ValidationError(
                    _("Portal links must stay valid at least one day.")
                )
            if company.debt_collection_confirmation_reply_days < 1:
                raise ValidationError(
                    _(
                        "Give the customer at least one day to answer a balance confirmation."
                    )
                )
            if (
                company.debt_collection_portal_promise_days < 0
                or company.debt_collection_portal_payment_hold_days < 0
                or company.debt_collection_confirmation_reminders < 0
            ):
                raise ValidationError(
                    _(
                        "The portal promise horizon, the online payment hold and "
                        "the number of reminders cannot be negative."
                    )
                )

    def _debt_collection_portal_sequence(self, xmlid):
        """The company's own copy of the numbering ``xmlid`` (made on first use)."""
        self.ensure_one()
        template = self.env.ref(xmlid).sudo()
        # sudo: sequences are configuration, created per company on first use.
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [("code", "=", template.code), ("company_id", "=", self.id)], limit=1
            )
        )
        return sequence or template.copy({"company_id": self.id, "number_next": 1})
