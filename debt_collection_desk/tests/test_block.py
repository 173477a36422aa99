"""Sales blocks: by a policy step on the right day, by a manager with a
reason, lifted by the run when the customer pays, seen on contacts and
invoices, and enforced (or only warned about) when invoices are posted."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.debt_collection.tests.common import DebtCollectionCase


class BlockCase(DebtCollectionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 30 days after the due date, between the reminders and the demand.
        cls.step_block = cls.env["debt.collection.step"].create(
            {
                "policy_id": cls.policy.id,
                "name": "Block sales",
                "sequence": 25,
                "days": 30,
                "action": "block",
                "block_reason": "Invoices more than 30 days overdue",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jan Kowalski", "parent_id": cls.customer.id}
        )

    def _block(self, partner, reason="Cheque bounced", user=None):
        action = partner.with_user(user or self.manager).action_debt_collection_block()
        wizard = (
            self.env["debt.collection.block.wizard"]
            .with_user(user or self.manager)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        return wizard.action_confirm()

    def _blocks(self, partner=None, active=True):
        domain = [("company_id", "=", self.company.id)]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return (
            self.env["debt.collection.block"]
            .with_context(active_test=False)
            .search(domain + [("active", "in", (True,) if active else (True, False))])
        )

    def _block_events(self, partner):
        return self.env["debt.collection.event"].search(
            [("partner_id", "=", partner.id), ("event_type", "=", "block")],
            order="id",
        )


@tagged("post_install", "-at_install")
class TestAutomaticBlock(BlockCase):
    def test_blocked_on_day_30_and_released_when_paid(self):
        # Due Monday 2 March 2026: day 30 is Wednesday 1 April.
        invoice = self._invoice(self.customer, "2026-03-02", 1000.0)
        self._run("2026-03-31")
        self.assertFalse(self.customer.debt_collection_blocked)
        self._run("2026-04-01")
        self.customer.invalidate_recordset()
        self.assertTrue(self.customer.debt_collection_blocked)
        block = self._blocks(self.customer)
        self.assertEqual(
            (block.origin, block.step_id, block.user_id, block.reason),
            (
                "automatic",
                self.step_block,
                self.env["res.users"],
                "Invoices more than 30 days overdue",
            ),
        )
        self.assertEqual(
            self.customer.debt_collection_block_origin, "Automatic: Block sales"
        )
        # The item's action event and the block event, both automatic.
        action = self._events(step_id=self.step_block.id)
        self.assertEqual((action.move_id, action.state), (invoice, "done"))
        self.assertEqual(self._block_events(self.customer).origin, "automatic")
        # Runs on later days do not block twice.
        self._run("2026-04-02")
        self.assertEqual(len(self._blocks(self.customer, active=False)), 1)
        # Paid on Friday 3 April: the run that day lifts the block.
        self._pay(invoice, 1000.0, "2026-04-03")
        self._run("2026-04-03")
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.debt_collection_blocked)
        block = self._blocks(self.customer, active=False)
        self.assertFalse(block.active)
        self.assertEqual(block.release_reason, "nothing is overdue any more.")
        events = self._block_events(self.customer)
        self.assertEqual(len(events), 2)
        self.assertIn("Sales block lifted", str(events[1].note))
        self.assertEqual(events[1].origin, "automatic")
        # The customer's chatter tells both.
        bodies = self.customer.message_ids.mapped("body")
        self.assertTrue(any("Sales blocked" in str(b) for b in bodies))
        self.assertTrue(any("Sales block lifted" in str(b) for b in bodies))

    def test_partial_payment_releases_below_threshold_only(self):
        invoice = self._invoice(self.customer, "2026-03-02", 1000.0)
        self._run("2026-04-01")
        self.assertTrue(self._blocks(self.customer))
        self._pay(invoice, 850.0, "2026-04-02")
        # Nothing-overdue rule: 150.00 still overdue keeps the block.
        self._run("2026-04-02")
        self.assertTrue(self._blocks(self.customer))
        self.company.write(
            {
                "debt_collection_block_release": "below_threshold",
                "debt_collection_block_release_amount": 150.0,
            }
        )
        # 150.00 is not below 150.00.
        self._run("2026-04-03")
        self.assertTrue(self._blocks(self.customer))
        self.company.debt_collection_block_release_amount = 150.01
        self._run("2026-04-06")
        self.assertFalse(self._blocks(self.customer))
        self.assertIn(
            "150.00", self._blocks(self.customer, active=False).release_reason
        )

    def test_manual_release_rule_and_manual_blocks_stay(self):
        invoice = self._invoice(self.customer, "2026-03-02", 1000.0)
        other = self.env["res.partner"].create({"name": "Other", "is_company": True})
        self._block(other, "Fraud suspected")
        self.company.debt_collection_block_release = "manual"
        self._run("2026-04-01")
        self._pay(invoice, 1000.0, "2026-04-02")
        self._run("2026-04-02")
        self.assertTrue(self._blocks(self.customer))
        self.company.debt_collection_block_release = "nothing_overdue"
        self._run("2026-04-03")
        self.assertFalse(self._blocks(self.customer))
        # Nothing overdue for the other customer, but a manager blocked it.
        self.assertTrue(self._blocks(other))

    def test_release_settings_refuse_bad_values(self):
        with self._refused(ValidationError, "below which blocks are lifted"):
            self.company.debt_collection_block_release = "below_threshold"
        with self._refused(ValidationError, "cannot be negative"):
            self.company.debt_collection_block_release_amount = -1
        with self._refused(ValidationError, "cannot be negative"):
            self.company.debt_collection_promise_grace_days = -2


@tagged("post_install", "-at_install")
class TestManualBlock(BlockCase):
    def test_manager_blocks_with_reason_and_contacts_inherit(self):
        self._block(self.customer, "  Cheque bounced  ")
        block = self._blocks(self.customer)
        self.assertEqual(
            (block.origin, block.user_id, block.reason),
            ("manual", self.manager, "Cheque bounced"),
        )
        for partner in (self.customer, self.contact):
            partner.invalidate_recordset()
            self.assertTrue(partner.debt_collection_blocked)
            self.assertEqual(partner.debt_collection_block_state, "blocked")
            self.assertEqual(partner.debt_collection_block_reason, "Cheque bounced")
            self.assertEqual(partner.debt_collection_block_origin, "Manager Marek")
        found = self.env["res.partner"].search([("debt_collection_blocked", "=", True)])
        self.assertEqual(found, self.customer | self.contact)
        self.assertNotIn(
            self.customer,
            self.env["res.partner"].search([("debt_collection_blocked", "=", False)]),
        )
        # A contact created later inherits too.
        new_contact = self.env["res.partner"].create(
            {"name": "Ewa", "parent_id": self.customer.id}
        )
        self.assertTrue(new_contact.debt_collection_blocked)
        event = self._block_events(self.customer)
        self.assertEqual((event.user_id, event.origin), (self.manager, "manual"))
        self.assertIn("Cheque bounced", str(event.note))
        # Blocking from a contact blocks its company; twice is refused.
        with self._refused(UserError, "already blocked"):
            self._block(self.contact, "Again")
        # Lifting needs a reason too.
        action = self.customer.with_user(self.manager).action_debt_collection_unblock()
        Wizard = (
            self.env["debt.collection.block.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        with self._refused(UserError, "Give the reason"):
            Wizard.create({"reason": "   "}).action_confirm()
        Wizard.create({"reason": "Paid in cash"}).action_confirm()
        self.contact.invalidate_recordset()
        self.assertFalse(self.contact.debt_collection_blocked)
        block = self._blocks(self.customer, active=False)
        self.assertEqual(
            (block.release_user_id, block.release_reason),
            (self.manager, "Paid in cash"),
        )
        with self._refused(UserError, "is not blocked"):
            Wizard.create({"reason": "Again"}).action_confirm()

    def test_reason_required(self):
        with self._refused(UserError, "Give the reason"):
            self._block(self.customer, "  \n ")
        self.assertFalse(self._blocks(self.customer))

    def test_collector_and_billing_user_may_not_block(self):
        with self._refused(AccessError, "Only debt collection managers"):
            self.customer.with_user(self.collector).action_debt_collection_block()
        # Nor through the wizard directly.
        with self._refused(AccessError, ""):
            self.env["debt.collection.block.wizard"].with_user(self.collector).create(
                {"partner_id": self.customer.id, "reason": "x"}
            ).action_confirm()
        with self._refused(AccessError, ""):
            self.env["debt.collection.block"].with_user(self.collector).create(
                {"partner_id": self.customer.id, "reason": "x"}
            )
        self.assertFalse(self._blocks(self.customer))
        # The collector sees the block once a manager set it.
        self._block(self.customer)
        self.assertTrue(self.customer.with_user(self.collector).debt_collection_blocked)


@tagged("post_install", "-at_install")
class TestBlockMultiCompany(BlockCase):
    def test_block_belongs_to_one_company(self):
        company_b = self.setup_other_company(name="Firma Beta S.A.")["company"]
        self._block(self.customer)
        self.assertTrue(self.customer.debt_collection_blocked)
        in_b = self.customer.with_company(company_b)
        self.assertFalse(in_b.debt_collection_blocked)
        self.assertFalse(
            self.env["res.partner"]
            .with_company(company_b)
            .search([("debt_collection_blocked", "=", True)])
        )
        # An invoice of company B for the customer is not concerned.
        self.company.debt_collection_block_invoices = "refuse"
        invoice_b = (
            self.env["account.move"]
            .with_company(company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": "2026-03-01",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "price_unit": 10, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice_b.action_post()
        self.assertEqual(invoice_b.state, "posted")
        # A user of company B only does not see company A's blocks.
        user_b = self.env["res.users"].create(
            {
                "name": "Beta manager",
                "login": "beta_manager",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref(
                                "debt_collection.group_debt_collection_manager"
                            ).id,
                        ]
                    )
                ],
            }
        )
        self.assertFalse(self.env["debt.collection.block"].with_user(user_b).search([]))


@tagged("post_install", "-at_install")
class TestBlockedInvoices(BlockCase):
    def test_invoice_warns_and_posts_by_default(self):
        self._block(self.customer, "Cheque bounced")
        with Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        ) as form:
            form.partner_id = self.contact
            self.assertTrue(form.debt_collection_partner_blocked)
            self.assertIn("Cheque bounced", form.debt_collection_block_warning)
            form.invoice_date = "2026-03-01"
            with form.invoice_line_ids.new() as line:
                line.name = "Goods"
                line.price_unit = 100
                line.tax_ids.clear()
        invoice = form.save()
        onchange = invoice._onchange_partner_id_debt_collection_block()
        self.assertEqual(onchange["warning"]["title"], "Customer blocked")
        self.assertIn("Cheque bounced", onchange["warning"]["message"])
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn(
            "Posted for a customer blocked for sales", str(invoice.message_ids[0].body)
        )

    def test_refuse_setting_blocks_invoices_not_credit_notes(self):
        self.company.debt_collection_block_invoices = "refuse"
        invoice = self._invoice(self.customer, "2026-03-30", 500.0, post=False)
        refund = self._invoice(
            self.customer, "2026-03-30", 50.0, post=False, move_type="out_refund"
        )
        self._block(self.customer, "Cheque bounced")
        with self._refused(UserError, "cannot be posted for blocked customers"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        refund.action_post()
        self.assertEqual(refund.state, "posted")
        # Vendor bills of the same partner are none of sales' business.
        bill = self._invoice(
            self.customer, "2026-03-30", 80.0, post=False, move_type="in_invoice"
        )
        bill.action_post()
        self.assertEqual(bill.state, "posted")
        # Lifted: the invoice posts.
        self.customer.with_user(self.manager).action_debt_collection_unblock()
        self._blocks(self.customer)._release("Paid")
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
