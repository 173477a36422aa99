"""Unit tests of the interest core (tools/interest.py): rates, interest, compensation.

No database: plain ``unittest.TestCase`` classes. The fixtures are the Polish
rate tables of the interest-note issue; every expected amount is worked out by
hand in a comment (``x → y`` is the half-up rounding to the grosz). Unless said
otherwise an item is 10,000.00 PLN due on Friday 2025-03-14 at the statutory
commercial rate, which is 15.75% from 2024-01-01 to 2025-06-30.
"""

import pickle
import unittest
from datetime import date
from decimal import Decimal

from ..tools import interest
from ..tools.interest import RatePeriod


def table(*rows):
    """Rate periods from ("YYYY-MM-DD", "rate") rows."""
    return [
        RatePeriod(date.fromisoformat(start), Decimal(rate)) for start, rate in rows
    ]


COMMERCIAL = table(
    ("2016-01-01", "9.50"),
    ("2020-01-01", "11.50"),
    ("2020-07-01", "10.10"),
    ("2022-01-01", "11.75"),
    ("2022-07-01", "16.00"),
    ("2023-01-01", "16.75"),
    ("2024-01-01", "15.75"),
    ("2025-07-01", "15.25"),
)
CIVIL = table(
    ("2016-01-01", "7.00"),
    ("2020-03-18", "6.50"),
    ("2020-04-09", "6.00"),
    ("2020-05-29", "5.60"),
    ("2021-10-07", "6.00"),
    ("2021-11-04", "6.75"),
    ("2021-12-09", "7.25"),
    ("2022-01-05", "7.75"),
    ("2022-02-09", "8.25"),
    ("2022-03-09", "9.00"),
    ("2022-04-07", "10.00"),
    ("2022-05-06", "10.75"),
    ("2022-06-09", "11.50"),
    ("2022-07-08", "12.00"),
    ("2022-09-08", "12.25"),
    ("2023-09-07", "11.50"),
    ("2023-10-05", "11.25"),
    ("2025-05-08", "10.75"),
    ("2025-07-03", "10.50"),
    ("2025-09-04", "10.25"),
    ("2025-10-09", "10.00"),
    ("2025-11-06", "9.75"),
)

AMOUNT = Decimal("10000.00")
DUE = date(2025, 3, 14)  # a Friday
UNTIL = date(2025, 3, 30)


def d(text):
    return date.fromisoformat(text)


def compute(payments=(), until=UNTIL, amount=AMOUNT, due=DUE, **kwargs):
    kwargs.setdefault("periods", COMMERCIAL)
    return interest.compute_interest(amount, due, payments, until, **kwargs)


def rows(result):
    """The segments as (from, to, days, balance, rate) for compact assertions."""
    return [
        (s.date_from.isoformat(), s.date_to.isoformat(), s.days, s.balance, s.rate)
        for s in result.segments
    ]


class TestInterest(unittest.TestCase):
    """compute_interest on one item."""

    def test_single_rate_period(self):
        # 2025-03-15..2025-03-30 = 16 days at 15.75%:
        # 10000.00 * 15.75% * 16/365 = 25200/365 = 69.04109589… → 69.04
        result = compute()
        self.assertEqual(
            rows(result),
            [("2025-03-15", "2025-03-30", 16, AMOUNT, Decimal("15.75"))],
        )
        self.assertEqual(result.total, Decimal("69.04"))
        self.assertEqual(str(result.total), "69.04")
        self.assertEqual(
            (result.date_from, result.date_to), (d("2025-03-15"), d("2025-03-30"))
        )
        # the segment keeps the exact value: 25200/365 to 40 significant digits
        self.assertEqual(
            result.segments[0].interest,
            Decimal("69.04109589041095890410958904109589041096"),
        )

    def test_period_spanning_a_rate_change_is_split(self):
        # The example period 2025-06-15 → 2025-07-20 (due 2025-06-14):
        # 2025-06-15..2025-06-30 = 16 days at 15.75%:
        #   10000.00 * 15.75% * 16/365 = 25200/365 = 69.04109589…
        # 2025-07-01..2025-07-20 = 20 days at 15.25%:
        #   10000.00 * 15.25% * 20/365 = 30500/365 = 83.56164383…
        # total 55700/365 = 152.60273972… → 152.60
        result = compute(due=d("2025-06-14"), until=d("2025-07-20"))
        self.assertEqual(
            rows(result),
            [
                ("2025-06-15", "2025-06-30", 16, AMOUNT, Decimal("15.75")),
                ("2025-07-01", "2025-07-20", 20, AMOUNT, Decimal("15.25")),
            ],
        )
        self.assertEqual(result.total, Decimal("152.60"))

    def test_two_partial_payments_lower_the_balance_from_the_day_after(self):
        # Paid 3000.00 on 2025-03-31 and 2000.00 on 2025-04-15 (given out of order):
        # 03-15..03-31 17 days on 10000.00: 10000 * 15.75% * 17/365 = 26775/365 = 73.35616438…
        # 04-01..04-15 15 days on  7000.00:  7000 * 15.75% * 15/365 = 16537.5/365 = 45.30821917…
        # 04-16..04-30 15 days on  5000.00:  5000 * 15.75% * 15/365 = 11812.5/365 = 32.36301369…
        # total 55125/365 = 151.02739726… → 151.03
        payments = [
            (d("2025-04-15"), Decimal("2000.00")),
            (d("2025-03-31"), Decimal("3000.00")),
        ]
        result = compute(payments, until=d("2025-04-30"))
        rate = Decimal("15.75")
        self.assertEqual(
            rows(result),
            [
                ("2025-03-15", "2025-03-31", 17, Decimal("10000.00"), rate),
                ("2025-04-01", "2025-04-15", 15, Decimal("7000.00"), rate),
                ("2025-04-16", "2025-04-30", 15, Decimal("5000.00"), rate),
            ],
        )
        self.assertEqual(result.total, Decimal("151.03"))

    def test_payment_before_the_due_date_carries_no_interest(self):
        # 4000.00 paid on 2025-03-10: interest only on 6000.00 from 03-15, 16 days:
        # 6000.00 * 15.75% * 16/365 = 15120/365 = 41.42465753… → 41.42
        result = compute([(d("2025-03-10"), Decimal("4000.00"))])
        self.assertEqual(
            rows(result),
            [("2025-03-15", "2025-03-30", 16, Decimal("6000.00"), Decimal("15.75"))],
        )
        self.assertEqual(result.total, Decimal("41.42"))

    def test_payment_on_the_due_date_carries_no_interest(self):
        # Partly paid on the due date: as before, 6000.00 * 15.75% * 16/365 → 41.42
        partly = compute([(DUE, Decimal("4000.00"))])
        self.assertEqual(partly.total, Decimal("41.42"))
        self.assertEqual(partly.segments[0].balance, Decimal("6000.00"))
        # Fully paid on the due date: nothing at all
        paid = compute([(DUE, AMOUNT)])
        self.assertEqual(paid.segments, ())
        self.assertEqual(str(paid.total), "0.00")
        self.assertIsNone(paid.date_from)
        self.assertIsNone(paid.date_to)

    def test_late_full_payment_charges_up_to_and_including_the_payment_day(self):
        # Paid in full on 2025-03-20, calculated on 2025-04-30:
        # 03-15..03-20 = 6 days: 10000.00 * 15.75% * 6/365 = 9450/365 = 25.89041095… → 25.89
        result = compute([(d("2025-03-20"), AMOUNT)], until=d("2025-04-30"))
        self.assertEqual(
            rows(result),
            [("2025-03-15", "2025-03-20", 6, AMOUNT, Decimal("15.75"))],
        )
        self.assertEqual(result.total, Decimal("25.89"))
        self.assertEqual(result.date_to, d("2025-03-20"))
        # an overpayment does not make the balance negative: same result
        over = compute([(d("2025-03-20"), Decimal("12000.00"))], until=d("2025-04-30"))
        self.assertEqual(over, result)

    def test_payment_one_day_late_costs_one_day(self):
        # Paid in full on 2025-03-15, the first day of delay: that day is charged.
        # 10000.00 * 15.75% * 1/365 = 1575/365 = 4.31506849… → 4.32
        result = compute([(d("2025-03-15"), AMOUNT)])
        self.assertEqual(
            rows(result),
            [("2025-03-15", "2025-03-15", 1, AMOUNT, Decimal("15.75"))],
        )
        self.assertEqual(result.total, Decimal("4.32"))

    def test_nothing_after_until(self):
        # A payment after `until` changes nothing: still 16 days → 69.04 as above
        result = compute([(d("2025-04-10"), AMOUNT)])
        self.assertEqual(result.total, Decimal("69.04"))
        self.assertEqual(result.date_to, d("2025-03-30"))
        # `until` on or before the due date: nothing is charged yet
        self.assertEqual(compute(until=DUE).segments, ())
        self.assertEqual(compute(until=d("2025-03-01")).total, Decimal("0.00"))

    def test_start_after_a_previous_charge_adds_up_without_double_charge(self):
        # Whole period 03-15..04-30 = 17 + 30 = 47 days:
        #   10000.00 * 15.75% * 47/365 = 74025/365 = 202.80821917… → 202.81
        # First note up to 03-31, 17 days: 26775/365 = 73.35616438… → 73.36
        # Second note from 04-01 (start), 30 days: 47250/365 = 129.45205479… → 129.45
        # 17 + 30 = 47 days and 73.36 + 129.45 = 202.81: no day charged twice
        whole = compute(until=d("2025-04-30"))
        first = compute(until=d("2025-03-31"))
        second = compute(until=d("2025-04-30"), start=d("2025-04-01"))
        self.assertEqual(whole.total, Decimal("202.81"))
        self.assertEqual(first.total, Decimal("73.36"))
        self.assertEqual(second.total, Decimal("129.45"))
        self.assertEqual(
            rows(second),
            [("2025-04-01", "2025-04-30", 30, AMOUNT, Decimal("15.75"))],
        )
        self.assertEqual(first.segments[0].days + second.segments[0].days, 47)
        self.assertEqual(first.total + second.total, whole.total)
        # a start on or before the due date changes nothing
        self.assertEqual(compute(until=d("2025-04-30"), start=d("2025-03-01")), whole)
        # everything charged already: nothing left
        self.assertEqual(compute(start=d("2025-03-31")).segments, ())

    def test_leap_year_on_the_365_basis(self):
        # Civil rate 11.25% (2023-10-05..2025-05-07) across the new year, due 2023-12-21:
        # 2023-12-22..2024-01-10 = 20 days, one segment (no split at 1 January):
        #   10000.00 * 11.25% * 20/365 = 22500/365 = 61.64383561… → 61.64
        result = compute(due=d("2023-12-21"), until=d("2024-01-10"), periods=CIVIL)
        self.assertEqual(
            rows(result),
            [("2023-12-22", "2024-01-10", 20, AMOUNT, Decimal("11.25"))],
        )
        self.assertEqual(result.total, Decimal("61.64"))
        # The whole of 2024 (366 days) costs more than a year's rate:
        #   10000.00 * 11.25% * 366/365 = 411750/365 = 1128.08219178… → 1128.08
        year = compute(due=d("2023-12-31"), until=d("2024-12-31"), periods=CIVIL)
        self.assertEqual(year.total, Decimal("1128.08"))
        # 29 February alone: 10000.00 * 11.25% * 1/365 = 1125/365 = 3.08219178… → 3.08
        day = compute(due=d("2024-02-28"), until=d("2024-02-29"), periods=CIVIL)
        self.assertEqual(day.total, Decimal("3.08"))

    def test_leap_year_on_the_actual_basis(self):
        # Same item on the actual basis: split at 2024-01-01.
        # 2023-12-22..2023-12-31 10 days: 10000.00 * 11.25% * 10/365 = 11250/365 = 30.82191780…
        # 2024-01-01..2024-01-10 10 days: 10000.00 * 11.25% * 10/366 = 11250/366 = 30.73770491…
        # total 61.55962272… → 61.56
        kwargs = {"periods": CIVIL, "day_basis": "actual"}
        result = compute(due=d("2023-12-21"), until=d("2024-01-10"), **kwargs)
        rate = Decimal("11.25")
        self.assertEqual(
            rows(result),
            [
                ("2023-12-22", "2023-12-31", 10, AMOUNT, rate),
                ("2024-01-01", "2024-01-10", 10, AMOUNT, rate),
            ],
        )
        self.assertEqual(result.total, Decimal("61.56"))
        # The whole of 2024: 10000.00 * 11.25% * 366/366 = 1125.00 exactly
        year = compute(due=d("2023-12-31"), until=d("2024-12-31"), **kwargs)
        self.assertEqual(year.total, Decimal("1125.00"))
        self.assertEqual(year.segments[0].interest, Decimal("1125"))
        # 29 February alone costs 1/366: 1125/366 = 3.07377049… → 3.07
        day = compute(due=d("2024-02-28"), until=d("2024-02-29"), **kwargs)
        self.assertEqual(day.total, Decimal("3.07"))
        # Split at every 1 January: 2023-12-22..2025-01-10 =
        #   10 days/365 + 366 days/366 + 10 days/365 = 30.82191780… + 1125 + 30.82191780…
        #   = 1125 + 22500/365 = 1186.64383561… → 1186.64
        years = compute(due=d("2023-12-21"), until=d("2025-01-10"), **kwargs)
        self.assertEqual(
            [(s.date_from.isoformat(), s.days) for s in years.segments],
            [("2023-12-22", 10), ("2024-01-01", 366), ("2025-01-01", 10)],
        )
        self.assertEqual(years.total, Decimal("1186.64"))

    def test_rounded_once_per_item_not_per_segment(self):
        # 20000.00 over the rate change of 2025-07-01 (due 2025-06-14, until 2025-07-20):
        # 20000.00 * 15.75% * 16/365 = 50400/365 = 138.08219178… (alone → 138.08)
        # 20000.00 * 15.25% * 20/365 = 61000/365 = 167.12328767… (alone → 167.12)
        # rounding each segment: 138.08 + 167.12 = 305.20
        # rounding the sum once: 111400/365 = 305.20547945… → 305.21
        result = compute(
            amount=Decimal("20000.00"), due=d("2025-06-14"), until=d("2025-07-20")
        )
        self.assertEqual(len(result.segments), 2)
        self.assertEqual(result.total, Decimal("305.21"))
        per_segment = sum(s.interest.quantize(Decimal("0.01")) for s in result.segments)
        self.assertEqual(per_segment, Decimal("305.20"))

    def test_an_exact_half_grosz_is_rounded_up(self):
        # 11410.00 due 2025-03-14, 3000.00 paid on 2025-03-31, until 2025-04-14:
        # 03-15..03-31 17 days: 11410.00 * 15.75% * 17/365 = 30550.275/365 = 83.69938356…
        # 04-01..04-14 14 days:  8410.00 * 15.75% * 14/365 = 18544.05/365 = 50.80561643…
        # sum = 49094.325/365 = 134.505 exactly (365 * 134.505 = 49094.325)
        # → 134.51 half-up (half-even would give 134.50), although neither
        # segment is a terminating decimal
        result = compute(
            [(d("2025-03-31"), Decimal("3000.00"))],
            amount=Decimal("11410.00"),
            until=d("2025-04-14"),
        )
        self.assertEqual([s.days for s in result.segments], [17, 14])
        self.assertEqual(result.total, Decimal("134.51"))

    def test_quantum(self):
        # A currency without decimals: 25200/365 = 69.04109589… → 69
        self.assertEqual(compute(quantum=Decimal("1")).total, Decimal("69"))
        self.assertEqual(str(compute([(DUE, AMOUNT)], quantum=Decimal("1")).total), "0")
        # A rounding step that is not a power of ten: 69.04109589… / 0.05 =
        # 1380.82… → 1381 steps → 69.05
        self.assertEqual(compute(quantum=Decimal("0.05")).total, Decimal("69.05"))
        # An Odoo rounding read with 6 digits: same value, 6 decimals
        self.assertEqual(str(compute(quantum=Decimal("0.010000")).total), "69.040000")

    def test_capped_contractual_rate_across_the_cap_change(self):
        # 25% contractual, capped at 2 x civil: 20.00% from 2025-10-09, 19.50% from 2025-11-06.
        # due 2025-10-31, until 2025-11-10:
        # 11-01..11-05 5 days: 10000.00 * 20.00% * 5/365 = 10000/365 = 27.39726027…
        # 11-06..11-10 5 days: 10000.00 * 19.50% * 5/365 =  9750/365 = 26.71232876…
        # total 19750/365 = 54.10958904… → 54.11
        periods, capped = interest.effective_periods(
            "contractual_fixed", COMMERCIAL, CIVIL, rate=Decimal("25")
        )
        self.assertTrue(capped)
        result = compute(due=d("2025-10-31"), until=d("2025-11-10"), periods=periods)
        self.assertEqual(
            rows(result),
            [
                ("2025-11-01", "2025-11-05", 5, AMOUNT, Decimal("20.00")),
                ("2025-11-06", "2025-11-10", 5, AMOUNT, Decimal("19.50")),
            ],
        )
        self.assertEqual(result.total, Decimal("54.11"))

    def test_day_before_the_first_period_raises(self):
        # The table starts on 2016-01-01; the first charged day is 2015-12-21
        with self.assertRaises(interest.MissingRateError) as caught:
            compute(due=d("2015-12-20"), until=d("2016-01-10"))
        self.assertEqual(caught.exception.date, d("2015-12-21"))
        self.assertIsNone(caught.exception.kind)
        self.assertIsInstance(caught.exception, ValueError)
        self.assertIn("2015-12-21", str(caught.exception))
        # no rate is needed for days with nothing to pay
        paid = compute(
            [(d("2015-12-01"), AMOUNT)], due=d("2015-12-20"), until=d("2016-01-10")
        )
        self.assertEqual(paid.segments, ())
        # and none at all without periods when nothing is charged
        self.assertEqual(compute(until=DUE, periods=[]).segments, ())

    def test_bad_input(self):
        with self.assertRaises(TypeError):  # floats are not exact
            compute(amount=10000.0)
        with self.assertRaises(TypeError):
            compute([(DUE, 1.5)])
        with self.assertRaises(ValueError):
            compute(day_basis="360")
        with self.assertRaises(ValueError):  # two periods from the same day
            compute(periods=COMMERCIAL + table(("2024-01-01", "15.00")))
        # an int amount is fine: 10000 * 15.75% * 16/365 → 69.04
        self.assertEqual(compute(amount=10000).total, Decimal("69.04"))


class TestCheckKnown(unittest.TestCase):
    """The plausibility horizon of the last known rate."""

    def test_commercial_table_covers_half_a_year_after_its_last_rate(self):
        # last rate 2025-07-01 + 6 months = 2026-01-01, the first day not covered
        kind = "statutory_commercial"
        self.assertIsNone(interest.check_known(COMMERCIAL, d("2025-12-31"), 6, kind))
        with self.assertRaises(interest.MissingRateError) as caught:
            interest.check_known(COMMERCIAL, d("2026-01-01"), 6, kind)
        self.assertEqual(caught.exception.date, d("2026-01-01"))
        self.assertEqual(caught.exception.kind, kind)
        self.assertIn("2026-01-01", str(caught.exception))
        self.assertIn(kind, str(caught.exception))
        # the data survives pickling (exceptions cross process boundaries)
        copy = pickle.loads(pickle.dumps(caught.exception))
        self.assertEqual((copy.date, copy.kind), (d("2026-01-01"), kind))

    def test_unsorted_periods(self):
        with self.assertRaises(interest.MissingRateError) as caught:
            interest.check_known(list(reversed(COMMERCIAL)), d("2026-03-01"), 6)
        self.assertEqual(caught.exception.date, d("2026-01-01"))
        self.assertIsNone(caught.exception.kind)

    def test_civil_table_and_month_ends(self):
        # civil: 2025-11-06 + 6 months = 2026-05-06, covered up to 2026-05-05
        interest.check_known(CIVIL, d("2026-05-05"), 6)
        with self.assertRaises(interest.MissingRateError) as caught:
            interest.check_known(CIVIL, d("2026-05-06"), 6)
        self.assertEqual(caught.exception.date, d("2026-05-06"))
        # 2025-08-31 + 6 months: February has no 31st, so 2026-02-28
        with self.assertRaises(interest.MissingRateError) as caught:
            interest.check_known(table(("2025-08-31", "10")), d("2026-02-28"), 6)
        self.assertEqual(caught.exception.date, d("2026-02-28"))

    def test_empty_table(self):
        with self.assertRaises(interest.MissingRateError) as caught:
            interest.check_known([], d("2025-01-01"), 6, "statutory_civil")
        self.assertEqual(caught.exception.date, d("2025-01-01"))
        self.assertEqual(caught.exception.kind, "statutory_civil")


class TestEffectivePeriods(unittest.TestCase):
    """Statutory tables as they are; contractual rates capped at 2 x civil."""

    def test_statutory_kinds_return_the_tables(self):
        shuffled = COMMERCIAL[4:] + COMMERCIAL[:4]
        self.assertEqual(
            interest.effective_periods("statutory_commercial", shuffled, CIVIL),
            (COMMERCIAL, False),
        )
        self.assertEqual(
            interest.effective_periods("statutory_civil", COMMERCIAL, CIVIL[::-1]),
            (CIVIL, False),
        )

    def test_high_fixed_rate_is_capped_at_twice_the_civil_rate(self):
        # 25% is above 2 x civil on every day of the civil table (highest: 2 x 12.25 =
        # 24.50), so from 2016-01-01 the result is the civil table doubled, e.g.
        # 2 x 9.75 = 19.50 from 2025-11-06; before the table 25% is not capped.
        periods, capped = interest.effective_periods(
            "contractual_fixed", COMMERCIAL, CIVIL, rate=Decimal("25")
        )
        self.assertTrue(capped)
        self.assertEqual(
            periods,
            [RatePeriod(date.min, Decimal("25"))]
            + table(
                ("2016-01-01", "14.00"),  # 2 x 7.00
                ("2020-03-18", "13.00"),  # 2 x 6.50
                ("2020-04-09", "12.00"),  # 2 x 6.00
                ("2020-05-29", "11.20"),  # 2 x 5.60
                ("2021-10-07", "12.00"),  # 2 x 6.00
                ("2021-11-04", "13.50"),  # 2 x 6.75
                ("2021-12-09", "14.50"),  # 2 x 7.25
                ("2022-01-05", "15.50"),  # 2 x 7.75
                ("2022-02-09", "16.50"),  # 2 x 8.25
                ("2022-03-09", "18.00"),  # 2 x 9.00
                ("2022-04-07", "20.00"),  # 2 x 10.00
                ("2022-05-06", "21.50"),  # 2 x 10.75
                ("2022-06-09", "23.00"),  # 2 x 11.50
                ("2022-07-08", "24.00"),  # 2 x 12.00
                ("2022-09-08", "24.50"),  # 2 x 12.25
                ("2023-09-07", "23.00"),  # 2 x 11.50
                ("2023-10-05", "22.50"),  # 2 x 11.25
                ("2025-05-08", "21.50"),  # 2 x 10.75
                ("2025-07-03", "21.00"),  # 2 x 10.50
                ("2025-09-04", "20.50"),  # 2 x 10.25
                ("2025-10-09", "20.00"),  # 2 x 10.00
                ("2025-11-06", "19.50"),  # 2 x 9.75
            ),
        )

    def test_fixed_rate_capped_on_some_days_only_and_merged(self):
        # 20%: capped while 2 x civil < 20 (up to 2022-04-06, and from 2025-11-06);
        # from 2022-04-07 (2 x 10.00 = 20.00) to 2025-11-05 the min is 20% every day,
        # so the 14 civil changes in between merge into one period.
        periods, capped = interest.effective_periods(
            "contractual_fixed", COMMERCIAL, CIVIL, rate=Decimal("20")
        )
        self.assertTrue(capped)
        self.assertEqual(
            periods,
            [RatePeriod(date.min, Decimal("20"))]
            + table(
                ("2016-01-01", "14.00"),
                ("2020-03-18", "13.00"),
                ("2020-04-09", "12.00"),
                ("2020-05-29", "11.20"),
                ("2021-10-07", "12.00"),
                ("2021-11-04", "13.50"),
                ("2021-12-09", "14.50"),
                ("2022-01-05", "15.50"),
                ("2022-02-09", "16.50"),
                ("2022-03-09", "18.00"),
                ("2022-04-07", "20.00"),  # = 20: from here the contractual rate
                ("2025-11-06", "19.50"),
            ),
        )

    def test_low_fixed_rate_is_not_capped(self):
        # 8% is below the lowest cap (2 x 5.60 = 11.20): one period, every day
        self.assertEqual(
            interest.effective_periods(
                "contractual_fixed", COMMERCIAL, CIVIL, rate=Decimal("8")
            ),
            ([RatePeriod(date.min, Decimal("8"))], False),
        )

    def test_margin_over_commercial_with_boundaries_of_both_tables(self):
        # commercial + 2 points, capped at 2 x civil on each day:
        expected = table(
            ("2016-01-01", "11.50"),  # 9.50 + 2 = 11.50 < 2 x 7.00 = 14.00
            ("2020-01-01", "13.50"),  # 11.50 + 2 = 13.50 < 14.00
            ("2020-03-18", "13.00"),  # cap 2 x 6.50 = 13.00 < 13.50
            ("2020-04-09", "12.00"),  # cap 2 x 6.00
            (
                "2020-05-29",
                "11.20",
            ),  # cap 2 x 5.60; also < 10.10 + 2 = 12.10 from 07-01
            ("2021-10-07", "12.00"),  # cap 2 x 6.00 = 12.00 < 12.10
            ("2021-11-04", "12.10"),  # 12.10 < 2 x 6.75 = 13.50 (and 14.50 from 12-09)
            ("2022-01-01", "13.75"),  # 11.75 + 2 < 2 x 7.25 = 14.50 (15.50 from 01-05)
            ("2022-07-01", "18.00"),  # 16.00 + 2 < 2 x 11.50 = 23.00, and later caps
            (
                "2023-01-01",
                "18.75",
            ),  # 16.75 + 2 < 2 x 12.25 = 24.50 (22.50 from 2023-10-05)
            ("2024-01-01", "17.75"),  # 15.75 + 2 < 22.50 (21.50 from 2025-05-08)
            ("2025-07-01", "17.25"),  # 15.25 + 2 < 21.50 ... 19.50 from 2025-11-06
        )
        periods, capped = interest.effective_periods(
            "contractual_margin", COMMERCIAL, CIVIL, margin=Decimal("2")
        )
        self.assertEqual(periods, expected)
        self.assertTrue(capped)

    def test_margin_without_cap_before_the_civil_table(self):
        # Civil table starting later: before it nothing is capped; before the
        # commercial table there is no rate at all.
        commercial = table(("2020-01-01", "10.00"))
        civil = table(("2021-01-01", "5.00"))
        periods, capped = interest.effective_periods(
            "contractual_margin", commercial, civil, margin=Decimal("1.5")
        )
        # 10.00 + 1.5 = 11.50 until 2020-12-31, then min(11.50, 2 x 5.00) = 10.00
        self.assertEqual(
            periods, table(("2020-01-01", "11.50"), ("2021-01-01", "10.00"))
        )
        self.assertTrue(capped)
        periods, capped = interest.effective_periods(
            "contractual_margin", commercial, civil, margin=Decimal("0")
        )
        # 10.00 <= 10.00 on every day: not capped, and one period
        self.assertEqual((periods, capped), (commercial, False))

    def test_bad_input(self):
        with self.assertRaises(ValueError):
            interest.effective_periods(
                "contractual", COMMERCIAL, CIVIL, rate=Decimal(5)
            )
        with self.assertRaises(ValueError):
            interest.effective_periods("contractual_fixed", COMMERCIAL, CIVIL)
        with self.assertRaises(ValueError):
            interest.effective_periods("contractual_margin", COMMERCIAL, CIVIL)
        with self.assertRaises(ValueError):
            interest.effective_periods(
                "contractual_fixed", COMMERCIAL, CIVIL, rate=Decimal("-1")
            )


class TestCompensation(unittest.TestCase):
    """Art. 10 of the act of 8 March 2013: 40 / 70 / 100 EUR."""

    def test_bands_and_boundaries(self):
        cases = [
            ("0.01", "40"),
            ("5000.00", "40"),  # <= 5,000: still the lowest band
            ("5000.01", "70"),
            ("49999.99", "70"),
            ("50000.00", "100"),  # >= 50,000: the highest band
            ("1000000000.00", "100"),
        ]
        for amount, expected in cases:
            with self.subTest(amount=amount):
                result = interest.compensation_eur(Decimal(amount))
                self.assertIsInstance(result, Decimal)
                self.assertEqual(result, Decimal(expected))
                self.assertEqual(str(result), expected)

    def test_float_is_refused(self):
        with self.assertRaises(TypeError):
            interest.compensation_eur(5000.0)


class TestCompensationRateDay(unittest.TestCase):
    """The last business day of the month before the due date's month."""

    def rate_day(self, due, holidays=()):
        return interest.last_business_day_before_month(d(due), holidays)

    def test_month_ending_on_a_saturday(self):
        # 2026-02-28 is a Saturday: Friday 2026-02-27
        self.assertEqual(self.rate_day("2026-03-10"), d("2026-02-27"))
        self.assertEqual(self.rate_day("2026-03-01"), d("2026-02-27"))
        self.assertEqual(self.rate_day("2026-03-31"), d("2026-02-27"))

    def test_month_ending_on_a_sunday(self):
        # 2025-08-31 is a Sunday, 08-30 a Saturday: Friday 2025-08-29
        self.assertEqual(self.rate_day("2025-09-15"), d("2025-08-29"))

    def test_holiday_on_the_last_friday(self):
        self.assertEqual(
            self.rate_day("2026-03-10", {d("2026-02-27")}), d("2026-02-26")
        )

    def test_january_looks_at_december_of_the_previous_year(self):
        # 2025-12-31 is a Wednesday
        self.assertEqual(self.rate_day("2026-01-15"), d("2025-12-31"))
        self.assertEqual(
            self.rate_day("2026-01-15", [d("2025-12-31")]), d("2025-12-30")
        )
        # 2023-12-31 is a Sunday: Friday 2023-12-29
        self.assertEqual(self.rate_day("2024-01-10"), d("2023-12-29"))

    def test_weekday_month_end(self):
        # 2025-09-30 is a Tuesday: the last day itself
        self.assertEqual(self.rate_day("2025-10-20"), d("2025-09-30"))


class TestExcludeAndHorizon(unittest.TestCase):
    """Days charged by earlier notes are skipped (not only the latest ones),
    and only the days actually charged need a trusted rate."""

    due = date(2025, 3, 14)
    periods = [interest.RatePeriod(date(2025, 1, 1), Decimal("15.75"))]

    def test_excluded_interval_in_the_middle(self):
        # Charged earlier: 21-31 March (11 days); now up to 10 April: the days
        # 15-20 March (6) and 1-10 April (10) are left.
        # 10000 * 15.75% * 16 / 365 = 69.04109589... -> 69.04
        result = interest.compute_interest(
            Decimal("10000.00"),
            self.due,
            [],
            date(2025, 4, 10),
            self.periods,
            exclude=[(date(2025, 3, 21), date(2025, 3, 31))],
        )
        self.assertEqual(
            [(s.date_from, s.date_to, s.days) for s in result.segments],
            [
                (date(2025, 3, 15), date(2025, 3, 20), 6),
                (date(2025, 4, 1), date(2025, 4, 10), 10),
            ],
        )
        self.assertEqual(result.total, Decimal("69.04"))

    def test_everything_excluded_charges_nothing(self):
        result = interest.compute_interest(
            Decimal("10000.00"),
            self.due,
            [],
            date(2025, 3, 31),
            self.periods,
            exclude=[(date(2025, 3, 15), date(2025, 3, 31))],
        )
        self.assertEqual(result.segments, ())
        self.assertEqual(result.total, Decimal("0.00"))

    def test_known_until_only_matters_for_charged_days(self):
        # Paid on 10 July 2025: no day after it is charged, so a horizon that
        # ends on 31 December 2025 is enough even when computing in 2026.
        paid = interest.compute_interest(
            Decimal("10000.00"),
            self.due,
            [(date(2025, 7, 10), Decimal("10000.00"))],
            date(2026, 3, 1),
            self.periods,
            known_until=date(2025, 12, 31),
            kind="statutory_commercial",
        )
        self.assertEqual(paid.date_to, date(2025, 7, 10))
        with self.assertRaises(interest.MissingRateError) as caught:
            interest.compute_interest(
                Decimal("10000.00"),
                self.due,
                [],
                date(2026, 3, 1),
                self.periods,
                known_until=date(2025, 12, 31),
                kind="statutory_commercial",
            )
        self.assertEqual(caught.exception.date, date(2026, 1, 1))
        self.assertEqual(caught.exception.kind, "statutory_commercial")

    def test_known_until_of_a_table(self):
        self.assertEqual(
            interest.known_until(
                [interest.RatePeriod(date(2025, 7, 1), Decimal("15.25"))], 6
            ),
            date(2025, 12, 31),
        )
        self.assertIsNone(interest.known_until([], 6))
