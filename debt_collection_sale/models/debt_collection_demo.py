from odoo import Command, models


class DebtCollectionDemo(models.AbstractModel):
    _inherit = "debt.collection.demo"

    def _demo_extras(self, story):
        """A quotation of the blocked customer: a salesperson sees the warning,
        and confirming it needs an override with a reason."""
        result = super()._demo_extras(story)
        steel = story["partners"]["steel"]
        self.env["sale.order"].create(
            {
                "partner_id": steel.id,
                "company_id": story["company"].id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self._demo_product(story).id,
                            "product_uom_qty": 12,
                            "price_unit": 1850.0,
                        }
                    )
                ],
            }
        )
        return result
