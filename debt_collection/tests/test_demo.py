"""The demo story, built in a Polish company on the Polish chart as
`make demo` builds it, tells a coherent story: every stage of collection is
present, every Debt Collection menu opens on data, and each installed addon's
part is there (the ageing and the dashboard, the payment demands, the desk,
the interest notes)."""

from datetime import date, datetime, time

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import requires_addon


class DemoCase(AccountTestInvoicingCommon):
    """The demo built once in a Polish company."""

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
    """The story and each addon's part of it, in one class: building the
    story takes about a minute, so it is built once for all of them."""

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

    # The addons' parts of the story ------------------------------------------

    @requires_addon("debt_collection_analysis")
    def test_ageing_shows_credits_in_their_own_column(self):
        report = self.env["debt.collection.ageing"].create(
            {"company_ids": self.company.ids}
        )
        report._compute_lines()
        credit_bucket = self.company._debt_collection_credit_bucket()
        negative = report.line_ids.filtered(lambda line: line.amount < 0)
        self.assertTrue(negative, "an open credit note is in the ageing")
        self.assertEqual(negative.bucket_id, credit_bucket)
        owed = report.line_ids - negative
        self.assertGreaterEqual(len(owed.bucket_id), 4)
        self.assertNotIn(credit_bucket, owed.bucket_id)
        # Payables: none in this story, and none negative either.
        payables = self.env["debt.collection.ageing"].create(
            {"company_ids": self.company.ids, "partner_type": "supplier"}
        )
        payables._compute_lines()
        self.assertFalse(
            payables.line_ids.filtered(
                lambda line: line.amount < 0 and line.bucket_id != credit_bucket
            )
        )

    @requires_addon("debt_collection_analysis")
    def test_every_dashboard_panel_shows_data(self):
        dashboard = (
            self.env["debt.collection.kpi"].with_company(self.company).get_dashboard()
        )
        for panel in dashboard["panels"]:
            self.assertTrue(
                self.env[panel["res_model"]].search_count(panel["domain"]),
                panel["title"],
            )

    @requires_addon("debt_collection_demand")
    def test_demands_in_every_state(self):
        demands = self.env["debt.collection.demand"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertLessEqual(
            {"draft", "to_approve", "approved", "sent", "closed", "cancelled"},
            set(demands.mapped("state")),
        )
        self.assertLessEqual({"paid", "escalated"}, set(demands.mapped("close_reason")))
        self.assertLessEqual({"email", "post"}, set(demands.mapped("sent_by")))
        self.assertIn("final_demand", demands.mapped("kind"))

    @requires_addon("debt_collection_demand")
    def test_polish_customers_get_polish_letters(self):
        demand = self.env["debt.collection.demand"].search(
            [("company_id", "=", self.company.id), ("state", "=", "sent")], limit=1
        )
        self.assertIn("Szanowni Państwo", str(demand._render_letters()[demand.id]))

    @requires_addon("debt_collection_desk")
    def test_the_collectors_desk(self):
        """A customer blocked by the policy, a promise to pay and a dispute
        taken on the phone."""
        partners = self.story["partners"]
        self.assertTrue(
            partners["steel"].with_company(self.company).debt_collection_blocked
        )
        if "sale.order" in self.env:
            self.assertTrue(
                self.env["sale.order"].search(
                    [("partner_id", "=", partners["steel"].id), ("state", "=", "draft")]
                )
            )
        held = self.story["invoices"]
        self.assertEqual(held["foods"].debt_collection_hold_reason, "promise")
        self.assertEqual(held["stone"].debt_collection_hold_reason, "dispute")
        cases = self.env["debt.collection.case"].search(
            [
                ("company_id", "=", self.company.id),
                ("partner_id", "in", (partners["foods"] | partners["stone"]).ids),
            ]
        )
        self.assertEqual(
            sorted(cases.mapped("stage")),
            ["disputed", "promise"],
            cases.mapped("stage"),
        )

    @requires_addon("debt_collection_interest")
    def test_interest_notes_computed(self):
        """The interest notes are computed, posted and paid."""
        notes = self.env["debt.collection.interest.note"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertLessEqual({"draft", "posted", "paid"}, set(notes.mapped("state")))
        for note in notes:
            self.assertGreater(note.amount_total, 0, note.display_name)
            self.assertAlmostEqual(
                note.amount_total, sum(note.line_ids.mapped("amount")), places=2
            )
            for line in note.line_ids.filtered(lambda x: x.line_type == "interest"):
                self.assertTrue(line.segment_ids)
                self.assertAlmostEqual(
                    line.amount,
                    note.currency_id.round(sum(line.segment_ids.mapped("interest"))),
                    places=2,
                )
        posted = notes.filtered(lambda n: n.state in ("posted", "paid"))
        self.assertTrue(all(n.move_id.state == "posted" for n in posted))
