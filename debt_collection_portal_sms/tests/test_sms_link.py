"""The customer's link in collection SMS (a company setting: it makes the
SMS longer)."""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.debt_collection_portal.tests.common import LINK_RE
from odoo.addons.debt_collection_sms.tests.common import MON_2, THU_5, SmsCollectionCase


@tagged("post_install", "-at_install")
class TestSmsLink(SmsCollectionCase):
    def _send_sms(self):
        invoice = self._invoice(self.customer, MON_2, 1234.5)
        with self.mockSMSGateway():
            self._run(THU_5)
        self.assertEqual(len(self._sms), 1)
        return invoice, self._sms[0]["body"]

    def test_no_link_unless_the_company_wants_it(self):
        _invoice, body = self._send_sms()
        self.assertNotIn("/dc/", body)

    def test_sms_ends_with_the_customers_link(self):
        self.company.debt_collection_portal_sms_link = True
        invoice, body = self._send_sms()
        self.assertIn(invoice.name, body)
        path = LINK_RE.search(body).group(1)
        self.assertRegex(body, rf" Pay or reply: https?://[^ ]+{path}$")
        event = self.env["debt.collection.event"].search([("channel", "=", "sms")])
        with freeze_time(f"{THU_5} 12:00:00"):
            link, error = self.env["debt.collection.portal.link"]._check_token(path[4:])
        self.assertIsNone(error)
        self.assertEqual(
            (link.partner_id, link.res_model, link.res_id),
            (self.customer, "debt.collection.notice", event.notice_id.id),
        )
        self.assertEqual(event.sms_body, body)

    def test_polish_sms_link_without_diacritics(self):
        self._activate_polish(
            ("debt_collection", "debt_collection_sms", "debt_collection_portal_sms")
        )
        self.customer.lang = "pl_PL"
        self.company.debt_collection_portal_sms_link = True
        _invoice, body = self._send_sms()
        self.assertIn(" Zaplac lub odpowiedz: ", body)

    def test_a_template_that_places_the_link_keeps_it_once(self):
        self.company.debt_collection_portal_sms_link = True
        self.step_sms.sms_template_id.body = (
            "{{ object.company_id.name }}: please pay. "
            "{{ object.debt_collection_portal_url }}"
        )
        _invoice, body = self._send_sms()
        self.assertEqual(len(LINK_RE.findall(body)), 1)
        self.assertNotIn("Pay or reply", body)
