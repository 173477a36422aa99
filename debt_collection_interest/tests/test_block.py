import unittest

from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import get_db_name

from odoo.addons.debt_collection_desk.tests.test_block import BlockCase

from .test_interest_notes import InterestNoteCase


@tagged("post_install", "-at_install")
class TestBlockedInterestNote(InterestNoteCase, BlockCase):
    """Interest notes are posted for customers the desk blocked."""

    @classmethod
    def setUpClass(cls):
        if "debt.collection.block" not in Registry(get_db_name()):
            raise unittest.SkipTest("debt_collection_desk is not installed")
        super().setUpClass()

    def test_interest_note_posts_for_a_blocked_customer(self):
        self.company.debt_collection_block_invoices = "refuse"
        invoice = self._invoice(self.customer, "2026-03-02", 10000.0)
        self._block(self.customer)
        note = self._propose("2026-03-31", move_ids=invoice)
        self._approve(note, "2026-03-31")
        self.assertEqual(note.move_id.state, "posted")
        self.assertTrue(note.move_id.debt_collection_partner_blocked)
