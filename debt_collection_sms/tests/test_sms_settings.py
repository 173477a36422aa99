"""Settings of the SMS channel: per company, checked, and the SMS step and
template configuration (constraints, the live segment counter)."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.debt_collection.tests.common import warsaw_winter

from .common import MON_2, THU_5, TOKEN, SmsapiServerMixin, SmsCollectionCase


@tagged("post_install", "-at_install")
class TestSmsMultiCompany(SmsapiServerMixin, SmsCollectionCase):
    """Two companies: A sends through SMSAPI.pl, B through Odoo SMS with its
    own window and limit; a customer shared by both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.company
        cls.company_b = cls.setup_other_company(
            name="Firma Beta S.A.",
            currency_id=cls.pln.id,
            email="beta@example.com",
            phone="+48 12 555 00 11",
        )["company"]
        # Set after the chart of accounts: a Polish country would ask for l10n_pl.
        cls.company_b.country_id = cls.poland
        cls.policy_b = cls.env["debt.collection.policy"].create(
            {"name": "Beta SMS", "company_id": cls.company_b.id}
        )
        cls.step_b = cls.env["debt.collection.step"].create(
            {
                "policy_id": cls.policy_b.id,
                "name": "Beta SMS",
                "days": 3,
                "action": "sms",
                "sms_template_id": cls.env.ref(
                    "debt_collection_sms.sms_template_overdue"
                ).id,
            }
        )
        cls.company_b.write(
            {
                "debt_collection_policy_id": cls.policy_b.id,
                "debt_collection_tz": "Europe/Warsaw",
                "debt_collection_existing": "all",
            }
        )
        cls.company_b._debt_collection_switch_on()
        cls.shared = cls._sms_customer("Wspolny Klient S.A.", mobile="605 555 555")

    def _settings(self, company, **values):
        settings = self.env["res.config.settings"].with_company(company).create(values)
        settings.execute()
        return settings

    def test_settings_are_saved_per_company(self):
        self._settings(
            self.company_b,
            debt_collection_sms_hour_from=12,
            debt_collection_sms_hour_to=14,
            debt_collection_sms_max_per_partner=5,
            debt_collection_sms_period_days=7,
        )
        self._settings(
            self.company_a,
            debt_collection_sms_gateway="smsapi",
            debt_collection_smsapi_token="tok-a",
            debt_collection_smsapi_sender="FirmaA",
            debt_collection_sms_hour_from=21,
            debt_collection_sms_hour_to=23,
        )
        self.assertRecordValues(
            self.company_a | self.company_b,
            [
                {
                    "debt_collection_sms_gateway": "smsapi",
                    "debt_collection_smsapi_sender": "FirmaA",
                    "debt_collection_sms_hour_from": 21,
                    "debt_collection_sms_hour_to": 23,
                    "debt_collection_sms_max_per_partner": 0,
                },
                {
                    "debt_collection_sms_gateway": "iap",
                    "debt_collection_smsapi_sender": False,
                    "debt_collection_sms_hour_from": 12,
                    "debt_collection_sms_hour_to": 14,
                    "debt_collection_sms_max_per_partner": 5,
                },
            ],
        )
        self.assertEqual(self.company_a.sudo().debt_collection_smsapi_token, "tok-a")
        self.assertFalse(self.company_b.sudo().debt_collection_smsapi_token)
        reopened = (
            self.env["res.config.settings"].with_company(self.company_b).create({})
        )
        self.assertEqual(
            (
                reopened.debt_collection_sms_gateway,
                reopened.debt_collection_sms_hour_from,
            ),
            ("iap", 12),
        )

    def test_each_company_sends_through_its_own_gateway_and_window(self):
        """At 10:00 A's SMS goes to SMSAPI.pl with A's name; B's waits for
        its 12-14 window and then goes through Odoo SMS with B's name."""
        self._use_smsapi(self.company_a)
        self.company_b.write(
            {"debt_collection_sms_hour_from": 12, "debt_collection_sms_hour_to": 14}
        )
        self._invoice(self.shared, MON_2, 100)
        self._invoice_b(self.shared, MON_2, 200)
        engine = self.env["debt.collection.engine"]
        with self.mockSMSGateway():
            with self._at(THU_5, 10):
                engine._run_collection_pass(companies=self.company_a | self.company_b)
            self.assertEqual(len(self.server.accepted), 1)
            self.assertTrue(
                self.server.accepted[0]["message"].startswith("Windykacja Sp. z o.o.:")
            )
            self.assertEqual(self._sms, [])
            with self._at(THU_5, 12):
                engine._run_collection_pass(companies=self.company_a | self.company_b)
        self.assertEqual(len(self.server.accepted), 1)
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+48605555555")
        self.assertIn("Firma Beta S.A.: payment reminder", self._sms[0]["body"])
        self.assertIn("amount due 200.00 PLN", self._sms[0]["body"])
        self.assertIn("Tel. +48 12 555 00 11", self._sms[0]["body"])
        events_b = self.env["debt.collection.event"].search(
            [("company_id", "=", self.company_b.id), ("channel", "=", "sms")]
        )
        self.assertRecordValues(events_b, [{"state": "done", "sms_gateway": "iap"}])

    def test_the_cost_guard_counts_per_company(self):
        """A's SMS does not use up B's limit of one SMS per customer."""
        self._use_smsapi(self.company_a)
        self.company_b.debt_collection_sms_max_per_partner = 1
        self._invoice(self.shared, MON_2, 100)
        self._invoice_b(self.shared, MON_2, 200)
        with self.mockSMSGateway():
            with self._at(THU_5, 10):
                self.env["debt.collection.engine"]._run_collection_pass(
                    companies=self.company_a | self.company_b
                )
        self.assertEqual(len(self.server.accepted), 1)
        self.assertEqual(len(self._sms), 1)

    def test_token_is_for_administrators_only(self):
        self._use_smsapi(self.company_a)
        with self.assertRaises(AccessError):
            self.company_a.with_user(self.manager).read(
                ["debt_collection_smsapi_token"]
            )
        self.assertEqual(
            self.company_a.with_user(self.manager).read(
                ["debt_collection_sms_gateway"]
            )[0]["debt_collection_sms_gateway"],
            "smsapi",
        )

    def test_endpoint_is_https_and_for_administrators_only(self):
        """The token travels to the endpoint with every SMS: it must be an
        https address, and only system administrators read or change it
        (a debt collection manager, who configures collection, does not)."""
        self._use_smsapi(self.company_a)
        for url in (
            "http://api.smsapi.pl/sms.do",
            "HTTP://api.smsapi.pl/sms.do",
            "https://",
            "api.smsapi.pl/sms.do",
            "ftp://api.smsapi.pl/sms.do",
        ):
            with self.subTest(url=url), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.company_a.debt_collection_smsapi_url = url
        manager = self.company_a.with_user(self.manager)
        with self.assertRaises(AccessError):
            manager.read(["debt_collection_smsapi_url"])
        with self.assertRaises(AccessError):
            manager.write({"debt_collection_smsapi_url": "https://evil.example.com/"})
        settings = self.env["res.config.settings"].with_user(self.manager)
        self.assertNotIn("debt_collection_smsapi_url", settings.fields_get())
        admin = self.env.ref("base.user_admin")
        self.company_a.with_user(
            admin
        ).debt_collection_smsapi_url = "https://api.smsapi.com/sms.do"
        self.assertEqual(
            self.company_a.debt_collection_smsapi_url, "https://api.smsapi.com/sms.do"
        )

    def test_collector_runs_sms_from_the_to_do_list(self):
        """A collector (no access to the token or to Odoo's SMS records)
        executes an SMS through SMSAPI.pl from the to-do list."""
        self._use_smsapi(self.company_a)
        self._invoice(self.customer, MON_2, 250)
        with self._at(THU_5, 10):
            worklist = (
                self.env["debt.collection.worklist"]
                .with_user(self.collector)
                .create({"date": THU_5})
            )
            worklist.action_show()
            worklist.line_ids.filtered(
                lambda line: line.step_id == self.step_sms
            ).action_execute()
        self.assertEqual(len(self.server.accepted), 1)
        self.assertEqual(self.server.requests[0][1], f"Bearer {TOKEN}")
        self.assertRecordValues(
            self._sms_events(), [{"state": "done", "origin": "manual"}]
        )

    def _invoice_b(self, partner, due, amount):
        return self._invoice(partner, due, amount, company=self.company_b)

    def _at(self, day, hour):
        return freeze_time(warsaw_winter(day, hour))


@tagged("post_install", "-at_install")
class TestSmsConfigurationChecks(SmsCollectionCase):
    def test_bad_settings_are_refused(self):
        bad_values = [
            {"debt_collection_sms_hour_from": 20, "debt_collection_sms_hour_to": 8},
            {"debt_collection_sms_hour_from": 8, "debt_collection_sms_hour_to": 25},
            {"debt_collection_sms_hour_from": -1},
            {"debt_collection_sms_max_per_partner": -1},
            {"debt_collection_sms_period_days": 0},
            {"debt_collection_smsapi_sender": "Windykacja Sp"},  # 13 characters
            {"debt_collection_smsapi_sender": "Firma!"},
            {"debt_collection_smsapi_url": "ftp://api.smsapi.pl/sms.do"},
            {"debt_collection_smsapi_url": "http://api.smsapi.pl/sms.do"},
            {"debt_collection_smsapi_timeout": 0},
        ]
        for values in bad_values:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self.company.write(values)
        self.assertEqual(self.company.debt_collection_sms_hour_to, 20)

    def test_the_window_moves_in_one_save(self):
        """From 8-20 to 21-23: saved together, the hours never clash."""
        settings = self.env["res.config.settings"].create(
            {"debt_collection_sms_hour_from": 21, "debt_collection_sms_hour_to": 23}
        )
        settings.execute()
        self.assertEqual(
            (
                self.company.debt_collection_sms_hour_from,
                self.company.debt_collection_sms_hour_to,
            ),
            (21, 23),
        )

    def test_sms_step_needs_an_sms_template_for_collection_messages(self):
        with self.assertRaisesRegex(ValidationError, "choose its template"):
            self.step_sms.sms_template_id = False
        partner_template = self.env["sms.template"].create(
            {
                "name": "Partner SMS",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "Hello {{ object.name }}",
            }
        )
        with self.assertRaisesRegex(ValidationError, "is made for"):
            self.step_sms.sms_template_id = partner_template

    def test_new_sms_step_gets_the_default_template(self):
        Step = self.env["debt.collection.step"]
        with Form(
            Step.with_context(default_policy_id=self.policy.id, default_sequence=25)
        ) as step:
            step.name = "SMS przed wezwaniem"
            step.days = 30
            step.action = "sms"
            self.assertEqual(
                step.sms_template_id,
                self.env.ref("debt_collection_sms.sms_template_overdue"),
            )
        self.assertEqual(step.record.channel, "sms")

    def test_pre_due_sms_step_gets_the_pre_due_template(self):
        """Before the due date the pre-due text; a template chosen by hand
        stays when the days change."""
        Step = self.env["debt.collection.step"]
        demand = self.env.ref("debt_collection_sms.sms_template_demand")
        with Form(
            Step.with_context(default_policy_id=self.policy.id, default_sequence=5)
        ) as step:
            step.name = "SMS przed terminem"
            step.days = -5
            step.action = "sms"
            self.assertEqual(
                step.sms_template_id,
                self.env.ref("debt_collection_sms.sms_template_predue"),
            )
            step.sms_template_id = demand
            step.days = -4
            self.assertEqual(step.sms_template_id, demand)

    def test_live_segment_counter_on_the_template(self):
        template = self.env.ref("debt_collection_sms.sms_template_overdue")
        self.assertEqual(template.debt_collection_encoding, "gsm7")
        with Form(template) as form:
            form.body = "Prosimy o wplate {{ object.name }}"
            self.assertEqual(form.debt_collection_encoding, "gsm7")
            # The four braces are GSM extension characters: two septets each.
            self.assertEqual(form.debt_collection_length, 38)
            self.assertEqual(form.debt_collection_segments, 1)
            self.assertEqual(form.debt_collection_remaining, 122)
            form.body = "Zapłać " * 20
            self.assertEqual(form.debt_collection_encoding, "ucs2")
            self.assertEqual(form.debt_collection_length, 140)
            self.assertEqual(form.debt_collection_segments, 3)

    def test_a_collector_cannot_change_the_sms_settings(self):
        collector = new_test_user(
            self.env,
            login="sms_collector",
            groups="base.group_user,debt_collection.group_debt_collection_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.company.with_user(collector).write(
                {"debt_collection_sms_max_per_partner": 100}
            )
        self.assertEqual(self.company.debt_collection_sms_max_per_partner, 0)
