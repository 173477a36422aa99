"""Signed links: every reminder and demand e-mail carries its own link to the
customer's page; links expire and can be revoked."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import LINK_RE, PortalCase


@tagged("post_install", "-at_install")
class TestLinks(PortalCase):
    def _run_today(self):
        self._run(self.today)

    def test_reminder_and_demand_emails_carry_their_own_link(self):
        self._overdue(self.customer, 10, 1234.56)
        self._overdue(self.other_customer, 45, 500.0)
        self._run_today()
        # A reminder (day 7) and a demand (day 40, approved and e-mailed).
        mails = self._mails()
        self.assertEqual(
            sorted(mails.mapped("model")),
            ["debt.collection.demand", "debt.collection.notice"],
        )
        Link = self.env["debt.collection.portal.link"].sudo()
        for mail, partner in zip(
            mails.sorted("model"), (self.other_customer, self.customer), strict=True
        ):
            paths = set(LINK_RE.findall(mail.body_html))
            self.assertEqual(len(paths), 1, mail.body_html)
            token = paths.pop().split("/")[-1]
            link, error = Link._check_token(token)
            self.assertIsNone(error)
            self.assertEqual(
                (link.partner_id, link.company_id, link.res_model, link.res_id),
                (partner, self.company, mail.model, mail.res_id),
            )
            self.assertEqual(link.expiration_date, self.today + timedelta(days=60))
        tokens = {LINK_RE.search(mail.body_html).group(1) for mail in mails}
        self.assertEqual(len(tokens), 2, "each message has its own link")

    def test_posted_demand_letter_carries_the_link(self):
        invoice = self._overdue(self.customer, 45, 500.0)
        self.customer.write(
            {"street": "ul. Długa 1", "zip": "00-001", "city": "Warszawa"}
        )
        demand = self.env["debt.collection.demand"]._create_for_items(
            self.company, "demand", invoice.line_ids.filtered("date_maturity")
        )
        demand._approve()
        action = demand.with_user(self.manager).action_print_batch()
        self.assertEqual(action["report_name"], "debt_collection_demand.report_demand")
        self.assertEqual((demand.state, demand.sent_by), ("sent", "post"))
        url = demand.debt_collection_portal_url
        self.assertIn("/dc/", url)
        letter = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "debt_collection_demand.action_report_demand", demand.ids
            )[0]
            .decode()
        )
        self.assertIn(url, letter)

    def test_no_link_when_the_company_does_not_send_them(self):
        self.company.debt_collection_portal_links = False
        self._overdue(self.customer, 10, 1234.56)
        self._run_today()
        mail = self._mails(self.customer)
        self.assertEqual(len(mail), 1)
        self.assertNotIn("/dc/", mail.body_html)
        self.assertFalse(self.env["debt.collection.portal.link"].sudo().search([]))

    def test_a_link_expires_after_the_company_validity(self):
        self.company.debt_collection_portal_link_days = 30
        self._overdue(self.customer, 10, 100.0)
        self._run_today()
        token = LINK_RE.search(self._mails(self.customer).body_html).group(1)[4:]
        Link = self.env["debt.collection.portal.link"]
        self.assertIsNone(Link._check_token(token)[1])
        last_day = self.today + timedelta(days=30)
        with freeze_time(f"{last_day} 10:00:00"):
            self.assertIsNone(Link._check_token(token)[1])
        with freeze_time(f"{last_day + timedelta(days=1)} 10:00:00"):
            link, error = Link._check_token(token)
            self.assertEqual(error, "expired")
            self.assertEqual(link.partner_id, self.customer)

    def test_unknown_and_malformed_tokens_are_refused(self):
        Link = self.env["debt.collection.portal.link"]
        real = self._link()
        for token in (None, "", "x", "a" * 200, 42, real.token + "x", real.token[:-1]):
            self.assertEqual(Link._check_token(token), (Link.sudo(), "invalid"), token)

    def test_collector_revokes_the_links_of_a_customer(self):
        first, second = self._link(), self._link(days=5)
        other = self._link(self.other_customer)
        action = self.customer.with_user(
            self.collector
        ).action_debt_collection_revoke_portal_links()
        self.assertIn("2", action["params"]["message"])
        Link = self.env["debt.collection.portal.link"]
        for link in first | second:
            self.assertEqual(Link._check_token(link.token)[1], "revoked")
            self.assertEqual(link.revoked_by_id, self.collector)
        self.assertIsNone(Link._check_token(other.token)[1])
        event = self._events(partner_id=self.customer.id, event_type="note")
        self.assertEqual(len(event), 1)
        self.assertIn("revoked (2)", str(event.note))
        self.assertEqual((event.channel, event.user_id), ("portal", self.collector))

    def test_billing_clerk_cannot_revoke_nor_read_tokens(self):
        clerk = new_test_user(
            self.env,
            login="clerk",
            groups="base.group_user,account.group_account_invoice",
            company_id=self.company.id,
        )
        link = self._link()
        with self.assertRaises(AccessError):
            link.with_user(clerk).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.customer.with_user(clerk).action_debt_collection_revoke_portal_links()
        self.assertFalse(link.revoked)
        # Collectors see the links, not their tokens (managers do).
        with self.assertRaises(AccessError):
            link.with_user(self.collector).read(["token"])
        self.assertTrue(link.with_user(self.manager).token)

    def test_settings_refuse_nonsense(self):
        for values in (
            {"debt_collection_portal_link_days": 0},
            {"debt_collection_portal_promise_days": -1},
            {"debt_collection_portal_payment_hold_days": -2},
            {"debt_collection_confirmation_reply_days": 0},
            {"debt_collection_confirmation_reminders": -1},
        ):
            with self.assertRaises(UserError), self.cr.savepoint():
                self.company.write(values)
