"""The demo story's payment demands: every state, Polish letters."""

from odoo.tests import tagged

from odoo.addons.debt_collection.tests.test_demo import DemoCase


@tagged("post_install_l10n", "post_install", "-at_install")
class TestDemandDemo(DemoCase):
    def test_demands_in_every_state(self):
        demands = self.env["debt.collection.demand"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertLessEqual(
            {"draft", "to_approve", "approved", "sent", "closed", "cancelled"},
            set(demands.mapped("state")),
        )
        self.assertLessEqual({"paid", "escalated"}, set(demands.mapped("close_reason")))
        self.assertLessEqual({"email", "post"}, set(demands.mapped("sent_by")))
        self.assertIn("final_demand", demands.mapped("kind"))

    def test_polish_customers_get_polish_letters(self):
        demand = self.env["debt.collection.demand"].search(
            [("company_id", "=", self.company.id), ("state", "=", "sent")], limit=1
        )
        self.assertIn("Szanowni Państwo", str(demand._render_letters()[demand.id]))
