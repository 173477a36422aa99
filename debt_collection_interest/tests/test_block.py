from odoo.tests import tagged

from odoo.addons.debt_collection.tests.test_block import BlockCase

from .test_interest_notes import InterestNoteCase


@tagged("post_install", "-at_install")
class TestBlockedInterestNote(InterestNoteCase, BlockCase):
    def test_interest_note_posts_for_a_blocked_customer(self):
        self.company.debt_collection_block_invoices = "refuse"
        invoice = self._invoice(self.customer, "2026-03-02", 10000.0)
        self._block(self.customer)
        note = self._propose("2026-03-31", move_ids=invoice)
        self._approve(note, "2026-03-31")
        self.assertEqual(note.move_id.state, "posted")
        self.assertTrue(note.move_id.debt_collection_partner_blocked)
