from datetime import timedelta

from markupsafe import Markup

from odoo.tests import HttpCase, tagged

from .common import DebtCollectionCase, requires_addon


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

    @requires_addon("debt_collection_demand")
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
