"""Customer statements: every open document and open credit, per currency,
with the interest due to date; sent from a customer, in batch from the
list, by a collection step, or printed; the portal's page and the statement
agree."""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import LINK_RE, PortalCase


@tagged("post_install", "-at_install")
class TestStatement(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv_overdue = cls._invoice(
            cls.customer, cls.today - timedelta(days=20), 1000.0
        )
        cls.inv_not_due = cls._invoice(
            cls.customer, cls.today + timedelta(days=10), 300.0
        )
        cls.inv_eur = cls._invoice(
            cls.customer, cls.today - timedelta(days=10), 200.0, currency=cls.eur
        )
        cls.credit_note = cls._credit_note(
            cls.customer, 100.0, cls.today - timedelta(days=3)
        )
        cls.payment = cls._unapplied_payment(
            cls.customer, 50.0, cls.today - timedelta(days=2)
        )
        cls.other_invoice = cls._invoice(
            cls.other_customer, cls.today - timedelta(days=5), 777.77
        )

    def _wizard(self, partners, user=None, **values):
        return (
            self.env["debt.collection.statement.wizard"]
            .with_user(user or self.collector)
            .create({"partner_ids": [(6, 0, partners.ids)], **values})
        )

    def _statement_mails(self):
        return self.env["mail.mail"].search(
            [("model", "=", "debt.collection.statement")], order="id"
        )

    def test_sections_per_currency_with_credits_and_interest(self):
        Account = self.env["debt.collection.customer.account"]
        pln, eur = Account._get_sections(
            self.customer, self.company, include_interest=True
        )
        self.assertEqual((pln.currency, eur.currency), (self.pln, self.eur))
        self.assertEqual(
            [item.move for item in pln.items], [self.inv_overdue, self.inv_not_due]
        )
        self.assertEqual(
            [(c.move, c.kind, c.amount) for c in pln.credits],
            [
                (self.credit_note, "credit_note", 100.0),
                (self.payment.move_id, "payment", 50.0),
            ],
        )
        self.assertEqual(
            (pln.total_due, pln.total_overdue, pln.total_credits, pln.net_due),
            (1300.0, 1000.0, 150.0, 1150.0),
        )
        self.assertEqual([item.days_late for item in pln.items], [20, 0])
        self.assertEqual((eur.total_due, eur.net_due), (200.0, 200.0))
        self.assertEqual(eur.items[0].amount_due_company, 800.0)  # 1 EUR = 4 PLN
        # Interest to date: the open credits count as paid on their dates
        # (they are the customer's money), to the grosz, day by day.
        note_lines = self.env["debt.collection.interest.calculator"]._compute_proposals(
            self.company, self.today, partners=self.customer
        )[0][self.customer, self.pln]
        interest_line = next(v for v in note_lines if v["line_type"] == "interest")
        expected = sum(
            round(s[2]["balance"] * s[2]["rate"] / 100 * s[2]["days"] / 365, 6)
            for s in interest_line["segment_ids"]
        )
        self.assertGreater(expected, 0)
        self.assertAlmostEqual(pln.items[0].interest, round(expected, 2), places=2)
        self.assertEqual(pln.items[1].interest, 0.0)
        self.assertEqual(pln.total_interest, pln.items[0].interest)

    def test_collector_sends_statements_in_batch(self):
        action = self._wizard(self.customer | self.other_customer).action_apply()
        self.assertEqual(action["tag"], "display_notification")
        statements = self.env["debt.collection.statement"].search([], order="id")
        self.assertEqual(statements.partner_id, self.customer | self.other_customer)
        self.assertEqual(statements.mapped("state"), ["sent", "sent"])
        year = self.today.year
        self.assertEqual(
            statements.mapped("name"), [f"ZR/{year}/00001", f"ZR/{year}/00002"]
        )
        mails = self._statement_mails()
        self.assertEqual(len(mails), 2)
        first = mails.filtered(lambda m: m.res_id == statements[0].id)
        # To the invoice contact; the PDF as sent is kept on the statement.
        self.assertEqual(first.email_to, '"Jan Kowalski" <jan@kowalski.example.com>')
        self.assertEqual(first.attachment_ids, statements[0].attachment_id)
        self.assertEqual(first.attachment_ids.name, f"ZR-{year}-00001.pdf")
        self.assertIn("1,150.00", first.body_html)
        self.assertIn("200.00", first.body_html)
        self.assertEqual(len(set(LINK_RE.findall(first.body_html))), 1)
        events = self.env["debt.collection.event"].search(
            [("event_type", "=", "statement")], order="id"
        )
        self.assertEqual(events.statement_id, statements)
        self.assertEqual(set(events.mapped("channel")), {"email"})
        # Done when the mail server took them, as every collection e-mail.
        self.assertEqual(set(events.mapped("state")), {"queued"})
        self.assertEqual(events.delivery_id.statement_id, statements)
        self._send_queued_mails()
        self.assertEqual(set(events.mapped("state")), {"done"})
        self.assertEqual(set(events.delivery_id.mapped("state")), {"sent"})
        self.assertEqual(
            sorted(self.smtp.recipients()),
            ["biuro@nowak.example.com", "jan@kowalski.example.com"],
        )
        self.assertEqual(events.user_id, self.collector)
        self.assertIn(f"Statement ZR/{year}/00001 sent by e-mail.", str(events[0].note))

    def test_the_statement_lists_what_the_portal_shows(self):
        self._wizard(self.customer).action_apply()
        statement = self.env["debt.collection.statement"].search([])
        html = statement.attachment_id.raw.decode()
        for text in (
            self.inv_overdue.name,
            self.inv_not_due.name,
            self.inv_eur.name,
            self.credit_note.name,
            "Payment not yet applied",
            "1,150.00",
            "Interest to date",
            statement.debt_collection_portal_url,
        ):
            self.assertIn(text, html)
        self.assertNotIn(self.other_invoice.name, html)

    def test_real_pdfs_are_split_per_statement(self):
        statements = self.env["debt.collection.statement"]._create_for_partners(
            self.company, self.customer | self.other_customer
        )
        attachments = statements.with_context(
            force_report_rendering=True
        )._create_pdf_attachments()
        for statement in statements:
            raw = attachments[statement.id].raw
            self.assertTrue(raw.startswith(b"%PDF"))
            text = self._pdf_text(raw)
            self.assertIn(statement.name, text)
            other = statements - statement
            self.assertNotIn(other.name, text)

    def _pdf_text(self, raw):
        import io

        from odoo.tools.pdf import PdfReader

        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)

    def test_no_address_no_statement(self):
        self.other_customer.email = False
        with self.assertRaises(UserError) as error:
            self._wizard(self.customer | self.other_customer).action_apply()
        self.assertIn("Sklep Nowak", str(error.exception))
        self.assertFalse(self.env["debt.collection.statement"].search([]))
        self.assertFalse(self._statement_mails())
        with self.assertRaises(UserError):
            self._wizard(self.customer.browse()).action_apply()

    def test_print_to_post(self):
        action = self._wizard(self.customer, mode="print").action_apply()
        self.assertEqual(
            action["report_name"], "debt_collection_portal.report_statement"
        )
        statement = self.env["debt.collection.statement"].search([])
        self.assertEqual(statement.state, "printed")
        self.assertFalse(self._statement_mails())
        event = self.env["debt.collection.event"].search(
            [("statement_id", "=", statement.id)]
        )
        self.assertEqual(event.channel, "letter")

    def test_statement_as_a_collection_step(self):
        step = self.env["debt.collection.step"].create(
            {
                "policy_id": self.policy.id,
                "name": "Statement",
                "sequence": 15,
                "days": 1,
                "action": "statement",
                "combine_messages": False,
                "mail_template_id": self.env.ref(
                    "debt_collection_portal.mail_template_statement"
                ).id,
            }
        )
        self.assertEqual(step.channel, "email")
        nobody = self.env["res.partner"].create(
            {"name": "Bez Adresu", "is_company": True}
        )
        self._invoice(nobody, self.today - timedelta(days=1), 10.0)
        self._invoice(self.other_customer, self.today - timedelta(days=1), 20.0)
        self._run(self.today)
        events = self.env["debt.collection.event"].search([("step_id", "=", step.id)])
        done = events.filtered(lambda e: e.state == "done")
        self.assertEqual(done.partner_id, self.other_customer)
        self.assertEqual(done.statement_id.partner_id, self.other_customer)
        self.assertEqual(done.statement_id.step_id, step)
        self.assertEqual(done.statement_id.state, "sent")
        failed = events - done
        self.assertEqual((failed.partner_id, failed.reason), (nobody, "no_recipient"))
        mail = self._statement_mails()
        self.assertEqual(mail.res_id, done.statement_id.id)
        self.assertEqual(
            (done.delivery_id.state, done.delivery_id.statement_id),
            ("sent", done.statement_id),
        )
        self.assertIn(
            "797.77", mail.body_html
        )  # the whole account, not only the step's items

    def test_statement_step_needs_a_statement_template(self):
        with self.assertRaises(UserError):
            self.env["debt.collection.step"].create(
                {
                    "policy_id": self.policy.id,
                    "name": "Statement",
                    "sequence": 15,
                    "days": 1,
                    "action": "statement",
                    "mail_template_id": self.env.ref(
                        "debt_collection.mail_template_overdue_reminder"
                    ).id,
                }
            )

    def test_billing_clerk_prints_but_does_not_send(self):
        clerk = new_test_user(
            self.env,
            login="clerk",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        html = (
            self.env["ir.actions.report"]
            .with_user(clerk)
            ._render_qweb_html(
                "debt_collection_portal.action_report_customer_statement",
                self.customer.ids,
                data={"company_id": self.company.id},
            )[0]
            .decode()
        )
        self.assertIn(self.inv_overdue.name, html)
        self.assertIn("1,150.00", html)
        with self.assertRaises(AccessError):
            self._wizard(self.customer, user=clerk)
