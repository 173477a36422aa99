import re
import secrets
from datetime import timedelta

from odoo import Command

from odoo.addons.debt_collection.tests.common import DebtCollectionCase

LINK_RE = re.compile(r"(/dc/[A-Za-z0-9_-]+)")


class PortalCase(DebtCollectionCase):
    """The test company with a customer who has an invoice contact and a
    portal user, a second customer, and the demo payment provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.company._debt_collection_today()
        # Every day is a sending day (the calendar has its own tests); rates
        # come from the shipped tables, not from the internet.
        cls.company.write(
            {
                "debt_collection_send_sat": True,
                "debt_collection_send_sun": True,
                "debt_collection_nbp_online": False,
            }
        )
        # The shipped statutory rates end in 2025: the last ones repeated up
        # to today, as NBP would have them after a quiet year.
        cls.env["debt.collection.interest.rate"]._add_demo_rates()
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Jan Kowalski",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "email": "jan@kowalski.example.com",
                "lang": "en_US",
            }
        )
        cls.portal_user = cls.env["res.users"].create(
            {
                "name": "Jan Kowalski (portal)",
                "login": "jan_portal",
                "password": "jan_portal",
                "email": "jan.portal@kowalski.example.com",
                "parent_id": cls.customer.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Sklep Nowak",
                "is_company": True,
                "email": "biuro@nowak.example.com",
                "lang": "en_US",
            }
        )
        # The demo provider, in the test company (a copy of the shipped one).
        demo = cls.env.ref("payment.payment_provider_demo").sudo()
        cls.provider = demo.copy(
            {"company_id": cls.company.id, "state": "test", "is_published": True}
        )
        cls.provider.payment_method_ids = demo.payment_method_ids
        cls.provider.journal_id = cls.company_data["default_journal_bank"]
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )

    # Helpers ----------------------------------------------------------------

    def _overdue(self, partner, days, amount, **kwargs):
        """An invoice of ``partner`` due ``days`` ago."""
        return self._invoice(
            partner, self.today - timedelta(days=days), amount, **kwargs
        )

    @classmethod
    def _unapplied_payment(cls, partner, amount, on):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": on,
                "journal_id": cls.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    def _link(self, partner=None, company=None, days=None):
        """A signed link of ``partner`` (default: the customer)."""
        company = company or self.company
        return (
            self.env["debt.collection.portal.link"]
            .sudo()
            .create(
                {
                    "company_id": company.id,
                    "partner_id": (partner or self.customer).id,
                    "token": secrets.token_urlsafe(16),
                    "expiration_date": self.today
                    + timedelta(days=60 if days is None else days),
                    "source": "test",
                }
            )
        )

    def _events(self, **domain):
        search = [("company_id", "=", self.company.id)]
        search += [(key, "=", value) for key, value in domain.items()]
        return self.env["debt.collection.event"].search(search, order="id")

    def _case(self, partner=None):
        return self.env["debt.collection.case"].search(
            [
                ("partner_id", "=", (partner or self.customer).id),
                ("company_id", "=", self.company.id),
                ("stage", "!=", "closed"),
            ]
        )
