"""Who sees what on "My payments": a link shows its customer in its company,
a portal user the commercial partner of its contact in its companies;
nobody sees another customer or another company, expired or revoked links
open nothing."""

from datetime import timedelta
from urllib.parse import urlencode

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import PortalCase


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice = cls._invoice(
            cls.customer, cls.today - timedelta(days=12), 1234.56
        )
        cls.not_due = cls._invoice(cls.customer, cls.today + timedelta(days=10), 300.0)
        cls.other_invoice = cls._invoice(
            cls.other_customer, cls.today - timedelta(days=12), 777.77
        )
        # The same customer buys from a second company too.
        cls.company_b = cls.setup_other_company(
            name="Firma Beta S.A.", currency_id=cls.pln.id
        )["company"]
        cls.invoice_b = cls._invoice(
            cls.customer, cls.today - timedelta(days=5), 999.99, company=cls.company_b
        )

    def _get(self, url, **params):
        if params:
            url = f"{url}?{urlencode(params)}"
        return self.url_open(url, allow_redirects=False)

    def _assertListed(self, page, move, listed=True):
        """Whether ``move`` is a row of the page (numbers repeat between
        companies: look for its id)."""
        row = f'name="move_ids" class="form-check-input o_dc_select" value="{move.id}"'
        (self.assertIn if listed else self.assertNotIn)(row, page)

    def _page(self, token=None):
        response = self._get(
            "/my/payments", **({"access_token": token} if token else {})
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.text

    def test_link_opens_the_page_of_its_customer_without_login(self):
        link = self._link()
        page = self._page(link.token)
        self.assertIn("My payments", page)
        self._assertListed(page, self.invoice)
        self.assertIn("1,234.56", page)
        self._assertListed(page, self.not_due)
        # 12 days late; the one not due yet is not late.
        self.assertRegex(page, r'o_dc_days_late">\s*12\s*<')
        self._assertListed(page, self.other_invoice, False)
        self.assertNotIn("777.77", page)
        # Same customer, other company: not through this company's link.
        self._assertListed(page, self.invoice_b, False)
        self.assertNotIn("999.99", page)
        self.assertEqual(link.use_count, 1)
        self.assertTrue(link.last_used)

    def test_short_link_redirects_to_the_page(self):
        link = self._link()
        response = self._get(f"/dc/{link.token}")
        self.assertEqual(response.status_code, 303)
        self.assertIn(
            f"/my/payments?access_token={link.token}", response.headers["Location"]
        )

    def test_expired_revoked_and_forged_links_are_refused(self):
        expired = self._link(days=-1)
        revoked = self._link()
        revoked.action_revoke()
        for token, title in (
            (expired.token, "This link has expired"),
            (revoked.token, "This link was withdrawn"),
            ("f" * 22, "This link is not valid"),
        ):
            response = self._get("/my/payments", access_token=token)
            self.assertEqual(response.status_code, 403, token)
            self.assertIn(title, response.text)
            self._assertListed(response.text, self.invoice, False)
            self.assertNotIn("1,234.56", response.text)
        # Nor do they open documents, statements or payments.
        for url in (
            f"/my/payments/statement/{self.company.id}",
            "/my/payments/pay",
            "/my/payments/promise",
        ):
            response = self._get(
                url, access_token=expired.token, company_id=self.company.id
            )
            self.assertEqual(response.status_code, 403, url)
        self.assertEqual(expired.use_count, 0)

    def test_without_link_nor_login_the_page_asks_to_log_in(self):
        response = self._get("/my/payments")
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_portal_user_sees_own_customer_in_own_company_only(self):
        self.authenticate("jan_portal", "jan_portal")
        page = self._page()
        self._assertListed(page, self.invoice)
        self.assertIn("1,234.56", page)
        self._assertListed(page, self.other_invoice, False)
        # The portal user belongs to the first company only.
        self._assertListed(page, self.invoice_b, False)
        self.assertNotIn("999.99", page)
        # Given the second company too, it sees both, each on its own.
        self.portal_user.company_ids = [Command.link(self.company_b.id)]
        page = self._page()
        self._assertListed(page, self.invoice)
        self._assertListed(page, self.invoice_b)
        self.assertIn("Firma Beta S.A.", page)

    def test_portal_user_cannot_reach_another_customers_documents(self):
        self.authenticate("jan_portal", "jan_portal")
        demand = self.env["debt.collection.demand"]._create_for_items(
            self.company,
            "demand",
            self.other_invoice.line_ids.filtered("date_maturity"),
        )
        demand._approve()
        demand._send_email()
        for url, params in (
            (
                "/my/payments/promise",
                {"company_id": self.company.id, "move_ids": self.other_invoice.id},
            ),
            (
                "/my/payments/dispute",
                {"company_id": self.company.id, "move_ids": self.other_invoice.id},
            ),
            (
                "/my/payments/pay",
                {"company_id": self.company.id, "move_ids": self.other_invoice.id},
            ),
            (f"/my/payments/document/demand/{demand.id}", {}),
            (f"/my/payments/statement/{self.company_b.id}", {}),
            (
                "/my/payments/promise",
                {"company_id": self.company_b.id, "move_ids": self.invoice_b.id},
            ),
        ):
            response = self._get(url, **params)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn(self.other_invoice.name, response.text)
        # A mix of its own and another customer's document is refused whole.
        response = self.url_open(
            f"/my/payments/promise?company_id={self.company.id}"
            f"&move_ids={self.invoice.id}&move_ids={self.other_invoice.id}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)

    def test_link_of_another_customer_does_not_widen_a_portal_user(self):
        """A portal user who opens another customer's link sees that customer
        only (the link is the key), never both."""
        self.authenticate("jan_portal", "jan_portal")
        page = self._page(self._link(self.other_customer).token)
        self._assertListed(page, self.other_invoice)
        self._assertListed(page, self.invoice, False)

    def test_page_speaks_the_customers_language(self):
        self._activate_polish(("debt_collection", "debt_collection_portal"))
        self.customer.lang = "pl_PL"
        page = self._page(self._link().token)
        self.assertIn("Moje płatności", page)
        self.assertIn("Przeterminowane", page)
        self.assertNotIn("My payments", page)

    def test_statement_pdf_of_the_customer(self):
        response = self._get(
            f"/my/payments/statement/{self.company.id}", access_token=self._link().token
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # Tests render reports as HTML: the content is there.
        self.assertIn(self.invoice.name, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)

    def test_letters_are_listed_with_their_pdfs(self):
        Demand = self.env["debt.collection.demand"]
        receivable = self.invoice.line_ids.filtered("date_maturity")
        sent = Demand._create_for_items(self.company, "demand", receivable)
        sent._approve()
        sent._send_email()
        draft = Demand._create_for_items(self.company, "demand", receivable)
        self.customer.debt_collection_b2b = False  # no compensation: no EUR rate needed
        interest_account = self.env["account.account"].create(
            {"code": "751000", "name": "Odsetki", "account_type": "income_other"}
        )
        self.company.write(
            {
                "debt_collection_interest_min_total": 0,
                "debt_collection_interest_account_id": interest_account.id,
            }
        )
        notes, _skipped, problems = self.env["debt.collection.interest.note"]._propose(
            self.company, self.today, partners=self.customer, invoices=self.invoice
        )
        self.assertFalse(problems)
        self.assertEqual(len(notes), 1)
        notes.action_confirm()
        notes.action_post()
        token = self._link().token
        page = self._page(token)
        self.assertIn(sent.display_name, page)
        self.assertIn(f"Interest note {notes.name}", page)
        self.assertNotIn(f"/my/payments/document/demand/{draft.id}", page)
        for kind, record in (("demand", sent), ("interest_note", notes)):
            response = self._get(
                f"/my/payments/document/{kind}/{record.id}", access_token=token
            )
            self.assertEqual(response.status_code, 200, kind)
            self.assertEqual(response.headers["Content-Type"], "application/pdf")
            self.assertIn(record.name, response.text)
        # A demand not sent to the customer is not theirs to read.
        response = self._get(
            f"/my/payments/document/demand/{draft.id}", access_token=token
        )
        self.assertEqual(response.status_code, 404)
        response = self._get(
            f"/my/payments/document/invoice/{self.invoice.id}", access_token=token
        )
        self.assertEqual(response.status_code, 404)

    def test_portal_home_counts_the_open_documents(self):
        self.authenticate("jan_portal", "jan_portal")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["debt_collection_open_count"]}
        )
        self.assertEqual(counters["debt_collection_open_count"], 2)
        home = self.url_open("/my/home").text
        self.assertIn('href="/my/payments"', home)
