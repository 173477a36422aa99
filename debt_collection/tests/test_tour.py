from datetime import timedelta

from markupsafe import Markup

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import DebtCollectionCase
from .test_interest_notes import InterestNoteCase


@tagged("post_install", "-at_install")
class TestCollectorTour(DebtCollectionCase, HttpCase):
    """A collector works through the web client in headless Chromium."""

    def test_collector_adds_a_note_from_the_customer_form(self):
        today = self.company._debt_collection_today()
        # Ten days overdue: the overdue reminder (day 7) is due today.
        invoice = self._invoice(self.customer, today - timedelta(days=10), 1234.56)
        self.start_tour("/odoo", "debt_collection_tour", login="collector")
        note = self.env["debt.collection.event"].search([("event_type", "=", "note")])
        self.assertEqual(len(note), 1)
        self.assertEqual(note.note, Markup("<p>Phoned, promised to pay on Friday</p>"))
        self.assertEqual(
            (
                note.partner_id,
                note.move_id,
                note.channel,
                note.user_id,
                note.company_id,
            ),
            (
                self.customer,
                self.env["account.move"],
                "phone",
                self.collector,
                self.company,
            ),
        )
        # Looking at the to-do list and adding a note sent nothing.
        self.assertFalse(self._events())
        self.assertFalse(self._mails())
        self.assertFalse(invoice.debt_collection_stage_id)


@tagged("post_install", "-at_install")
class TestTemplateTour(DebtCollectionCase, HttpCase):
    """A collector rewords an e-mail template and previews it in Polish."""

    def test_collector_edits_a_template_and_previews_it_in_polish(self):
        self._activate_polish()
        template = self.env.ref("debt_collection.mail_template_overdue_reminder")
        polish_subject = template.with_context(lang="pl_PL").subject
        # A message to preview the template on.
        today = self.company._debt_collection_today()
        self._invoice(self.customer, today - timedelta(days=10), 1234.56)
        self.env["debt.collection.engine"]._run_collection_pass(
            force=True, companies=self.company
        )
        self.assertTrue(self.env["debt.collection.notice"].search([]))
        self.start_tour("/odoo", "debt_collection_template_tour", login="collector")
        self.assertEqual(
            template.with_context(lang="en_US").subject,
            "{{ object.company_id.name }}: your invoices are overdue",
        )
        # The Polish text is its own translation: unchanged.
        self.assertEqual(template.with_context(lang="pl_PL").subject, polish_subject)


@tagged("post_install", "-at_install")
class TestSettleTour(InterestNoteCase, HttpCase):
    """An accountant settles an interest note paid at the cash desk."""

    def test_accountant_settles_an_interest_note_in_cash(self):
        accountant = new_test_user(
            self.env,
            login="accountant_ewa",
            name="Accountant Ewa",
            email="ewa@example.com",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice = self._invoice(self.customer, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        self._approve(note, "2026-04-01")
        self.assertEqual((note.state, note.amount_total), ("posted", 408.73))
        self.start_tour("/odoo", "debt_collection_settle_tour", login="accountant_ewa")
        self.assertEqual(note.state, "paid")
        payment = note.move_id.line_ids.matched_credit_ids.credit_move_id.payment_id
        self.assertRecordValues(
            payment,
            [
                {
                    "journal_id": self.company_data["default_journal_cash"].id,
                    "amount": 408.73,
                    "partner_id": self.customer.id,
                    "create_uid": accountant.id,
                }
            ],
        )
