from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_collection_portal_sms_link = fields.Boolean(
        "Portal Link in SMS",
        help="Collection SMS end with the signed link to the customer's page. "
        "The link makes most SMS two segments long (and twice the price).",
    )
