"""Unit tests of reading NBP's files and deriving the statutory tables
(tools/nbp.py). No database, no network.

The fixture ``data/nbp_stopy_procentowe_archiwum.xml`` has the shape of NBP's
archive and the reference rate's decisions since 2013; the shipped table
``data/interest_rates.xml`` is what the derivation must reproduce.
"""

import unittest
from datetime import date
from decimal import Decimal
from pathlib import Path

from lxml import etree

from ..tools import nbp
from ..tools.interest import STATUTORY_CIVIL, STATUTORY_COMMERCIAL, RatePeriod

ADDON = Path(__file__).resolve().parent.parent
ARCHIVE = (ADDON / "tests" / "data" / "nbp_stopy_procentowe_archiwum.xml").read_bytes()


def d(text):
    return date.fromisoformat(text)


def table(*rows):
    return [RatePeriod(d(start), Decimal(rate)) for start, rate in rows]


def shipped_table(kind):
    """The periods of ``kind`` in the shipped data/interest_rates.xml."""
    root = etree.parse(str(ADDON / "data" / "interest_rates.xml"))
    rows = []
    for record in root.iter("record"):
        fields = {field.get("name"): field.text for field in record.iter("field")}
        if fields["rate_type"] == kind:
            rows.append((fields["date_from"], fields["rate"]))
    return sorted(table(*rows), key=lambda period: period.start)


class TestReadNbpFiles(unittest.TestCase):
    def test_archive_reads_the_reference_rate_of_each_decision(self):
        content = b"""<?xml version="1.0" encoding="UTF-8"?>
        <stopy_procentowe_archiwum data_publikacji="2015-03-04">
            <pozycje obowiazuje_od="2025-12-04">
                <pozycja id="ref" oprocentowanie="4,00" />
                <pozycja id="lom" oprocentowanie="4,50" />
            </pozycje>
            <pozycje obowiazuje_od="2025-11-06">
                <pozycja id="lom" oprocentowanie="4,75" />
                <pozycja id="ref" oprocentowanie="4,25" />
            </pozycje>
            <pozycje obowiazuje_od="2025-11-20">
                <pozycja id="dep" oprocentowanie="3,75" />
            </pozycje>
        </stopy_procentowe_archiwum>"""
        # Sorted by date; a decision that leaves the reference rate out is
        # not a change of it.
        self.assertEqual(
            nbp.parse_reference_rates(content),
            table(("2025-11-06", "4.25"), ("2025-12-04", "4.00")),
        )

    def test_current_file_reads_the_rate_in_force(self):
        content = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <stopy_procentowe data_publikacji="2026-03-05">
            <tabela id="stoproc" naglowek="Stopa procentowa:">
                <pozycja id="ref" nazwa="Stopa referencyjna" oprocentowanie="3,75"
                         obowiazuje_od="2026-03-05" />
                <pozycja id="lom" nazwa="Stopa lombardowa" oprocentowanie="4,25"
                         obowiazuje_od="2026-03-05" />
            </tabela>
        </stopy_procentowe>"""
        self.assertEqual(
            nbp.parse_reference_rates(content), table(("2026-03-05", "3.75"))
        )

    def test_the_fixture_archive(self):
        rates = nbp.parse_reference_rates(ARCHIVE)
        self.assertEqual(len(rates), 26)
        self.assertEqual(rates[0], RatePeriod(d("2013-07-04"), Decimal("2.50")))
        self.assertEqual(rates[-1], RatePeriod(d("2026-03-05"), Decimal("3.75")))

    def test_anything_else_is_refused_with_the_reason(self):
        def archive(entries):
            return (
                f"<stopy_procentowe_archiwum>{entries}</stopy_procentowe_archiwum>"
            ).encode()

        cases = {
            b"": "not XML",
            b"<html><body>Przerwa techniczna": "not XML",
            b"<html><body><p>Strona nie istnieje</p></body></html>": "no reference",
            archive(""): "no reference rate",
            archive(
                '<pozycje obowiazuje_od="2025-13-01"><pozycja id="ref" '
                'oprocentowanie="4,00"/></pozycje>'
            ): "'2025-13-01' is not a date",
            archive('<pozycje><pozycja id="ref" oprocentowanie="4,00"/></pozycje>'): (
                "None is not a date"
            ),
            archive(
                '<pozycje obowiazuje_od="2025-12-04"><pozycja id="ref" '
                'oprocentowanie="cztery"/></pozycje>'
            ): "the reference rate of 2025-12-04 is 'cztery'",
            archive(
                '<pozycje obowiazuje_od="2025-12-04"><pozycja id="ref" '
                'oprocentowanie="-4,00"/></pozycje>'
            ): "is '-4,00'",
            archive(
                '<pozycje obowiazuje_od="2025-12-04"><pozycja id="ref" '
                'oprocentowanie="4,00"/></pozycje><pozycje obowiazuje_od='
                '"2025-12-04"><pozycja id="ref" oprocentowanie="4,25"/></pozycje>'
            ): "two reference rates start on 2025-12-04",
        }
        for content, reason in cases.items():
            with (
                self.subTest(content=content),
                self.assertRaises(nbp.NbpFormatError) as caught,
            ):
                nbp.parse_reference_rates(content)
            self.assertIn(reason, str(caught.exception))

    def test_an_entity_bomb_is_refused(self):
        entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
            for i in range(8)
        )
        content = (
            f'<?xml version="1.0"?><!DOCTYPE x [{entities}]>'
            '<stopy_procentowe_archiwum><pozycje obowiazuje_od="2025-12-04">'
            '<pozycja id="ref" oprocentowanie="4,00" note="&i;"/></pozycje>'
            "</stopy_procentowe_archiwum>"
        ).encode()
        with self.assertRaisesRegex(nbp.NbpFormatError, "not XML"):
            nbp.parse_reference_rates(content)


class TestDerivation(unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.reference = nbp.parse_reference_rates(ARCHIVE)

    def test_reproduces_every_shipped_civil_period(self):
        shipped = shipped_table(STATUTORY_CIVIL)
        self.assertEqual(len(shipped), 22)
        derived = nbp.civil_periods(self.reference)
        self.assertEqual([p for p in derived if p.start <= shipped[-1].start], shipped)
        # and then what NBP decided after the shipped table
        self.assertEqual(
            [p for p in derived if p.start > shipped[-1].start],
            table(("2025-12-04", "9.50"), ("2026-03-05", "9.25")),
        )

    def test_reproduces_every_shipped_commercial_period(self):
        shipped = shipped_table(STATUTORY_COMMERCIAL)
        self.assertEqual(len(shipped), 8)
        # Published on the last day of 2025: the half-years up to July 2025.
        self.assertEqual(
            nbp.commercial_periods(self.reference, d("2025-12-31")), shipped
        )
        # From 1 January 2026 the next half-year is known: 4.00 + 10.
        self.assertEqual(
            nbp.commercial_periods(self.reference, d("2026-01-01")),
            [*shipped, RatePeriod(d("2026-01-01"), Decimal("14.00"))],
        )

    def test_both_tables_at_once(self):
        tables = nbp.derive_tables(self.reference, d("2026-07-01"))
        self.assertEqual(tables[STATUTORY_CIVIL], nbp.civil_periods(self.reference))
        # 3.75 on 1 July 2026 (since 5 March) + 10
        self.assertEqual(
            tables[STATUTORY_COMMERCIAL][-2:],
            table(("2026-01-01", "14.00"), ("2026-07-01", "13.75")),
        )

    def test_commercial_rate_is_fixed_by_the_half_years_first_day(self):
        reference = table(
            ("2019-06-01", "1.50"),
            ("2020-01-01", "1.00"),  # in force on 1 January: counts
            ("2020-01-02", "0.50"),  # the day after: next half-year
            ("2020-07-02", "0.25"),
        )
        self.assertEqual(
            nbp.commercial_periods(reference, d("2021-03-01")),
            table(
                ("2019-07-01", "9.50"),  # 1.50 + 8 before 2020
                ("2020-01-01", "11.00"),  # 1.00 + 10
                ("2020-07-01", "10.50"),  # 0.50 + 10
                ("2021-01-01", "10.25"),  # 0.25 + 10
            ),
        )

    def test_civil_rate_changes_the_day_the_reference_rate_does(self):
        reference = table(
            ("2015-03-05", "1.50"),
            ("2020-03-18", "1.00"),
            ("2020-03-19", "1.00"),  # a decision that kept the rate
        )
        self.assertEqual(
            nbp.civil_periods(reference),
            table(("2016-01-01", "7.00"), ("2020-03-18", "6.50")),
        )

    def test_current_file_alone_derives_from_its_rate_on(self):
        """The current file has one decision: the tables start with it."""
        reference = table(("2026-03-05", "3.75"))
        self.assertEqual(nbp.civil_periods(reference), table(("2026-03-05", "9.25")))
        self.assertEqual(
            nbp.commercial_periods(reference, d("2026-12-01")),
            table(("2026-07-01", "13.75")),
        )
        self.assertEqual(nbp.commercial_periods(reference, d("2026-06-30")), [])


class TestKnownUntil(unittest.TestCase):
    def test_civil_is_known_up_to_the_day_checked(self):
        civil = table(("2025-11-06", "9.75"))
        kind = STATUTORY_CIVIL
        self.assertEqual(nbp.table_known_until(kind, civil), d("2025-11-06"))
        self.assertEqual(
            nbp.table_known_until(kind, civil, d("2026-12-01")), d("2026-12-01")
        )
        # A change announced for a later day is known from that day.
        civil.append(RatePeriod(d("2026-12-03"), Decimal("9.00")))
        self.assertEqual(
            nbp.table_known_until(kind, civil, d("2026-12-01")), d("2026-12-03")
        )

    def test_commercial_is_known_to_the_end_of_the_half_year(self):
        commercial = table(("2025-07-01", "15.25"), ("2026-01-01", "14.00"))
        kind = STATUTORY_COMMERCIAL
        self.assertEqual(nbp.table_known_until(kind, commercial), d("2026-06-30"))
        self.assertEqual(
            nbp.table_known_until(kind, commercial, d("2026-07-01")), d("2026-12-31")
        )
        self.assertEqual(
            nbp.table_known_until(kind, commercial, d("2025-03-01")), d("2026-06-30")
        )

    def test_nothing_known(self):
        self.assertIsNone(nbp.table_known_until(STATUTORY_CIVIL, []))
        self.assertEqual(
            nbp.table_known_until(STATUTORY_COMMERCIAL, [], d("2026-02-01")),
            d("2026-06-30"),
        )


class TestExchangeRate(unittest.TestCase):
    ONE_DAY = b"""{"table":"A","currency":"euro","code":"EUR","rates":[
        {"no":"063/A/NBP/2026","effectiveDate":"2026-03-31","mid":4.2512}]}"""

    def test_the_days_table(self):
        self.assertEqual(
            nbp.parse_exchange_rate(self.ONE_DAY, "EUR", d("2026-03-31")),
            nbp.ExchangeRate("063/A/NBP/2026", d("2026-03-31"), Decimal("4.2512")),
        )

    def test_the_last_table_on_or_before_the_day(self):
        content = b"""{"table":"A","code":"EUR","rates":[
            {"no":"080/A/NBP/2026","effectiveDate":"2026-04-24","mid":4.2700},
            {"no":"081/A/NBP/2026","effectiveDate":"2026-04-27","mid":4.2811},
            {"no":"082/A/NBP/2026","effectiveDate":"2026-04-28","mid":4.2900}]}"""
        self.assertEqual(
            nbp.parse_exchange_rate(content, "eur", d("2026-04-27")).mid,
            Decimal("4.2811"),
        )
        self.assertIsNone(nbp.parse_exchange_rate(content, "EUR", d("2026-04-23")))

    def test_anything_else_is_refused(self):
        cases = {
            b"404 NotFound - Not Found - Brak danych": "not an NBP rate table",
            b'{"table":"A","code":"EUR"}': "not an NBP rate table",
            b'{"code":"EUR","rates":[{"no":"1","effectiveDate":"31.03.2026",'
            b'"mid":4.25}]}': "'31.03.2026' is not a date",
            b'{"code":"USD","rates":[]}': "the rate of USD instead of EUR",
            b'{"code":"EUR","rates":[{"no":"1","effectiveDate":"2026-03-31",'
            b'"mid":"4,25"}]}': "the mid rate of 2026-03-31 is '4,25'",
            b'{"code":"EUR","rates":[{"no":"1","effectiveDate":"2026-03-31",'
            b'"mid":0}]}': "the mid rate of 2026-03-31 is 0",
        }
        for content, reason in cases.items():
            with (
                self.subTest(content=content),
                self.assertRaises(nbp.NbpFormatError) as caught,
            ):
                nbp.parse_exchange_rate(content, "EUR", d("2026-03-31"))
            self.assertIn(reason, str(caught.exception))
