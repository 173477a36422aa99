"""Invoice copies with reminders: a step option attaches the PDF of each
invoice a message lists (once each, only those listed) to its e-mail, and
encloses them after the letter of a printed demand."""

import io

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools.pdf import OdooPdfFileReader

from .test_demands import DemandCase, _squash


@tagged("post_install", "-at_install")
class TestInvoiceCopies(DemandCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.step_reminder + cls.step_demand).attach_invoices = True

    def _names(self, mail):
        return sorted(mail.attachment_ids.mapped("name"))

    def _file(self, invoice):
        return f"{invoice._get_report_base_filename()}.pdf"

    def test_reminder_attaches_the_listed_invoices_once(self):
        """Two invoices overdue by 7 days and an installment invoice whose
        two installments are both listed: three PDFs, the installment
        invoice once; an invoice not due yet is not attached."""
        first = self._invoice(self.customer, "2026-03-02", 100.00)
        second = self._invoice(self.customer, "2026-03-02", 200.00)
        term = self.env["account.payment.term"].create(
            {
                "name": "Two halves",
                "early_discount": False,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 1}
                    ),
                ],
            }
        )
        split = self._invoice(self.customer, "2026-03-01", 300.00, post=False)
        split.write({"invoice_payment_term_id": term.id, "invoice_date": "2026-03-01"})
        split.action_post()
        not_due = self._invoice(self.customer, "2026-03-30", 400.00)
        self._run("2026-03-09")
        mail = self._mails(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            self._names(mail), sorted(self._file(m) for m in first + second + split)
        )
        self.assertNotIn(self._file(not_due), self._names(mail))
        self.assertEqual(
            mail.attachment_ids.mapped("res_model"), ["debt.collection.notice"] * 3
        )

    def test_without_the_option_nothing_is_attached(self):
        self.step_reminder.attach_invoices = False
        self._invoice(self.customer, "2026-03-02", 100.00)
        self._run("2026-03-09")
        self.assertFalse(self._mails(self.customer).attachment_ids)

    def test_demand_email_carries_its_letter_and_the_invoices(self):
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        demand = self._approved(k1 + k2)
        demand.attach_invoices = True
        demand.with_user(self.manager).action_send_email()
        mail = self._demand_mails(demand)
        self.assertEqual(
            self._names(mail),
            sorted(
                ["Payment demand WZ-2026-00001.pdf", self._file(k1), self._file(k2)]
            ),
        )

    def test_printed_letter_encloses_the_invoices(self):
        """Printing two demands for posting: the first encloses its two
        invoices right after its letter, the second (without the option)
        none; real PDFs."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        with_copies = self._approved(k1 + k2)
        with_copies.attach_invoices = True
        without = self._approved(n1)
        demands = (with_copies + without).with_user(self.manager)
        with freeze_time("2026-04-14 09:00:00"):
            action = demands.action_print_batch()
        content, content_type = (
            self.env["ir.actions.report"]
            .with_context(action["context"], force_report_rendering=True)
            ._render_qweb_pdf(action["report_name"], demands.ids)
        )
        self.assertEqual(content_type, "pdf")
        reader = OdooPdfFileReader(io.BytesIO(content), strict=False)
        pages = [_squash(page.extract_text()) for page in reader.pages]
        self.assertEqual(len(pages), 4)
        self.assertIn("Payment demand WZ/2026/00001", pages[0])
        for page, invoice in ((pages[1], k1), (pages[2], k2)):
            self.assertIn(invoice.name, page)
            self.assertNotIn("WZ/2026/", page)
        self.assertIn("Payment demand WZ/2026/00002", pages[3])
        self.assertIn(n1.name, pages[3])
