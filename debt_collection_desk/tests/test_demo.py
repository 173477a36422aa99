"""The desk's part of the demo story: a customer blocked by the policy, a
promise to pay and a dispute taken on the phone."""

from odoo.tests import tagged

from odoo.addons.debt_collection.tests.test_demo import DemoCase


@tagged("post_install_l10n", "post_install", "-at_install")
class TestDeskDemo(DemoCase):
    def test_the_collectors_desk(self):
        partners = self.story["partners"]
        self.assertTrue(
            partners["steel"].with_company(self.company).debt_collection_blocked
        )
        if "sale.order" in self.env:
            self.assertTrue(
                self.env["sale.order"].search(
                    [("partner_id", "=", partners["steel"].id), ("state", "=", "draft")]
                )
            )
        held = self.story["invoices"]
        self.assertEqual(held["foods"].debt_collection_hold_reason, "promise")
        self.assertEqual(held["stone"].debt_collection_hold_reason, "dispute")
        cases = self.env["debt.collection.case"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_id", "in", (partners["foods"] | partners["stone"]).ids),
            ]
        )
        self.assertEqual(
            sorted(cases.mapped("stage")),
            ["disputed", "promise"],
            cases.mapped("stage"),
        )
