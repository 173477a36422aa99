"""The e-mails the engine queues: content (English and Polish), recipients,
and a real delivery to a local SMTP server."""

import email
import email.policy
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html

from odoo import Command
from odoo.modules import module as odoo_module
from odoo.tests import tagged
from odoo.tools import format_amount

from odoo.addons.debt_collection.models.debt_collection_template import (
    batch_formatters,
)

from .common import DebtCollectionCase, requires_addon, warsaw_winter

BANK_ACCOUNT = "PL61 1090 1014 0000 0712 1981 2874"
BANK_NAME = "Santander Bank Polska"
COMPANY_FROM = '"Windykacja Sp. z o.o." <windykacja@example.com>'
ANNA_FROM = '"Collector Anna" <anna.collector@example.com>'
ANNA_PHONE = "+48 22 123 45 67"


def _squash(text):
    """Collapse every run of whitespace (also non-breaking spaces) to one space."""
    return " ".join((text or "").split())


class DebtCollectionMailCase(DebtCollectionCase):
    """The common fixture plus a company bank account, a phone number for the
    collection responsible, and helpers to read the queued e-mails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector.partner_id.phone = ANNA_PHONE
        bank = cls.env["res.bank"].create({"name": BANK_NAME, "bic": "WBKPPLPP"})
        cls.env["res.partner.bank"].create(
            {
                "acc_number": BANK_ACCOUNT,
                "bank_id": bank.id,
                "partner_id": cls.company.partner_id.id,
                "company_id": cls.company.id,
            }
        )

    # Customers ---------------------------------------------------------------

    @classmethod
    def _customer(cls, name, email_address, lang="en_US", **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email_address,
                "lang": lang,
                **values,
            }
        )

    @classmethod
    def _contact(cls, parent, name, email_address, contact_type="invoice"):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "parent_id": parent.id,
                "type": contact_type,
                "email": email_address,
            }
        )

    # Reading the queued e-mails -------------------------------------------

    def _mail(self, partner, step=None):
        """The one e-mail queued for ``partner`` (and ``step``): a reminder
        message, or a demand document (demand steps prepare documents)."""
        if step and step.action in ("demand", "final_demand"):
            model = "debt.collection.demand"
            domain = [("partner_id", "=", partner.id), ("kind", "=", step.action)]
        else:
            model = "debt.collection.notice"
            domain = [("partner_id", "=", partner.id)]
            if step:
                domain.append(("step_id", "=", step.id))
        notices = self.env[model].search(domain)
        self.assertEqual(len(notices), 1, f"one collection message for {partner.name}")
        mails = self.env["mail.mail"].search(
            [("model", "=", model), ("res_id", "=", notices.id)]
        )
        self.assertEqual(len(mails), 1, f"one e-mail for {partner.name}")
        # The run's mail queue sent it; it is kept after sending.
        self.assertEqual(mails.state, "sent")
        return mails

    def _text(self, mail):
        """The body as the reader sees it: text without tags, whitespace squashed."""
        return _squash(html.fromstring(mail.body_html).text_content())

    def _table(self, mail, part="tbody"):
        """Rows of the documents table (``tbody``) or of its totals (``tfoot``)."""
        tree = html.fromstring(mail.body_html)
        return [
            [_squash(cell.text_content()) for cell in row.xpath("./td")]
            for row in tree.xpath(f"//table/{part}/tr")
        ]

    def _assert_payment_details(self, text, pay_by):
        """Pay-by date, the company's bank account and the responsible's contact."""
        self.assertIn(f"Please pay by {pay_by}", text)
        self.assertIn(f"to our bank account {BANK_ACCOUNT} ({BANK_NAME})", text)
        self.assertIn("Your contact person: Collector Anna", text)
        self.assertIn("anna.collector@example.com", text)
        self.assertIn(ANNA_PHONE, text)


@tagged("post_install", "-at_install")
class TestMailContent(DebtCollectionMailCase):
    """What each of the four templates tells an English-speaking customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The invoices go to the accounting department; Jan gets a copy.
        cls.accounting = cls._contact(
            cls.customer, "Kowalski Accounting", "ksiegowosc@kowalski.example.com"
        )
        cls.jan = cls._customer("Jan Nowak", "jan.nowak@kowalski.example.com")
        cls.customer.debt_collection_contact_ids = [Command.set(cls.jan.ids)]

    def _assert_envelope(self, mail, subject):
        self.assertEqual(mail.subject, subject)
        self.assertEqual(mail.email_from, ANNA_FROM)
        self.assertEqual(self._to(mail), ["ksiegowosc@kowalski.example.com"])
        self.assertEqual(self._cc(mail), ["jan.nowak@kowalski.example.com"])

    def test_overdue_reminder_content(self):
        """The overdue reminder lists every open document with its dates, days
        overdue, amount and amount due to the grosz, totals per currency, pay
        by run date + 7 days, the bank account and the responsible's contact."""
        first = self._invoice(
            self.customer, "2026-03-02", 1234.56, invoice_date="2026-02-10"
        )
        second = self._invoice(
            self.customer, "2026-03-09", 350.00, invoice_date="2026-02-23"
        )
        in_euro = self._invoice(
            self.customer,
            "2026-03-04",
            480.25,
            invoice_date="2026-02-18",
            currency=self.eur,
        )
        paid = self._invoice(self.customer, "2026-03-03", 99.00)
        self._pay(first, 234.50, "2026-03-10")
        self._pay(paid, 99.00, "2026-03-10")
        other = self._invoice(
            self._customer("Other Customer", "other@example.com"), "2026-03-02", 777.77
        )

        self._run("2026-03-18")

        mail = self._mail(self.customer)
        self._assert_envelope(mail, "Windykacja Sp. z o.o.: overdue payment reminder")
        self.assertEqual(
            self._table(mail),
            [
                [
                    first.name,
                    "02/10/2026",
                    "03/02/2026",
                    "16",
                    "1,234.56 zł",
                    "1,000.06 zł",
                ],
                [
                    in_euro.name,
                    "02/18/2026",
                    "03/04/2026",
                    "14",
                    "480.25 €",
                    "480.25 €",
                ],
                [
                    second.name,
                    "02/23/2026",
                    "03/09/2026",
                    "9",
                    "350.00 zł",
                    "350.00 zł",
                ],
            ],
        )
        self.assertEqual(
            self._table(mail, "tfoot"),
            [
                ["Total PLN", "1,584.56 zł", "1,350.06 zł"],
                ["Total EUR", "480.25 €", "480.25 €"],
            ],
        )
        text = self._text(mail)
        # The addressee stands on its own line above the greeting.
        self.assertTrue(
            text.startswith("Hurtownia Kowalski Sp. z o.o. Dear Sir or Madam,")
        )
        self.assertIn(
            "according to our records the following documents are overdue", text
        )
        self.assertNotIn(paid.name, text)
        self.assertNotIn(other.name, text)
        self._assert_payment_details(text, "03/25/2026")

    def test_predue_reminder_content(self):
        """The pre-due reminder (pay_by_days 0) asks to pay by the latest due
        date of the listed documents; nothing is overdue yet."""
        first = self._invoice(
            self.customer, "2026-03-19", 800.00, invoice_date="2026-03-05"
        )
        second = self._invoice(
            self.customer, "2026-03-20", 45.99, invoice_date="2026-03-06"
        )
        self._pay(first, 100.01, "2026-03-16")

        self._run("2026-03-17")

        mail = self._mail(self.customer)
        self._assert_envelope(mail, "Windykacja Sp. z o.o.: payment due soon")
        # Nothing is overdue yet: no "days overdue" column.
        self.assertEqual(
            self._table(mail),
            [
                [first.name, "03/05/2026", "03/19/2026", "800.00 zł", "699.99 zł"],
                [second.name, "03/06/2026", "03/20/2026", "45.99 zł", "45.99 zł"],
            ],
        )
        self.assertNotIn("Days overdue", self._text(mail))
        self.assertEqual(
            self._table(mail, "tfoot"), [["Total PLN", "845.99 zł", "745.98 zł"]]
        )
        text = self._text(mail)
        self.assertIn(
            "this is a friendly reminder that the following documents will soon be due",
            text,
        )
        self.assertIn("If you have already paid, please disregard this message.", text)
        self._assert_payment_details(text, "03/20/2026")

    @requires_addon("debt_collection_demand")
    def test_payment_demand_content(self):
        """The payment demand formally demands payment within 7 days."""
        first = self._invoice(
            self.customer, "2026-03-02", 2500.00, invoice_date="2026-02-02"
        )
        second = self._invoice(
            self.customer, "2026-03-04", 149.90, invoice_date="2026-02-04"
        )
        self._pay(first, 1250.55, "2026-04-01")

        self._run("2026-04-13")

        mail = self._mail(self.customer, self.step_demand)
        self._assert_envelope(
            mail, "Windykacja Sp. z o.o.: demand for payment WZ/2026/00001"
        )
        # The demand document goes with the e-mail as a PDF.
        self.assertEqual(
            mail.attachment_ids.mapped("name"), ["Payment demand WZ-2026-00001.pdf"]
        )
        self.assertEqual(
            self._table(mail),
            [
                [
                    first.name,
                    "02/02/2026",
                    "03/02/2026",
                    "42",
                    "2,500.00 zł",
                    "1,249.45 zł",
                ],
                [
                    second.name,
                    "02/04/2026",
                    "03/04/2026",
                    "40",
                    "149.90 zł",
                    "149.90 zł",
                ],
            ],
        )
        self.assertEqual(
            self._table(mail, "tfoot"),
            [
                [
                    "Total PLN (one thousand, three hundred and ninety-nine zlotys 35/100)",
                    "1,399.35 zł",
                ]
            ],
        )
        text = self._text(mail)
        self.assertIn("We hereby demand payment of the amounts due", text)
        self.assertNotIn("legal action", text)
        self._assert_payment_details(text, "04/20/2026")

    @requires_addon("debt_collection_demand")
    def test_final_demand_content(self):
        """The final demand announces legal action and asks to pay within 5 days."""
        first = self._invoice(
            self.customer, "2026-03-02", 10000.00, invoice_date="2026-02-02"
        )
        second = self._invoice(
            self.customer, "2026-03-03", 300.99, invoice_date="2026-02-03"
        )
        self._pay(first, 9999.01, "2026-04-30")

        self._run("2026-05-12")

        mail = self._mail(self.customer, self.step_final)
        self._assert_envelope(
            mail,
            "Windykacja Sp. z o.o.: final demand for payment before legal action "
            "WO/2026/00001",
        )
        self.assertEqual(
            mail.attachment_ids.mapped("name"), ["Final demand WO-2026-00001.pdf"]
        )
        self.assertEqual(
            self._table(mail),
            [
                [
                    first.name,
                    "02/02/2026",
                    "03/02/2026",
                    "71",
                    "10,000.00 zł",
                    "0.99 zł",
                ],
                [
                    second.name,
                    "02/03/2026",
                    "03/03/2026",
                    "70",
                    "300.99 zł",
                    "300.99 zł",
                ],
            ],
        )
        self.assertEqual(
            self._table(mail, "tfoot"),
            [["Total PLN (three hundred and one zlotys 98/100)", "301.98 zł"]],
        )
        text = self._text(mail)
        self.assertIn("this is our final demand for payment before legal action", text)
        self.assertIn(
            "we will hand the matter over for legal action without further notice", text
        )
        self._assert_payment_details(text, "05/17/2026")

    def test_sender_is_the_responsible_or_the_company(self):
        """The customer's own collection responsible signs its reminders; with
        no responsible at all, the company sends them and no contact person
        is named."""
        self.customer.debt_collection_user_id = self.manager
        self.manager.partner_id.phone = "+48 61 765 43 21"
        orphan = self._customer("Nobody's Customer", "orphan@example.com")
        self.company.debt_collection_user_id = False
        self._invoice(self.customer, "2026-03-02", 500.00)
        self._invoice(orphan, "2026-03-02", 500.00)

        self._run("2026-03-18")

        mail = self._mail(self.customer)
        self.assertEqual(mail.email_from, '"Manager Marek" <marek.manager@example.com>')
        text = self._text(mail)
        self.assertIn("Your contact person: Manager Marek", text)
        self.assertIn("marek.manager@example.com", text)
        self.assertIn("+48 61 765 43 21", text)
        self.assertNotIn("Collector Anna", text)

        mail = self._mail(orphan)
        self.assertEqual(mail.email_from, COMPANY_FROM)
        text = self._text(mail)
        self.assertNotIn("Your contact person", text)
        self.assertIn(f"to our bank account {BANK_ACCOUNT}", text)

    def test_payment_sentences_read_well(self):
        """The sentences around the bank account and the contact person have
        no stray space before their commas (the reader sees the HTML with its
        whitespace collapsed to single spaces)."""
        self._invoice(self.customer, "2026-03-02", 500.00)

        self._run("2026-03-18")

        text = self._text(self._mail(self.customer))
        self.assertIn(
            f"Please pay by 03/25/2026 to our bank account {BANK_ACCOUNT} ({BANK_NAME}), "
            "quoting the document numbers.",
            text,
        )
        self.assertIn(
            f"Your contact person: Collector Anna, anna.collector@example.com, {ANNA_PHONE}",
            text,
        )


@tagged("post_install", "-at_install")
class TestMailRecipients(DebtCollectionMailCase):
    """Who gets the message (To) and who a copy (Cc), by the step's rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Full family: two invoice contacts (one without e-mail), a delivery
        # contact with e-mail, and a chosen collection contact.
        cls.full = cls._customer("Full Family Sp. z o.o.", "office@full.example.com")
        cls.full_accounting = cls._contact(
            cls.full, "Full Accounting", "accounting@full.example.com"
        )
        cls._contact(cls.full, "Full Invoices (no e-mail)", False)
        cls._contact(
            cls.full, "Full Warehouse", "warehouse@full.example.com", "delivery"
        )
        cls.full_collector = cls._customer("Full Debt Officer", "debt@full.example.com")
        cls.full.debt_collection_contact_ids = [Command.set(cls.full_collector.ids)]
        # Invoice contact only: it is also the default collection contact.
        cls.invoiced = cls._customer("Invoice Only S.A.", "office@invoiced.example.com")
        cls._contact(
            cls.invoiced, "Invoiced Accounting", "accounting@invoiced.example.com"
        )
        # Nobody but the customer; its invoice contact has no e-mail.
        cls.alone = cls._customer("Alone Sp. j.", "office@alone.example.com")
        cls._contact(cls.alone, "Alone Invoices", False)
        for partner in cls.full | cls.invoiced | cls.alone:
            cls._invoice(partner, "2026-03-02", 300.00)

    def _recipients(self, partner):
        mail = self._mail(partner, self.step_reminder)
        return self._to(mail), self._cc(mail)

    def test_rule_customer(self):
        """'Customer': To the customer itself; the collection contacts (the
        invoice contacts when none is chosen) get a copy."""
        self.step_reminder.recipient_rule = "partner"

        self._run("2026-03-18")

        self.assertEqual(
            self._recipients(self.full),
            (["office@full.example.com"], ["debt@full.example.com"]),
        )
        self.assertEqual(
            self._recipients(self.invoiced),
            (["office@invoiced.example.com"], ["accounting@invoiced.example.com"]),
        )
        self.assertEqual(
            self._recipients(self.alone), (["office@alone.example.com"], [])
        )

    def test_rule_invoice_contacts(self):
        """'Invoice address contacts': To the invoice contacts that have an
        e-mail (not delivery contacts), else the customer; a contact that is
        already in To gets no copy."""
        self.step_reminder.recipient_rule = "invoice_contact"

        self._run("2026-03-18")

        self.assertEqual(
            self._recipients(self.full),
            (["accounting@full.example.com"], ["debt@full.example.com"]),
        )
        self.assertEqual(
            self._recipients(self.invoiced), (["accounting@invoiced.example.com"], [])
        )
        self.assertEqual(
            self._recipients(self.alone), (["office@alone.example.com"], [])
        )

    def test_rule_collection_contacts(self):
        """'Collection contacts': To the chosen collection contacts (default:
        the invoice contacts), else the customer; nobody is copied twice."""
        self.step_reminder.recipient_rule = "collection_contacts"

        self._run("2026-03-18")

        self.assertEqual(self._recipients(self.full), (["debt@full.example.com"], []))
        self.assertEqual(
            self._recipients(self.invoiced), (["accounting@invoiced.example.com"], [])
        )
        self.assertEqual(
            self._recipients(self.alone), (["office@alone.example.com"], [])
        )

    def test_copies_switched_off_and_responsible_copied(self):
        """Without 'Copy to collection contacts' nobody is copied for them;
        with 'Copy to responsible' the customer's responsible (else the
        company's) gets a copy."""
        self.step_reminder.write(
            {
                "recipient_rule": "partner",
                "cc_collection_contacts": False,
                "cc_responsible": True,
            }
        )
        self.invoiced.debt_collection_user_id = self.manager

        self._run("2026-03-18")

        self.assertEqual(
            self._recipients(self.full),
            (["office@full.example.com"], ["anna.collector@example.com"]),
        )
        self.assertEqual(
            self._recipients(self.invoiced),
            (["office@invoiced.example.com"], ["marek.manager@example.com"]),
        )
        self.assertEqual(
            self._recipients(self.alone),
            (["office@alone.example.com"], ["anna.collector@example.com"]),
        )

    def test_nobody_appears_twice(self):
        """The customer listed among its own collection contacts and the
        responsible who is also a collection contact each appear once."""
        self.step_reminder.write({"recipient_rule": "partner", "cc_responsible": True})
        self.full.debt_collection_contact_ids = [
            Command.link(self.full.id),
            Command.link(self.collector.partner_id.id),
        ]

        self._run("2026-03-18")

        to, cc = self._recipients(self.full)
        self.assertEqual(to, ["office@full.example.com"])
        self.assertEqual(cc, ["anna.collector@example.com", "debt@full.example.com"])


@tagged("post_install", "-at_install")
class TestMailPolish(DebtCollectionMailCase):
    """The customer's language picks the translation of the message."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish()
        cls.polish = cls._customer(
            "Piekarnia Żółć Sp. z o.o.", "biuro@zolc.example.com", lang="pl_PL"
        )

    def test_batch_rendered_mail_equals_single_rendered(self):
        """The run renders a step's e-mails for all its customers at once
        (per language) and creates them in one go: each is the e-mail Odoo
        renders for that message alone (send_mail), word for word."""
        contact = self._contact(
            self.polish, "Księgowość Żółć", "ksiegowosc@zolc.example.com"
        )
        self.polish.debt_collection_contact_ids = [Command.set(contact.ids)]
        self.step_reminder.write(
            {"recipient_rule": "invoice_contact", "cc_collection_contacts": True}
        )
        template = self.step_reminder.mail_template_id
        terms = self.env["ir.attachment"].create(
            {
                "name": "warunki.txt",
                "raw": b"Warunki handlowe",
                "res_model": "mail.template",
            }
        )
        template.attachment_ids = [Command.link(terms.id)]
        third = self._customer("Trzeci Klient", "trzeci@example.com", lang="pl_PL")
        invoices = [
            self._invoice(partner, "2026-03-02", amount)
            for partner, amount in (
                (self.polish, 1234.56),
                (self.polish, 99.99),
                (self.customer, 500),
                (third, 70),
            )
        ]
        self._run("2026-03-09", deliver=False)

        notices = self.env["debt.collection.notice"].search(
            [("step_id", "=", self.step_reminder.id)], order="id"
        )
        self.assertEqual(notices.partner_id, self.polish | self.customer | third)
        self.assertEqual(
            sorted(notices.event_ids.move_id.ids), [i.id for i in invoices]
        )

        def described(mail):
            return {
                "subject": mail.subject,
                "body_html": mail.body_html,
                # The message's body, sanitized once in the batch.
                "body": mail.body,
                "email_from": mail.email_from,
                "email_to": mail.email_to,
                "email_cc": mail.email_cc,
                "reply_to": mail.reply_to,
                "recipients": mail.recipient_ids,
                "record_name": mail.record_name,
                "attachments": sorted(
                    (a.name, a.raw) for a in mail.attachment_ids.sudo()
                ),
            }

        batch = self.env["mail.mail"].search(
            [("model", "=", notices._name), ("res_id", "in", notices.ids)],
            order="res_id",
        )
        self.assertEqual(len(batch), 3)
        # Rendered alone on the day of the run (what a message says can
        # depend on the day: a portal link, for one, is valid 60 days).
        with freeze_time(warsaw_winter(date(2026, 3, 9), 10)):
            for notice, mail in zip(notices, batch, strict=True):
                single = self.env["mail.mail"].browse(template.send_mail(notice.id))
                self.assertEqual(
                    described(mail), described(single), notice.partner_id.name
                )
                self.assertEqual(mail.mail_message_id, notice.mail_message_id)
        by_partner = {n.partner_id: n.id for n in notices}
        polish_mail = batch.filtered(lambda m: m.res_id == by_partner[self.polish])
        self.assertIn("Szanowni Państwo", polish_mail.body_html)
        self.assertIn("ksiegowosc@zolc.example.com", polish_mail.email_to)
        self.assertIn(
            "Dear",
            batch.filtered(lambda m: m.res_id == by_partner[self.customer]).body_html,
        )
        self.assertEqual(
            sorted(a.name for a in polish_mail.attachment_ids), ["warunki.txt"]
        )
        # The history keeps what left, as for every collection e-mail.
        deliveries = self.env["debt.collection.delivery"].search(
            [("notice_id", "in", notices.ids)]
        )
        self.assertEqual(
            sorted(
                (d.notice_id.id, d.subject, d.body_html, d.state) for d in deliveries
            ),
            sorted((m.res_id, m.subject, m.body_html, "queued") for m in batch),
        )

    def test_batch_formats_equal_odoo_formats(self):
        """A batch formats each date and amount with the language read once:
        the text is Odoo's own, character for character, in Polish and in
        English, for a symbol before or after the amount, and for amounts
        that round, are negative or run to billions."""
        usd = self.env.ref("base.USD")
        eur = self.env.ref("base.EUR")
        self.assertEqual((usd.position, self.pln.position), ("before", "after"))
        amounts = (0, 0.005, -0.005, 2.675, 1234.565, -1234.56, 999999999.99, -0.004)
        days = (date(2026, 1, 1), date(2026, 12, 31), False)
        for lang in ("pl_PL", "en_US"):
            mixin = self.env["mail.template"].with_context(lang=lang)
            odoo_formats = mixin._render_eval_context()
            formats = batch_formatters(mixin.env, odoo_formats["format_date"])
            for currency in (self.pln, eur, usd):
                for amount in amounts:
                    for lang_code in (False, "pl_PL", "en_US"):
                        with self.subTest(lang=lang, amount=amount, code=lang_code):
                            self.assertEqual(
                                formats["format_amount"](amount, currency, lang_code),
                                format_amount(mixin.env, amount, currency, lang_code),
                            )
            for day in days:
                for _twice in range(2):  # the second time from the batch's memory
                    self.assertEqual(
                        formats["format_date"](day), odoo_formats["format_date"](day)
                    )
        # Outside a mail template (an activity's note): Odoo's format_date.
        polish = batch_formatters(self.env(context={"lang": "pl_PL"}))
        self.assertEqual(
            polish["format_amount"](1234567.891, self.pln), "1234567,89\xa0zł"
        )
        self.assertEqual(polish["format_date"](date(2026, 3, 9)), "09.03.2026")
        self.assertEqual(
            polish["format_date"](date(2026, 3, 9), "d MMMM y"), "9 marca 2026"
        )

    @requires_addon("debt_collection_demand")
    def test_polish_and_english_customers_in_one_run(self):
        """A Polish customer's payment demand is in Polish with Polish dates
        and amounts; an English customer in the same run reads English."""
        polish_invoice = self._invoice(
            self.polish, "2026-03-02", 1234.56, invoice_date="2026-02-10"
        )
        self._pay(polish_invoice, 234.50, "2026-03-20")
        english_invoice = self._invoice(
            self.customer, "2026-03-02", 1234.56, invoice_date="2026-02-10"
        )

        self._run("2026-04-13")

        mail = self._mail(self.polish, self.step_demand)
        self.assertIn("wezwanie do zapłaty", mail.subject.lower())
        self.assertIn("Windykacja Sp. z o.o.", mail.subject)
        self.assertEqual(self._to(mail), ["biuro@zolc.example.com"])
        text = self._text(mail)
        # The Polish letter (pl.po), and no English left over.
        self.assertTrue(text.startswith("Piekarnia Żółć Sp. z o.o. Szanowni Państwo,"))
        self.assertIn("Niniejszym wzywamy Państwa do zapłaty należnych kwot", text)
        self.assertIn("Dni po terminie", text)
        self.assertIn("Kwota do zapłaty", text)
        self.assertIn("Prosimy o zapłatę do dnia 20.04.2026", text)  # 13 April + 7 days
        self.assertIn(f"na nasz rachunek bankowy {BANK_ACCOUNT}", text)
        self.assertIn("Osoba do kontaktu: Collector Anna", text)
        for english in (
            "Dear",
            "Please pay by",
            "Kind regards",
            "Days overdue",
            "Amount due",
        ):
            self.assertNotIn(english, text)
        # Polish dates (dd.mm.yyyy) and amounts (decimal comma; Odoo's Polish
        # language has no thousands separator).
        self.assertEqual(
            self._table(mail),
            [
                [
                    polish_invoice.name,
                    "10.02.2026",
                    "02.03.2026",
                    "42",
                    "1234,56 zł",
                    "1000,06 zł",
                ]
            ],
        )
        self.assertEqual(
            self._table(mail, "tfoot"),
            [["Razem PLN (tysiąc złotych 06/100)", "1000,06 zł"]],
        )

        mail = self._mail(self.customer, self.step_demand)
        self.assertEqual(
            mail.subject, "Windykacja Sp. z o.o.: demand for payment WZ/2026/00001"
        )
        text = self._text(mail)
        self.assertIn("We hereby demand payment of the amounts due", text)
        self.assertIn("Please pay by 04/20/2026", text)
        self.assertEqual(
            self._table(mail),
            [
                [
                    english_invoice.name,
                    "02/10/2026",
                    "03/02/2026",
                    "42",
                    "1,234.56 zł",
                    "1,234.56 zł",
                ]
            ],
        )


@tagged("post_install", "-at_install")
class TestMailDelivery(DebtCollectionMailCase):
    """A reminder really leaves Odoo through SMTP (the local server of the
    common fixture)."""

    def setUp(self):
        super().setUp()
        # ir.mail_server.connect() and send_email() skip the network while
        # Odoo's own test runner sets ``current_test``; this test is about the
        # network, so switch off only that check (under pytest-odoo it is off).
        patcher = patch.object(odoo_module, "current_test", False)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _deliver(self, partner):
        """What the SMTP server received (the run's mail queue sent it)."""
        self._mail(partner, self.step_reminder)
        return self.smtp.envelopes

    def _message(self, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        body = message.get_body(preferencelist=("html",)).get_content()
        return message, _squash(html.fromstring(body).text_content())

    def test_reminder_delivered_to_smtp_server(self):
        """The queued reminder reaches the SMTP server once, to the customer,
        from the responsible, with the document number and amount due."""
        invoice = self._invoice(self.customer, "2026-03-02", 1234.56)
        self._pay(invoice, 234.50, "2026-03-10")
        self._run("2026-03-18")

        envelopes = self._deliver(self.customer)

        self.assertEqual(len(envelopes), 1)
        envelope = envelopes[0]
        self.assertEqual(envelope.mail_from, "anna.collector@example.com")
        self.assertEqual(envelope.rcpt_tos, ["biuro@kowalski.example.com"])
        message, text = self._message(envelope)
        self.assertEqual(
            message["Subject"], "Windykacja Sp. z o.o.: overdue payment reminder"
        )
        self.assertIn("biuro@kowalski.example.com", message["To"])
        self.assertIn(invoice.name, text)
        self.assertIn("1,000.06 zł", text)
        self.assertIn("Please pay by 03/25/2026", text)

    def test_reminder_with_copy_delivered_as_one_message(self):
        """A reminder with a copy to the collection contact is one message
        whose To is the customer and whose Cc is the contact: the customer
        sees who is copied and the contact gets the same letter."""
        jan = self._customer("Jan Nowak", "jan.nowak@kowalski.example.com")
        self.customer.debt_collection_contact_ids = [Command.set(jan.ids)]
        invoice = self._invoice(self.customer, "2026-03-02", 1234.56)
        self._run("2026-03-18")

        envelopes = self._deliver(self.customer)

        self.assertEqual(len(envelopes), 1, "one message with To and Cc")
        envelope = envelopes[0]
        self.assertEqual(
            sorted(envelope.rcpt_tos),
            ["biuro@kowalski.example.com", "jan.nowak@kowalski.example.com"],
        )
        message, text = self._message(envelope)
        self.assertIn("biuro@kowalski.example.com", message["To"])
        self.assertIn("jan.nowak@kowalski.example.com", message["Cc"] or "")
        self.assertEqual(
            message["Subject"], "Windykacja Sp. z o.o.: overdue payment reminder"
        )
        self.assertIn(invoice.name, text)
        self.assertIn("1,234.56 zł", text)
