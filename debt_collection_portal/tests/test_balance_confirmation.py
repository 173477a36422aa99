"""Balance confirmation (potwierdzenie salda) as of a date: the documents
open on that date, letters by e-mail or post, answers in the portal or
recorded from a signed reply, the register and the reminders."""

import base64
import io
import re
from datetime import date, timedelta
from urllib.parse import urlencode

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfReader

from .common import LINK_RE, PortalCase

# The session's token, which every page of the layout carries.
CSRF_RE = re.compile(r'csrf_token: "([^"]+)"')


@tagged("post_install", "-at_install")
class TestBalanceConfirmation(PortalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.year_end = date(cls.today.year - 1, 12, 31)
        y = cls.year_end.year
        # Open on the year end, paid after it.
        cls.inv_paid_later = cls._invoice(
            cls.customer, f"{y}-12-10", 1000.0, invoice_date=f"{y}-11-10"
        )
        cls._pay(cls.inv_paid_later, 1000.0, f"{y + 1}-01-15")
        # Partly paid before the year end: 300 open on it.
        cls.inv_partial = cls._invoice(
            cls.customer, f"{y + 1}-01-01", 500.0, invoice_date=f"{y}-12-01"
        )
        cls._pay(cls.inv_partial, 200.0, f"{y}-12-20")
        # Issued after the year end: not part of that balance.
        cls.inv_later = cls._invoice(
            cls.customer, f"{y + 1}-02-05", 400.0, invoice_date=f"{y + 1}-01-05"
        )
        cls.credit_note = cls._credit_note(cls.customer, 80.0, f"{y}-12-28")
        # Paid before the year end: nothing open, nothing to confirm.
        paid = cls._invoice(
            cls.other_customer, f"{y}-07-10", 70.0, invoice_date=f"{y}-06-10"
        )
        cls._pay(paid, 70.0, f"{y}-07-01")

    def _send(self, partners=None, channel="email", user=None):
        wizard = (
            self.env["debt.collection.balance.confirmation.wizard"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_ids": [(6, 0, partners.ids)] if partners else [],
                    "channel": channel,
                }
            )
        )
        self.assertEqual(wizard.date, self.year_end, "the last year end by default")
        return wizard.action_apply()

    def _confirmation(self, partner=None):
        return self.env["debt.collection.balance.confirmation"].search(
            [("partner_id", "=", (partner or self.customer).id)]
        )

    def test_letters_list_what_was_open_on_the_date(self):
        action = self._send()
        confirmation = self._confirmation()
        self.assertEqual(len(confirmation), 1)
        self.assertFalse(self._confirmation(self.other_customer))
        self.assertIn(
            "1 balance confirmations sent by e-mail, 0 to print",
            action["params"]["message"],
        )
        self.assertEqual(
            [(line.move_id, line.amount) for line in confirmation.line_ids],
            [
                (self.inv_paid_later, 1000.0),
                (self.credit_note, -80.0),
                (self.inv_partial, 300.0),
            ],
        )
        self.assertEqual(confirmation._get_totals(), [(self.pln, 1220.0)])
        self.assertEqual(confirmation.amount_company, 1220.0)
        self.assertEqual(
            (
                confirmation.state,
                confirmation.sent_via,
                confirmation.sent_date,
                confirmation.reply_deadline,
                confirmation.name,
            ),
            (
                "sent",
                "email",
                self.today,
                self.today + timedelta(days=14),
                f"PS/{self.year_end.year}/00001",
            ),
        )
        mail = self.env["mail.mail"].search(
            [("model", "=", confirmation._name), ("res_id", "=", confirmation.id)]
        )
        self.assertEqual(mail.email_to, '"Jan Kowalski" <jan@kowalski.example.com>')
        self.assertIn("1,220.00", mail.body_html)
        self.assertIn("in our favour", mail.body_html)
        self.assertEqual(len(LINK_RE.findall(mail.body_html)), 1)
        self.assertEqual(mail.attachment_ids.name, f"PS-{self.year_end.year}-00001.pdf")
        letter = mail.attachment_ids.raw.decode()
        self.assertIn(self.inv_paid_later.name, letter)
        self.assertNotIn(self.inv_later.name, letter)
        self.assertIn("We confirm the balance", letter)
        event = confirmation.event_ids
        self.assertEqual(
            (event.event_type, event.channel), ("balance_confirmation", "email")
        )
        delivery = confirmation.delivery_ids
        self.assertEqual((delivery.state, delivery.channel), ("queued", "email"))
        self._send_queued_mails()
        self.assertEqual(delivery.state, "sent")
        self.assertEqual(self.smtp.recipients(), ["jan@kowalski.example.com"])

    def test_a_customer_is_asked_once_per_date(self):
        self._send(self.customer)
        with self.assertRaises(UserError):
            self._send(self.customer)
        self._confirmation().action_cancel()
        self._send(self.customer)
        self.assertEqual(
            sorted(self._confirmation().mapped("state")), ["cancelled", "sent"]
        )

    def test_no_address_goes_by_post(self):
        self.contact.email = False
        self.customer.email = False
        action = self._send()
        confirmation = self._confirmation()
        self.assertEqual((confirmation.state, confirmation.sent_via), ("sent", "post"))
        self.assertEqual(
            action["params"]["next"]["report_name"],
            "debt_collection_portal.report_balance_confirmation",
        )

    def test_a_future_date_is_refused(self):
        wizard = self.env["debt.collection.balance.confirmation.wizard"].create(
            {"date": self.today + timedelta(days=1)}
        )
        with self.assertRaises(UserError):
            wizard.action_apply()
        self.assertFalse(self._confirmation())

    def test_real_letters_are_split_per_customer(self):
        self._invoice(self.other_customer, f"{self.year_end.year}-12-15", 55.0)
        confirmations, _left_out = self.env[
            "debt.collection.balance.confirmation"
        ]._create_for(self.company, self.year_end)
        self.assertEqual(len(confirmations), 2)
        attachments = confirmations.with_context(
            force_report_rendering=True
        )._create_pdf_attachments()
        for confirmation in confirmations:
            reader = PdfReader(io.BytesIO(attachments[confirmation.id].raw))
            text = "".join(page.extract_text() for page in reader.pages)
            self.assertIn(confirmation.name, text)
            self.assertNotIn((confirmations - confirmation).name, text)

    # Answers ------------------------------------------------------------------

    def _answer_page(self, confirmation, token):
        response = self.url_open(
            f"/my/payments/balance-confirmation/{confirmation.id}?"
            + urlencode({"access_token": token}),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.text

    def _answer(self, confirmation, token, files=None, **fields):
        csrf = CSRF_RE.search(self._answer_page(confirmation, token)).group(1)
        return self.url_open(
            f"/my/payments/balance-confirmation/{confirmation.id}",
            data={"csrf_token": csrf, "access_token": token, **fields},
            files=files,
            allow_redirects=False,
        )

    def _token(self, confirmation):
        return LINK_RE.search(confirmation.debt_collection_portal_url).group(1)[4:]

    def test_customer_confirms_in_the_portal(self):
        self._send()
        confirmation = self._confirmation()
        token = self._token(confirmation)
        page = self.url_open(f"/my/payments?access_token={token}").text
        self.assertIn("asks you to confirm your balance", page)
        answer_page = self._answer_page(confirmation, token)
        self.assertIn("1,220.00", answer_page)
        response = self._answer(confirmation, token, answer="confirmed")
        self.assertEqual(response.status_code, 303)
        self.assertIn("done=confirmed", response.headers["Location"])
        self.assertEqual(
            (confirmation.state, confirmation.answer_date, confirmation.answer_origin),
            ("confirmed", self.today, "portal"),
        )
        self.assertIn("Hurtownia Kowalski", confirmation.answered_by)
        event = confirmation.event_ids.filtered(lambda e: e.channel == "portal")
        self.assertIn("Balance confirmed by", str(event.note))
        # Answered once: the page says so and a second answer is refused.
        self.assertIn(
            "You confirmed this balance", self._answer_page(confirmation, token)
        )
        response = self._answer(confirmation, token, answer="disputed", reason="x")
        self.assertIn("does not wait for an answer", response.text)
        self.assertEqual(confirmation.state, "confirmed")

    def test_customer_disputes_in_the_portal(self):
        self._send()
        confirmation = self._confirmation()
        token = self._token(confirmation)
        response = self._answer(confirmation, token, answer="disputed", reason="  ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Say what differs from your books.", response.text)
        self.assertEqual(confirmation.state, "sent")
        response = self._answer(confirmation, token, answer="maybe")
        self.assertIn("Answer that you confirm the balance", response.text)
        self.assertEqual(confirmation.state, "sent")
        response = self._answer(
            confirmation,
            token,
            files=[("attachments", ("ledger.csv", b"INV;1000", "text/csv"))],
            answer="disputed",
            reason="We paid the credit note twice",
            customer_balance="1 140,00 zł",
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            (
                confirmation.state,
                confirmation.dispute_reason,
                confirmation.customer_balance,
            ),
            ("disputed", "We paid the credit note twice", "1 140,00 zł"),
        )
        self.assertEqual(confirmation.activity_ids.user_id, self.collector)
        message = confirmation.message_ids.filtered(
            lambda m: "ledger.csv" in m.attachment_ids.mapped("name")
        )
        self.assertEqual(message.attachment_ids.raw, b"INV;1000")
        self.assertIn("We paid the credit note twice", message.body)

    def test_another_customer_cannot_open_it(self):
        self._send()
        confirmation = self._confirmation()
        token = self._link(self.other_customer).token
        response = self.url_open(
            f"/my/payments/balance-confirmation/{confirmation.id}?access_token={token}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        response = self.url_open(
            f"/my/payments/document/balance_confirmation/{confirmation.id}?access_token={token}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)

    def test_user_records_the_signed_reply(self):
        self._send(channel="post")
        confirmation = self._confirmation()
        Wizard = self.env["debt.collection.balance.reply.wizard"].with_user(
            self.collector
        )
        wizard = Wizard.create(
            {
                "confirmation_id": confirmation.id,
                "answer": "confirmed",
                "answer_date": self.today + timedelta(days=1),
            }
        )
        with self.assertRaises(UserError):
            wizard.action_record()
        wizard = Wizard.create(
            {
                "confirmation_id": confirmation.id,
                "answer": "confirmed",
                "signed_by": "Anna Kowalska, chief accountant",
                "attachment": base64.b64encode(b"%PDF signed"),
                "attachment_name": "signed.pdf",
            }
        )
        wizard.action_record()
        self.assertEqual(
            (confirmation.state, confirmation.answer_origin),
            ("confirmed", "user"),
        )
        self.assertIn("Anna Kowalska", confirmation.answered_by)
        self.assertIn("Collector Anna", confirmation.answered_by)
        attachment = confirmation.message_ids.attachment_ids.filtered(
            lambda a: a.name == "signed.pdf"
        )
        self.assertEqual(attachment.raw, b"%PDF signed")
        letter_event = confirmation.event_ids.filtered(lambda e: e.channel == "letter")
        self.assertEqual(len(letter_event), 2)  # printed, then the reply

    def test_reminders_then_no_answer(self):
        self.company.debt_collection_confirmation_reminders = 1
        self.other_customer.email = False
        self._invoice(self.other_customer, f"{self.year_end.year}-12-15", 55.0)
        self._send()
        by_email, by_post = (
            self._confirmation(),
            self._confirmation(self.other_customer),
        )
        self.assertEqual((by_email.sent_via, by_post.sent_via), ("email", "post"))
        Confirmation = self.env["debt.collection.balance.confirmation"]
        Mail = self.env["mail.mail"]
        mails = Mail.search([("model", "=", Confirmation._name)])
        # Within the 14 days: nothing.
        with freeze_time(self.today + timedelta(days=14)):
            Confirmation._cron_follow_up()
        self.assertEqual((by_email.state, by_email.reminder_count), ("sent", 0))
        self.assertEqual(by_post.state, "sent")
        # Past them: a reminder by e-mail with a new date to answer by; the
        # letter posted to a customer without e-mail counts as no answer.
        with freeze_time(self.today + timedelta(days=15)):
            Confirmation._cron_follow_up()
        self.assertEqual(
            (by_email.state, by_email.reminder_count, by_email.reply_deadline),
            ("sent", 1, self.today + timedelta(days=29)),
        )
        reminder = Mail.search([("model", "=", Confirmation._name)]) - mails
        self.assertEqual(len(reminder), 1)
        self.assertIn("reminder", reminder.subject)
        self.assertIn("we have not yet received your answer", reminder.body_html)
        self.assertEqual(by_post.state, "no_answer")
        # No answer after the reminder either.
        with freeze_time(self.today + timedelta(days=30)):
            Confirmation._cron_follow_up()
        self.assertEqual((by_email.state, by_email.reminder_count), ("no_answer", 1))
        # The register: per date and state.
        groups = Confirmation._read_group(
            [("date", "=", self.year_end)], ["state"], ["__count"]
        )
        self.assertEqual(dict(groups), {"no_answer": 2})
        notes = by_email.event_ids.mapped("note")
        self.assertEqual(len(notes), 3)  # sent, reminded, no answer
        # A late answer is still welcome.
        by_post._record_answer("confirmed", "user", "Sklep Nowak")
        self.assertEqual(by_post.state, "confirmed")
