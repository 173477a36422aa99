"""The analysis on data the rest of collection sets up: the balances of
many customers in one opening entry, an export of a second company, and the
dashboard and the ageing in the browser (the demo story's ageing and
dashboard: debt_collection/tests/test_demo.py)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.debt_collection.tests import test_audit_trail, test_credits
from odoo.addons.debt_collection.tests.common import DebtCollectionCase


@tagged("post_install", "-at_install")
class TestAgeingOfAnEntryOfManyCustomers(test_credits.EntryOfManyCustomersCase):
    def test_ageing_gives_each_customer_its_line_and_credits_their_column(self):
        with freeze_time("2026-03-02 10:00:00"):
            report = self.env["debt.collection.ageing"].create({"date": "2026-03-02"})
            report._compute_lines()
        credit_bucket = self.company._debt_collection_credit_bucket()
        lines = {
            (line.partner_id, line.bucket_id.credit): line.amount
            for line in report.line_ids
        }
        self.assertEqual(
            lines,
            {
                (self.delta, False): 3000.00,
                (self.epsilon, False): 1500.00,
                (self.zeta, True): -200.00,
            },
        )
        zeta = report.line_ids.filtered(lambda line: line.partner_id == self.zeta)
        self.assertEqual(zeta.bucket_id, credit_bucket)
        self.assertEqual(zeta.amount_overdue, 0.0)


@tagged("post_install", "-at_install")
class TestExportScope(test_audit_trail.CompanyScopeCase):
    def test_excel_export_is_readable_only_in_its_company(self):
        """The collector's ageing export: they download it; a user of the
        other company cannot, by its address, nor by searching."""
        self._invoice(self.customer, "2026-03-02", 1234.56)
        report = (
            self.env["debt.collection.ageing"]
            .with_user(self.collector)
            .create({"date": "2026-03-31"})
        )
        action = report.action_export_xlsx()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        Attachment = self.env["ir.attachment"]
        mine = Attachment.with_user(self.collector).browse(attachment_id)
        self.assertTrue(mine.raw.startswith(b"PK"))
        self.assertEqual(mine.company_id, self.company)
        theirs = Attachment.with_user(self.user_b).browse(attachment_id)
        with self.assertRaises(AccessError):
            theirs.read(["raw"])
        self.assertFalse(
            Attachment.with_user(self.user_b).search([("id", "=", attachment_id)])
        )
        # Still closed once the wizard it came from is gone.
        report.sudo().unlink()
        with self.assertRaises(AccessError):
            theirs.read(["raw"])


@tagged("post_install", "-at_install")
class TestAnalysisTour(DebtCollectionCase, HttpCase):
    """The dashboard and the ageing in headless Chromium."""

    def test_manager_reads_the_dashboard_and_the_ageing(self):
        # The ageing's default date is the user's today: the company's one,
        # also in the hour after midnight in Warsaw.
        self.manager.tz = self.company.debt_collection_tz
        today = self.company._debt_collection_today()
        self._invoice(self.customer, today - timedelta(days=10), 1234.56)
        self.start_tour("/odoo", "debt_collection_analysis_tour", login="dc_manager")
