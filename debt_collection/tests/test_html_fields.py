"""The e-mails and activities a run creates in bulk have their HTML sanitized
once per distinct value (html_fields.sanitizing_once): it must be exactly
what Odoo stores for them otherwise, unsafe parts removed."""

from odoo.tests import tagged

from odoo.addons.debt_collection.models.html_fields import sanitizing_once
from odoo.addons.debt_collection.tests.common import DebtCollectionCase

UNSAFE = (
    '<p onclick="steal()">Prosimy o zapłatę <b>1 234,56 zł</b></p>'
    "<script>alert(1)</script>"
    '<img src="x" onerror="steal()">'
    '<p style="color: red; position: fixed">Termin płatności: 16.03.2026</p>'
)


@tagged("post_install", "-at_install")
class TestSanitizingOnce(DebtCollectionCase):
    def _messages(self, count):
        return self.env["mail.message"].create(
            [
                {
                    "model": "res.partner",
                    "res_id": self.customer.id,
                    "body": UNSAFE,
                    "message_type": "comment",
                }
            ]
            * count
        )

    def _activities(self, count):
        return self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.customer.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "user_id": self.env.user.id,
                    "note": UNSAFE,
                }
            ]
            * count
        )

    def _stored(self, records, field):
        records.invalidate_recordset([field])
        return records.mapped(field)

    def test_bulk_html_is_sanitized_as_odoo_stores_it(self):
        odoo_message = self._messages(1)
        odoo_activity = self._activities(1)
        with sanitizing_once():
            messages = self._messages(3)
            activities = self._activities(2)
            cached = messages.mapped("body") + activities.mapped("note")
        body, note = odoo_message.body, odoo_activity.note
        for text in (body, note):
            self.assertIn("Prosimy o zapłatę <b>1 234,56 zł</b>", text)
            self.assertIn("Termin płatności: 16.03.2026", text)
            for unsafe in ("<script", "alert(1)", "onclick", "onerror", "steal"):
                self.assertNotIn(unsafe, text)
        # In the cache as in the database, the same as Odoo's own.
        self.assertEqual(cached, [body] * 3 + [note] * 2)
        self.assertEqual(self._stored(messages, "body"), [body] * 3)
        self.assertEqual(self._stored(activities, "note"), [note] * 2)

    def test_each_customer_keeps_its_own_text(self):
        """Values differing by one amount are not taken for one another."""
        with sanitizing_once():
            first = self._messages(1)
            second = self.env["mail.message"].create(
                {
                    "model": "res.partner",
                    "res_id": self.customer.id,
                    "body": UNSAFE.replace("1 234,56", "99,99"),
                    "message_type": "comment",
                }
            )
        self.assertIn("1 234,56 zł", self._stored(first, "body")[0])
        self.assertIn("99,99 zł", self._stored(second, "body")[0])
        self.assertNotIn("1 234,56", self._stored(second, "body")[0])
