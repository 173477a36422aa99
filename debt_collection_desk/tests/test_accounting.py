"""A case and a sales block exist for an invoice on a Polish ledger, beside
its demand and interest note: Billing clerks and accountants still register
payments, reconcile, reset, edit and delete as if they did not."""

from odoo.tests import tagged

from odoo.addons.debt_collection.tests import test_real_ledger


@tagged("post_install", "-at_install")
class TestAccountingNeverBlockedByTheDesk(test_real_ledger.TestAccountingNeverBlocked):
    def setUp(self):
        super().setUp()
        self.case = self.env["debt.collection.case"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertTrue(self.case)
        self.env["debt.collection.block"]._block_partners(
            self.company, self.customer, "Overdue"
        )
        self.assertTrue(self.customer.debt_collection_blocked)
