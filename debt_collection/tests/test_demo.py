"""The demo story, built in a Polish company on the Polish chart as
`make demo` builds it, tells a coherent story: every stage of collection is
present, every Debt Collection menu opens on data and the interest notes are
computed."""

from datetime import date, datetime, time

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import requires_addon


class DemoCase(AccountTestInvoicingCommon):
    """The demo built once in a Polish company (the addons' demo tests read
    their part of the story from it)."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref(
            "debt_collection.group_debt_collection_manager"
        )

    @classmethod
    @AccountTestInvoicingCommon.setup_country("pl")
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # Built in the morning, as the SMS quiet hours read the clock: in the
        # evening the walk would hold every SMS (the test then failed after
        # 20:00 in Warsaw).
        with freeze_time(datetime.combine(date.today(), time(9, 0))):
            cls.story = cls.env["debt.collection.demo"]._build_demo(cls.company)
        cls.policy = cls.company.debt_collection_policy_id

    def _events(self, **domain):
        return self.env["debt.collection.event"].search(
            [("company_id", "=", self.company.id)]
            + [(key, "=", value) for key, value in domain.items()]
        )


@tagged("post_install_l10n", "post_install", "-at_install")
class TestDemo(DemoCase):
    @requires_addon("debt_collection_demand")
    def test_a_polish_company(self):
        company = self.company
        self.assertEqual(
            (company.currency_id.name, company.country_id.code, company.chart_template),
            ("PLN", "PL", "pl"),
        )
        self.assertEqual(company.debt_collection_public_holidays, "pl")
        self.assertTrue(company.partner_id.bank_ids)
        for partner in self.story["partners"].values():
            self.assertTrue(
                partner.street and partner.city and partner.zip, partner.name
            )
            self.assertTrue(partner.bank_ids, partner.name)
            if partner.country_id.code == "PL":
                self.assertRegex(partner.vat, r"^PL\d{10}$")
        # Step names in Polish for Polish readers.
        names = self.policy.step_ids.with_context(lang="pl_PL").mapped("name")
        self.assertIn("Wezwanie do zapłaty", names)
        # The EUR rate of every month end the compensation may need.
        eur = self.env.ref("base.EUR")
        rates = self.env["res.currency.rate"].search(
            [("currency_id", "=", eur.id), ("company_id", "=", company.id)]
        )
        self.assertGreater(len(rates), 250)
        self.assertTrue(all(4.1 < r.inverse_company_rate < 4.4 for r in rates))

    def test_every_step_was_applied(self):
        for step in self.policy.step_ids:
            done = self._events(step_id=step.id, state="done")
            self.assertTrue(done, f"step {step.name} never applied")
        self.assertFalse(
            self._events(
                partner_id=self.story["partners"]["shipyard"].id, event_type="action"
            ),
            "the customer excluded from collection was never chased",
        )

    def test_the_collector_has_calls_to_make(self):
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("user_id", "=", self.story["collector"].id),
            ]
        )
        self.assertTrue(activities)

    @requires_addon("debt_collection_demand")
    def test_every_menu_opens_on_data(self):
        root = self.env.ref("debt_collection.menu_debt_collection")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        checked = []
        for menu in menus.filtered("action"):
            action = menu.action
            if action._name != "ir.actions.act_window" or action.target == "new":
                continue
            Model = self.env[action.res_model].with_company(self.company)
            domain = safe_eval(action.domain or "[]", {"uid": self.env.uid})
            self.assertTrue(Model.search_count(domain), f"menu {menu.complete_name}")
            checked.append(menu.name)
        self.assertGreaterEqual(len(checked), 8)
