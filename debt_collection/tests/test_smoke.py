from odoo.tests import TransactionCase


class TestSmoke(TransactionCase):
    def test_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "debt_collection")])
        self.assertEqual(module.state, "installed")
