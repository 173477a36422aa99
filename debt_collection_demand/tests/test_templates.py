"""Message templates from the Debt Collection menu: the list of the e-mail,
SMS and letter templates, their wording edited by collectors (nothing
dynamic added), letter templates printed and previewed per language."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_demands import DemandCase, _text


@tagged("post_install", "-at_install")
class TestMessageTemplates(DemandCase):
    def test_list_of_the_templates_the_steps_use(self):
        rows = (
            self.env["debt.collection.message.template"]
            .with_user(self.collector)
            .search([])
        )
        by_name = {row.name: row for row in rows}
        overdue = by_name["Debt collection: overdue reminder"]
        self.assertEqual(overdue.kind, "email")
        self.assertEqual(overdue.used_for, "Debt Collection Message")
        self.assertIn("Overdue reminder", overdue.step_names)
        letter = by_name["Payment demand letter"]
        self.assertEqual((letter.kind, letter.used_for), ("letter", "Payment Demand"))
        self.assertIn("Final demand letter", by_name)
        # Templates of other models are not collection templates.
        self.assertFalse(
            rows.filtered(
                lambda r: r.res_model == "mail.template" and "Invoice" in r.name
            )
        )
        action = overdue.action_edit()
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            (
                "mail.template",
                self.env.ref("debt_collection.mail_template_overdue_reminder").id,
            ),
        )
        preview = overdue.action_preview()
        self.assertEqual(preview["res_model"], "mail.template.preview")
        self.assertEqual(
            letter.action_preview()["res_model"], "debt.collection.letter.preview"
        )

    def test_collector_rewords_but_adds_no_code(self):
        template = self.env.ref("debt_collection.mail_template_overdue_reminder")
        as_collector = template.with_user(self.collector)
        body = str(template.body_html)
        reworded = body.replace("Dear Sir or Madam,", "Good morning,")
        self.assertNotEqual(body, reworded)
        as_collector.write(
            {"subject": "{{ object.company_id.name }}: overdue", "body_html": reworded}
        )
        self.assertIn("Good morning,", str(template.body_html))
        self.assertEqual(template.subject, "{{ object.company_id.name }}: overdue")
        for vals in (
            {"subject": "{{ object.company_id.sudo().name }}: overdue"},
            {
                "body_html": reworded.replace(
                    "Good morning,", '<t t-out="object.env.user.password"/>'
                )
            },
            {"email_to": "someone@example.com"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_collector.write(vals)
        self.assertEqual(template.subject, "{{ object.company_id.name }}: overdue")
        # Templates of other documents stay out of the collectors' reach.
        invoice_template = self.env.ref("account.email_template_edi_invoice")
        with self.assertRaises(AccessError):
            invoice_template.with_user(self.collector).write({"subject": "Hello"})

    def test_letter_template_printed_and_previewed_in_each_language(self):
        self._activate_polish()
        letter = self.env.ref("debt_collection_demand.letter_template_demand")
        letter.with_user(self.collector).body_html = str(letter.body_html).replace(
            "Kind regards,", "With best regards,"
        )
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        demand = self._approved(k1)
        self.assertEqual(demand.letter_template_id, letter)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "debt_collection_demand.action_report_demand", demand.ids
        )[0]
        self.assertIn("With best regards,", _text(html))
        preview = (
            self.env["debt.collection.letter.preview"]
            .with_user(self.collector)
            .create(
                {
                    "letter_template_id": letter.id,
                    "demand_id": demand.id,
                    "lang": "pl_PL",
                }
            )
        )
        self.assertIn("Szanowni Państwo,", _text(preview.body_html))
        self.assertIn("Niniejszym wzywamy Państwa do zapłaty", _text(preview.body_html))
        preview.lang = "en_US"
        self.assertIn("With best regards,", _text(preview.body_html))
        # A step gives its demands its own letter.
        other = letter.copy({"name": "Soft letter"})
        self.step_demand.letter_template_id = other
        self.assertEqual(
            self.env["debt.collection.demand"]
            ._create_for_items(
                self.company,
                "demand",
                k1.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                ),
                letter_template=self.step_demand.letter_template_id,
            )
            .letter_template_id,
            other,
        )
