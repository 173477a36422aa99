"""Blocked customers in sales: the warning on quotations, the refused
confirmation, the override with a reason, and what salespeople see."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.debt_collection.tests.common import DebtCollectionCase


class SaleBlockCase(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="salesman",
            name="Salesman Szymon",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="sales_boss",
            name="Sales Boss Barbara",
            groups="base.group_user,sales_team.group_sale_salesman,"
            "debt_collection_sale.group_debt_collection_block_override",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jan Kowalski", "parent_id": cls.customer.id}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Pallet of bricks", "list_price": 500.0, "taxes_id": []}
        )

    def _block_customer(self, reason="Cheque bounced"):
        return self.env["debt.collection.block"]._block_partners(
            self.company, self.customer, reason
        )

    def _order(self, partner, user):
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )


@tagged("post_install", "-at_install")
class TestSaleBlock(SaleBlockCase):
    def test_quotation_warns_with_reason_and_overdue_amount(self):
        with freeze_time("2026-03-20 10:00:00"):
            self._invoice(self.customer, "2026-03-02", 1234.56)
            self._block_customer()
            form = Form(self.env["sale.order"].with_user(self.salesman))
            form.partner_id = self.contact
            self.assertTrue(form.debt_collection_partner_blocked)
            order = form.save()
            warning = order._onchange_partner_id_debt_collection_block()["warning"]
        self.assertEqual(warning["title"], "Customer blocked for sales")
        self.assertIn("Hurtownia Kowalski Sp. z o.o. is blocked", warning["message"])
        self.assertIn("Reason: Cheque bounced", warning["message"])
        self.assertIn("Overdue: 1,234.56", warning["message"])
        # Not blocked: no warning.
        other = self.env["res.partner"].create({"name": "Good payer"})
        order = self._order(other, self.salesman)
        self.assertFalse(order._onchange_partner_id_debt_collection_block())

    def test_salesman_cannot_confirm(self):
        self._block_customer()
        order = self._order(self.contact, self.salesman)
        with self._refused(UserError, "(?s)cannot be confirmed.*Cheque bounced"):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")
        # Setting the context key by hand does not help.
        with self._refused(UserError, "cannot be confirmed"):
            order.with_user(self.salesman).with_context(
                debt_collection_block_override=True
            ).action_confirm()
        with self._refused(AccessError, ""):
            self.env["debt.collection.sale.override.wizard"].with_user(
                self.salesman
            ).create({"order_ids": [Command.set(order.ids)], "reason": "x"})
        self.assertEqual(order.state, "draft")
        # Lifted: the order confirms.
        self.env["debt.collection.block"].search([])._release("Paid")
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_override_needs_a_reason_and_is_recorded(self):
        self._block_customer()
        order = self._order(self.customer, self.sales_manager)
        action = order.with_user(self.sales_manager).action_confirm()
        self.assertEqual(action["res_model"], "debt.collection.sale.override.wizard")
        self.assertEqual(order.state, "draft")
        Wizard = (
            self.env["debt.collection.sale.override.wizard"]
            .with_user(self.sales_manager)
            .with_context(**action["context"])
        )
        with self._refused(UserError, "Give the reason"):
            Wizard.create({"reason": "  "}).action_confirm()
        self.assertEqual(order.state, "draft")
        wizard = Wizard.create({"reason": "Prepaid in cash"})
        self.assertIn("Cheque bounced", wizard.block_warning)
        wizard.action_confirm()
        self.assertEqual(order.state, "sale")
        event = self.env["debt.collection.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "block")],
            order="id desc",
            limit=1,
        )
        self.assertEqual(
            (event.user_id, event.origin, event.company_id),
            (self.sales_manager, "manual", self.company),
        )
        self.assertIn(f"{order.name} confirmed despite the sales block", event.note)
        self.assertIn("Reason: Prepaid in cash", event.note)
        # The block stays for the next order.
        self.assertTrue(self.customer.debt_collection_blocked)

    def test_not_blocked_confirms(self):
        order = self._order(self.customer, self.salesman)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestSalespersonAccess(SaleBlockCase):
    def test_salesperson_reads_status_and_nothing_else(self):
        invoice = self._invoice(self.customer, "2026-03-02", 1234.56)
        self._run("2026-03-09")  # the overdue reminder
        self._block_customer("Cheque bounced")
        with freeze_time("2026-03-10 10:00:00"):
            partner = self.contact.with_user(self.salesman)
            self.assertEqual(partner.debt_collection_sale_overdue, 1234.56)
            self.assertEqual(partner.debt_collection_sale_stage, "Reminded")
            self.assertTrue(partner.debt_collection_blocked)
            self.assertEqual(partner.debt_collection_block_reason, "Cheque bounced")
        # Nothing else of collection.
        for model in (
            "debt.collection.event",
            "debt.collection.block",
            "debt.collection.step",
            "debt.collection.policy",
            "debt.collection.demand",
        ):
            with self._refused(AccessError, ""):
                self.env[model].with_user(self.salesman).search([])
        with self._refused(AccessError, ""):
            invoice.with_user(self.salesman).debt_collection_stage_id.name  # noqa: B018
        # The customer form shows the status fields, not the collection tab.
        arch = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="debt_collection_sale_overdue"', arch)
        self.assertIn('name="debt_collection_blocked"', arch)
        self.assertNotIn('name="debt_collection_event_ids"', arch)
        self.assertNotIn("action_debt_collection_block", arch)
        # Blocks cannot be set by salespeople.
        with self._refused(AccessError, ""):
            self.customer.with_user(self.salesman).action_debt_collection_unblock()


@tagged("post_install", "-at_install")
class TestSaleBlockTour(SaleBlockCase, HttpCase):
    def test_salesperson_cannot_confirm_for_a_blocked_customer(self):
        today = self.company._debt_collection_today()
        self._invoice(self.customer, today - timedelta(days=10), 1234.56)
        self._block_customer("Cheque bounced")
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding/new",
            "debt_collection_sale_tour",
            login="salesman",
        )
        orders = self.env["sale.order"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(orders.mapped("state"), ["draft"] * len(orders))
        self.assertFalse(
            self.env["debt.collection.event"].search(
                [("event_type", "=", "block"), ("note", "ilike", "confirmed despite")]
            )
        )
