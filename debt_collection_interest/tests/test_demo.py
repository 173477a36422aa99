"""The demo story's interest notes are computed, posted and paid."""

from odoo.tests import tagged

from odoo.addons.debt_collection.tests.test_demo import DemoCase


@tagged("post_install_l10n", "post_install", "-at_install")
class TestInterestDemo(DemoCase):
    def test_interest_notes_computed(self):
        notes = self.env["debt.collection.interest.note"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertLessEqual({"draft", "posted", "paid"}, set(notes.mapped("state")))
        for note in notes:
            self.assertGreater(note.amount_total, 0, note.display_name)
            self.assertAlmostEqual(
                note.amount_total, sum(note.line_ids.mapped("amount")), places=2
            )
            for line in note.line_ids.filtered(lambda x: x.line_type == "interest"):
                self.assertTrue(line.segment_ids)
                self.assertAlmostEqual(
                    line.amount,
                    note.currency_id.round(sum(line.segment_ids.mapped("interest"))),
                    places=2,
                )
        posted = notes.filtered(lambda n: n.state in ("posted", "paid"))
        self.assertTrue(all(n.move_id.state == "posted" for n in posted))
