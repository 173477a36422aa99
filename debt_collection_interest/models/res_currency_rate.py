from odoo import fields, models


class ResCurrencyRate(models.Model):
    _inherit = "res.currency.rate"

    debt_collection_source = fields.Char(
        "Source",
        readonly=True,
        help="Where a rate fetched for an interest note comes from (NBP table "
        "and date); empty for rates entered or updated otherwise.",
    )
