"""Rates from NBP, against a local HTTP server standing in for NBP
(tests/nbp_server.py): the import of the reference rate's history into the
statutory tables, the horizons, the daily cron, the banner, the EUR rate of the
compensation day, and every way NBP can fail.

The server's file (tests/data/nbp_stopy_procentowe_archiwum.xml) adds to the
shipped table the reference rate 4.00 from 2025-12-04 and 3.75 from
2026-03-05: civil 9.50 and 9.25 from those days, commercial 14.00 from
2026-01-01 (4.00 on 1 January + 10). Its EUR table of Tuesday 31 March 2026
(the compensation day of invoices due in April) is 063/A/NBP/2026, 4.2512.
"""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.debt_collection.tests.common import DebtCollectionCase

from .nbp_server import NbpServer, closed_port_url
from .test_interest_notes import InterestNoteCase

MARCH_31 = date(2026, 3, 31)


@tagged("post_install", "-at_install")
class TestNbpRates(InterestNoteCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A fresh database: the shipped table, no rate typed in, nothing
        # confirmed; the company fetches its rates from the local NBP.
        Rate = cls.env["debt.collection.interest.rate"]
        cls.rate_2026.unlink()
        Rate.search([]).confirmed_until = False
        cls.server = NbpServer().start()
        cls.addClassCleanup(cls.server.stop)
        cls._go_online(cls.company)

    @classmethod
    def _go_online(cls, company):
        company.write(
            {
                "debt_collection_nbp_online": True,
                "debt_collection_nbp_rates_url": cls.server.rates_url,
                "debt_collection_nbp_api_url": cls.server.api_url,
            }
        )

    def setUp(self):
        super().setUp()
        self.server.reset()
        self.server.tables[("EUR", MARCH_31)] = ("063/A/NBP/2026", 4.2512)

    def _derived(self):
        return self.env["debt.collection.interest.rate"].search(
            [("source", "=", "nbp")], order="rate_type, date_from"
        )

    def _update(self, day="2026-04-20", user=None):
        with freeze_time(f"{day} 06:00:00"):
            Rate = self.env["debt.collection.interest.rate"]
            return Rate.with_user(user or self.manager).action_update_from_nbp()

    def _known(self):
        return self.env["debt.collection.interest.rate"]._get_tables()[1]

    def _eur_rates(self):
        return self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", ">=", "2026-03-01")]
        )

    # 1. Import -------------------------------------------------------------------

    def test_import_adds_what_nbp_decided_after_the_shipped_table(self):
        self.assertEqual(
            self._known(),
            {
                "statutory_commercial": date(2025, 12, 31),
                "statutory_civil": date(2025, 11, 6),
            },
        )
        action = self._update("2026-04-20")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(
            "3 new, 0 changed and 0 removed periods", action["params"]["message"]
        )
        self.assertEqual(
            self.server.requests, ["/dane/stopy/stopy_procentowe_archiwum.xml"]
        )
        # Every period derived up to 6 November 2025 is one the shipped table
        # already has: none is added beside it.
        self.assertRecordValues(
            self._derived(),
            [
                {
                    "rate_type": "statutory_civil",
                    "date_from": date(2025, 12, 4),
                    "rate": 9.50,
                    "import_date": date(2026, 4, 20),
                    "note": "NBP reference rate 4.00 % + 5.5 points (art. 481 § 2 KC)",
                },
                {
                    "rate_type": "statutory_civil",
                    "date_from": date(2026, 3, 5),
                    "rate": 9.25,
                    "import_date": date(2026, 4, 20),
                    "note": "NBP reference rate 3.75 % + 5.5 points (art. 481 § 2 KC)",
                },
                {
                    "rate_type": "statutory_commercial",
                    "date_from": date(2026, 1, 1),
                    "rate": 14.00,
                    "import_date": date(2026, 4, 20),
                    "note": "NBP reference rate of 2026-01-01: 4.00 % + 10 points "
                    "(act of 8 March 2013)",
                },
            ],
        )
        # Civil rates are known up to the import, commercial ones to the end
        # of the half-year that has begun.
        self.assertEqual(
            self._known(),
            {
                "statutory_commercial": date(2026, 6, 30),
                "statutory_civil": date(2026, 4, 20),
            },
        )

    def test_import_again_changes_nothing_but_the_horizon(self):
        self._update("2026-04-20")
        derived = self._derived()
        action = self._update("2026-07-02")
        self.assertIn("1 new, 0 changed and 0 removed", action["params"]["message"])
        # The second half of 2026: 3.75 on 1 July + 10.
        self.assertEqual(
            (self._derived() - derived).mapped(lambda r: (r.date_from, r.rate)),
            [(date(2026, 7, 1), 13.75)],
        )
        self.assertEqual(
            self._known(),
            {
                "statutory_commercial": date(2026, 12, 31),
                "statutory_civil": date(2026, 7, 2),
            },
        )
        action = self._update("2026-07-03")
        self.assertIn("0 new, 0 changed and 0 removed", action["params"]["message"])
        self.assertEqual(len(self._derived()), 4)

    def test_a_correction_by_nbp_changes_the_derived_periods(self):
        self._update("2026-04-20")
        self.server.rates_file = self.server.rates_file.replace(
            b'obowiazuje_od="2026-03-05">\n        <pozycja id="ref" '
            b'oprocentowanie="3,75"',
            b'obowiazuje_od="2026-03-05">\n        <pozycja id="ref" '
            b'oprocentowanie="3,50"',
        ).replace(b'obowiazuje_od="2025-12-04"', b'obowiazuje_od="2025-12-03"')
        action = self._update("2026-04-21")
        # 3 December added, 4 December removed, 5 March changed to 9.00.
        self.assertIn("1 new, 1 changed and 1 removed", action["params"]["message"])
        self.assertEqual(
            self._derived()
            .filtered(lambda r: r.rate_type == "statutory_civil")
            .mapped(lambda r: (r.date_from, r.rate)),
            [(date(2025, 12, 3), 9.50), (date(2026, 3, 5), 9.00)],
        )

    def test_a_period_entered_by_hand_wins_on_the_same_day(self):
        Rate = self.env["debt.collection.interest.rate"].with_user(self.manager)
        Rate.create(
            {
                "rate_type": "statutory_commercial",
                "date_from": "2026-01-01",
                "rate": 14.50,
                "note": "Monitor Polski",
            }
        )
        # The same as NBP says: no derived twin.
        Rate.create(
            {"rate_type": "statutory_civil", "date_from": "2025-12-04", "rate": 9.50}
        )
        self._update("2026-04-20")
        self.assertEqual(
            self._derived().mapped(lambda r: (r.rate_type, r.date_from, r.rate)),
            [
                ("statutory_civil", date(2026, 3, 5), 9.25),
                ("statutory_commercial", date(2026, 1, 1), 14.00),
            ],
        )
        # 10,000 due 2 March, 3-31 March = 29 d x 14.50 % = 115.2054... = 115.21
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        self.assertRecordValues(note.line_ids, [{"rates": "14.50", "amount": 115.21}])

    def test_derived_periods_are_not_changed_by_hand(self):
        self._update("2026-04-20")
        derived = self._derived()[:1].with_user(self.manager)
        with self._refused(UserError, "A rate derived from NBP is not changed by hand"):
            derived.write({"rate": 9.0})
        self.assertEqual(derived.rate, 9.50)
        derived.write({"note": "checked on nbp.pl"})
        self.assertEqual(derived.note, "checked on nbp.pl")

    # 2. Failures: a clear message, nothing written ------------------------------

    def _assert_nothing_imported(self):
        self.assertFalse(self._derived())
        self.assertEqual(self._known()["statutory_civil"], date(2025, 11, 6))

    def test_unreachable_nbp(self):
        url = closed_port_url("/dane/stopy/stopy_procentowe_archiwum.xml")
        self.company.debt_collection_nbp_rates_url = url
        with self._refused(
            UserError,
            f"NBP could not be read at {url}: no connection \\(is this server online\\?\\)",
        ):
            self._update()
        self._assert_nothing_imported()

    def test_malformed_answers(self):
        cases = [
            (
                (200, b"<html><body>Przerwa techniczna"),
                "is not NBP's interest rate file \\(not XML",
            ),
            ((200, b"<stopy_procentowe/>"), "\\(no reference rate in it\\)"),
            ((500, b"Internal Server Error"), "HTTP error 500"),
            ((404, b"Not Found"), "HTTP error 404"),
        ]
        for answer, message in cases:
            with self.subTest(answer=answer):
                self.server.answer = answer
                with self._refused(UserError, message):
                    self._update()
                self._assert_nothing_imported()

    def test_a_failure_halfway_writes_nothing(self):
        """The first new decisions are fine, the last is absurd: the import
        stops on it and the periods before it are not kept either."""
        self.server.rates_file = self.server.rates_file.replace(
            b"</stopy_procentowe_archiwum>",
            b'<pozycje obowiazuje_od="2026-04-01"><pozycja id="ref" '
            b'oprocentowanie="99,00"/></pozycje></stopy_procentowe_archiwum>',
        )
        with self._refused(
            UserError,
            "The rates derived from http://127.0.0.1:\\d+/dane/stopy/"
            "stopy_procentowe_archiwum.xml are refused: An annual interest rate "
            "must be between 0 and 100 %, not 104.5 %.",
        ):
            self._update()
        self._assert_nothing_imported()
        self.assertFalse(
            self.env["ir.config_parameter"].get_param(
                "debt_collection.nbp_rates_imported_on"
            )
        )

    def test_only_managers_update(self):
        with self._refused(UserError, "Only Debt Collection Managers"):
            self._update(user=self.collector)
        self.assertFalse(self.server.requests)

    def test_bad_addresses_refused(self):
        for field in ("debt_collection_nbp_rates_url", "debt_collection_nbp_api_url"):
            with (
                self.subTest(field=field),
                self._refused(ValidationError, "starts with https://"),
            ):
                self.company.write({field: "static.nbp.pl/dane/stopy"})
        self.company.debt_collection_nbp_rates_url = False
        with self._refused(UserError, "No address of NBP's interest rate file"):
            self._update()

    # 3. The daily cron and the banner ------------------------------------------------

    def test_cron_updates_the_companies_online_and_keeps_failures(self):
        offline, failing = self.env["res.company"].create(
            [
                {
                    "name": "Bez Internetu Sp. z o.o.",
                    "currency_id": self.pln.id,
                    "debt_collection_nbp_online": False,
                },
                {
                    "name": "Zapora Sieciowa S.A.",
                    "currency_id": self.pln.id,
                    "debt_collection_nbp_rates_url": closed_port_url("/stopy.xml"),
                },
            ]
        )
        self.collector.company_ids |= failing
        status = self.env["debt.collection.interest.rate"].with_company(failing)
        cron = self.env.ref(
            "debt_collection_interest.ir_cron_debt_collection_nbp_rates"
        )
        self.assertTrue(cron.active)
        with freeze_time("2026-04-20 05:30:00"):
            cron.method_direct_trigger()
            self.assertEqual(len(self._derived()), 3)
            # One download for every company on the same address.
            self.assertEqual(len(self.server.requests), 1)
            self.assertFalse(self.company.debt_collection_nbp_error)
            self.assertIn("no connection", failing.debt_collection_nbp_error)
            self.assertFalse(offline.debt_collection_nbp_error)
            # The tables are up to date, for every company.
            self.assertEqual(status.get_rate_status(), {"outdated": False})
        with freeze_time("2026-07-02 05:30:00"):
            info = status.with_user(self.collector).get_rate_status()
        self.assertEqual(
            info["lines"],
            [
                "Statutory interest for delay in commercial transactions: known up "
                "to 2026-06-30.",
                "Statutory interest for delay (art. 481 of the Civil Code): known up "
                "to 2026-04-20.",
            ],
        )
        self.assertIn(
            "The last update from NBP failed: NBP could not be read", info["error"]
        )
        self.assertFalse(info["can_update"])

    def test_banner_before_the_first_update(self):
        Rate = self.env["debt.collection.interest.rate"]
        with freeze_time("2026-04-20 10:00:00"):
            info = Rate.with_user(self.manager).get_rate_status()
        self.assertEqual(
            info,
            {
                "outdated": True,
                "title": "The statutory interest rate tables are out of date.",
                "lines": [
                    "Statutory interest for delay in commercial transactions: known "
                    "up to 2025-12-31.",
                    "Statutory interest for delay (art. 481 of the Civil Code): "
                    "known up to 2025-11-06.",
                ],
                "error": False,
                "hint": "Update them from NBP, or (without internet) add the new rate "
                "periods by hand in Debt Collection > Configuration > Interest "
                "Rates, or confirm there until when the last rate is in force.",
                "can_update": True,
            },
        )

    def test_confirmed_until_keeps_an_offline_company_going(self):
        """Without internet the accountant checks nbp.pl and confirms the
        last civil rate is still in force on 31 March 2026."""
        self.company.debt_collection_nbp_online = False
        self.person.debt_collection_interest_kind = "statutory_civil"
        invoice = self._invoice(self.person, "2026-03-02", 10000.00)
        with self._refused(
            UserError,
            "No Statutory interest for delay \\(art. 481 of the Civil Code\\) is "
            "known from 2025-11-07. This company does not fetch rates from NBP.",
        ):
            self._propose("2026-03-31", move_ids=invoice)
        last = self.env["debt.collection.interest.rate"].search(
            [("rate_type", "=", "statutory_civil")], order="date_from desc", limit=1
        )
        last = last.with_user(self.manager)
        with freeze_time("2026-03-31 08:00:00"):
            with self._refused(ValidationError, "confirmed up to today"):
                last.confirmed_until = "2026-04-01"
            with self._refused(ValidationError, "before it starts"):
                last.confirmed_until = "2025-11-05"
            last.confirmed_until = "2026-03-31"
        # 3-31 March = 29 d x 9.75 % = 77.4657... = 77.47
        note = self._propose("2026-03-31", move_ids=invoice)
        self.assertRecordValues(note.line_ids, [{"rates": "9.75", "amount": 77.47}])
        self.assertFalse(self.server.requests)

    # 4. A note on today's date, without any rate typed in ------------------------------

    def test_a_note_today_fetches_what_it_needs(self):
        """Due Wednesday 1 April 2026, charged on 20 April: the tables end in
        2025, the EUR rate of 31 March is missing; both come from NBP.
        Interest 2-20 April = 19 d x 14.00 % on 10,000 = 72.8767... = 72.88;
        compensation 70 EUR (5,000 < 10,000 < 50,000) x 4.2512 = 297.584
        = 297.58."""
        invoice = self._invoice(self.customer, "2026-04-01", 10000.00)
        note = self._propose("2026-04-20", user=self.collector, move_ids=invoice)
        self.assertRecordValues(
            note,
            [{"amount_interest": 72.88, "amount_compensation": 297.58}],
        )
        self.assertRecordValues(
            self._line(note, "compensation"),
            [{"eur_rate_date": MARCH_31, "eur_rate": 4.2512, "amount": 297.58}],
        )
        self.assertEqual(
            self.server.requests,
            [
                "/dane/stopy/stopy_procentowe_archiwum.xml",
                "/api/exchangerates/rates/a/eur/2026-03-31/?format=json",
            ],
        )
        self.assertRecordValues(
            self._eur_rates(),
            [
                {
                    "name": MARCH_31,
                    "company_id": self.company.id,
                    "inverse_company_rate": 4.2512,
                    "debt_collection_source": "NBP table 063/A/NBP/2026 of "
                    "2026-03-31, mid rate",
                }
            ],
        )
        # The next note uses the rate kept: NBP is not asked again.
        self.server.requests.clear()
        other = self._invoice(self.customer, "2026-04-02", 20000.00)
        self._propose("2026-04-20", move_ids=other)
        self.assertFalse(self.server.requests)
        self.assertEqual(len(self._eur_rates()), 1)

    def test_without_nbp_one_message_names_what_is_missing(self):
        self.company.write(
            {
                "debt_collection_nbp_rates_url": closed_port_url("/stopy.xml"),
                "debt_collection_nbp_api_url": closed_port_url("/api"),
            }
        )
        invoice = self._invoice(self.customer, "2026-04-01", 10000.00)
        with self._refused(
            UserError,
            "^No interest to charge on 2026-04-20. Hurtownia Kowalski Sp. z o.o.: "
            "No Statutory interest for delay in commercial transactions is known "
            "from 2026-01-01. The update from NBP failed: NBP could not be read at "
            "http://127.0.0.1:\\d+/stopy.xml: no connection \\(is this server "
            "online\\?\\). Update the rates from NBP, add the rate valid from that "
            "date by hand, or confirm until when the last rate is in force, in Debt "
            "Collection > Configuration > Interest Rates \\(see the README for "
            "where rates are announced\\).$",
        ):
            self._propose("2026-04-20", move_ids=invoice)
        self.assertFalse(self._notes())
        self.assertFalse(self._eur_rates())
        self._assert_nothing_imported()

    def test_a_rate_change_in_the_middle_of_a_notes_period(self):
        """Civil interest on 10,000 due 15 February 2026, charged on 31 March:
        16 February - 4 March = 17 d x 9.50 % = 44.2465...; 5-31 March = 27 d x
        9.25 % = 68.4246...; 112.6712... = 112.67 (a person: no compensation)."""
        self.person.debt_collection_interest_kind = "statutory_civil"
        invoice = self._invoice(self.person, "2026-02-15", 10000.00)
        note = self._propose("2026-03-31", move_ids=invoice)
        line = self._line(note, "interest")
        self.assertRecordValues(line, [{"rates": "9.50 / 9.25", "amount": 112.67}])
        self.assertRecordValues(
            line.segment_ids,
            [
                {
                    "date_from": date(2026, 2, 16),
                    "date_to": date(2026, 3, 4),
                    "days": 17,
                    "rate": 9.50,
                },
                {
                    "date_from": date(2026, 3, 5),
                    "date_to": date(2026, 3, 31),
                    "days": 27,
                    "rate": 9.25,
                },
            ],
        )

    # 5. The EUR rate of the compensation day ---------------------------------------

    def _compensation_refused(self, message):
        """The tables are up to date; only the EUR rate of 31 March fails."""
        self._update("2026-04-20")
        self.server.requests.clear()
        invoice = self._invoice(self.customer, "2026-04-01", 10000.00)
        with self._refused(UserError, message):
            self._propose("2026-04-20", move_ids=invoice)
        self.assertFalse(self._notes())
        self.assertFalse(self._eur_rates())

    def test_a_day_without_a_table_takes_the_previous_one(self):
        """No table on 31 March (say, a holiday the company's calendar lacks):
        the table of Monday 30 March counts and is kept under its own day."""
        del self.server.tables[("EUR", MARCH_31)]
        self.server.tables[("EUR", date(2026, 3, 30))] = ("062/A/NBP/2026", 4.2480)
        self.server.tables[("EUR", date(2026, 3, 2))] = ("042/A/NBP/2026", 4.3000)
        invoice = self._invoice(self.customer, "2026-04-01", 10000.00)
        note = self._propose("2026-04-20", move_ids=invoice)
        # 70 x 4.2480 = 297.36
        self.assertRecordValues(
            self._line(note, "compensation"), [{"eur_rate": 4.248, "amount": 297.36}]
        )
        self.assertEqual(
            self.server.exchange_requests(),
            [
                "/api/exchangerates/rates/a/eur/2026-03-31/?format=json",
                "/api/exchangerates/rates/a/eur/2026-03-17/2026-03-30/?format=json",
            ],
        )
        self.assertRecordValues(
            self._eur_rates(),
            [
                {
                    "name": date(2026, 3, 30),
                    "inverse_company_rate": 4.248,
                    "debt_collection_source": "NBP table 062/A/NBP/2026 of "
                    "2026-03-30, mid rate",
                }
            ],
        )
        # Another note of the same day finds that table again, and keeps no
        # second rate for it.
        other = self._invoice(self.customer, "2026-04-02", 3000.00)
        self._propose("2026-04-20", move_ids=other)
        self.assertEqual(len(self._eur_rates()), 1)

    def test_eur_rate_unreachable(self):
        self.company.debt_collection_nbp_api_url = closed_port_url("/api")
        self._compensation_refused(
            "The EUR rate of 2026-03-31 is missing and could not be fetched: NBP "
            "could not be read at http://127.0.0.1:\\d+/api/exchangerates/rates/a/"
            "eur/2026-03-31/\\?format=json: no connection"
        )

    def test_eur_rate_malformed(self):
        self.server.tables[("EUR", MARCH_31)] = ("063/A/NBP/2026", "4,2512")
        self._compensation_refused(
            "The EUR rate of 2026-03-31 is missing and could not be fetched: NBP's "
            "answer at .* is not a rate table \\(the mid rate of 2026-03-31 is "
            "'4,2512'\\)"
        )

    def test_eur_rate_not_published(self):
        self.server.tables.clear()
        self._compensation_refused(
            "NBP has no EUR rate in table A for 2026-03-31 or the 14 days before."
        )

    def test_eur_rate_of_an_offline_company(self):
        self._update("2026-04-20")
        self.company.debt_collection_nbp_online = False
        self.server.requests.clear()
        invoice = self._invoice(self.customer, "2026-04-01", 10000.00)
        with self._refused(
            UserError,
            "The EUR rate of 2026-03-31 is missing and could not be fetched: this "
            "company does not fetch rates from NBP",
        ):
            self._propose("2026-04-20", move_ids=invoice)
        self.assertFalse(self.server.requests)

    def test_the_companys_own_rate_is_not_fetched(self):
        self._update("2026-04-20")
        self.server.requests.clear()
        self._eur_rate(self.company, "2026-03-31")  # 4.25, typed in
        invoice = self._invoice(self.customer, "2026-04-01", 10000.00)
        note = self._propose("2026-04-20", move_ids=invoice)
        self.assertEqual(self._line(note, "compensation").eur_rate, 4.25)
        self.assertFalse(self.server.requests)

    def test_settings(self):
        """The settings show and change the company's NBP switches."""
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.debt_collection_nbp_online)
        self.assertEqual(settings.debt_collection_nbp_rates_url, self.server.rates_url)
        settings.write(
            {
                "debt_collection_nbp_online": False,
                "debt_collection_nbp_api_url": "https://api.nbp.pl/api",
            }
        )
        settings.execute()
        self.assertFalse(self.company.debt_collection_nbp_online)
        self.assertEqual(
            self.company.debt_collection_nbp_api_url, "https://api.nbp.pl/api"
        )
        # The button updates the rates too (and needs no internet setting).
        with freeze_time("2026-04-20 06:00:00"):
            action = settings.action_debt_collection_update_rates()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self._derived()), 3)


@tagged("post_install", "-at_install")
class TestRatesTour(DebtCollectionCase, HttpCase):
    """The banner and its button in headless Chromium, on today's date."""

    def test_manager_updates_the_rates_from_the_banner(self):
        Rate = self.env["debt.collection.interest.rate"]
        Rate.search([("date_from", ">", "2025-11-06")]).unlink()  # demo rows
        server = NbpServer().start()
        self.addCleanup(server.stop)
        self.company.write(
            {
                "debt_collection_nbp_rates_url": server.rates_url,
                "debt_collection_nbp_api_url": server.api_url,
            }
        )
        self.start_tour("/odoo", "debt_collection_rates_tour", login="dc_manager")
        self.assertEqual(server.requests, ["/dane/stopy/stopy_procentowe_archiwum.xml"])
        civil = Rate.search(
            [("source", "=", "nbp"), ("rate_type", "=", "statutory_civil")]
        )
        self.assertEqual(
            civil.mapped("date_from"), [date(2026, 3, 5), date(2025, 12, 4)]
        )
        self.assertFalse(Rate.with_user(self.manager).get_rate_status()["outdated"])
