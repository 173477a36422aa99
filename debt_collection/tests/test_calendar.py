"""Unit tests of the sending calendar (tools/calendar.py), without a database."""

import unittest
from datetime import date, datetime, timedelta

from ..tools import calendar, holidays

MONDAY_TO_FRIDAY = frozenset({1, 2, 3, 4, 5})
SEND_HOUR = 8
# Polish public holidays (Easter Monday 2025, Christmas, New Year, Epiphany).
HOLIDAYS = frozenset(
    {
        date(2025, 4, 21),  # Easter Monday
        date(2025, 12, 25),  # Thursday
        date(2025, 12, 26),  # Friday
        date(2026, 1, 1),  # Thursday
        date(2026, 1, 6),  # Tuesday
    }
)
NO_HOLIDAYS = frozenset()


class TestIsSendingDay(unittest.TestCase):
    def test_working_day_is_a_sending_day(self):
        self.assertTrue(
            calendar.is_sending_day(date(2025, 12, 24), MONDAY_TO_FRIDAY, HOLIDAYS)
        )

    def test_weekend_is_not_a_sending_day(self):
        for weekend_day in (date(2025, 12, 27), date(2025, 12, 28)):
            with self.subTest(day=weekend_day):
                self.assertFalse(
                    calendar.is_sending_day(weekend_day, MONDAY_TO_FRIDAY, HOLIDAYS)
                )

    def test_holiday_on_a_working_day_is_not_a_sending_day(self):
        self.assertFalse(
            calendar.is_sending_day(date(2025, 12, 25), MONDAY_TO_FRIDAY, HOLIDAYS)
        )

    def test_weekdays_are_iso_numbers_starting_on_monday(self):
        # 2025-12-22 is a Monday, 2025-12-28 a Sunday.
        self.assertTrue(calendar.is_sending_day(date(2025, 12, 22), {1}, NO_HOLIDAYS))
        self.assertFalse(calendar.is_sending_day(date(2025, 12, 23), {1}, NO_HOLIDAYS))
        self.assertTrue(calendar.is_sending_day(date(2025, 12, 28), {7}, NO_HOLIDAYS))
        self.assertFalse(calendar.is_sending_day(date(2025, 12, 28), {0}, NO_HOLIDAYS))

    def test_weekend_is_a_sending_day_when_chosen(self):
        self.assertTrue(
            calendar.is_sending_day(date(2025, 12, 27), {6, 7}, NO_HOLIDAYS)
        )

    def test_holiday_wins_over_a_chosen_weekday(self):
        self.assertFalse(
            calendar.is_sending_day(date(2025, 12, 25), set(range(1, 8)), HOLIDAYS)
        )

    def test_no_weekday_means_no_sending_day(self):
        self.assertFalse(
            calendar.is_sending_day(date(2025, 12, 24), set(), NO_HOLIDAYS)
        )


class TestIsSendingAllowed(unittest.TestCase):
    def allowed(self, local_now, weekdays=MONDAY_TO_FRIDAY, send_hour=SEND_HOUR):
        return calendar.is_sending_allowed(local_now, weekdays, send_hour, HOLIDAYS)

    def test_not_allowed_one_minute_before_the_send_hour(self):
        self.assertFalse(self.allowed(datetime(2025, 12, 24, 7, 59)))

    def test_not_allowed_in_the_last_second_before_the_send_hour(self):
        self.assertFalse(self.allowed(datetime(2025, 12, 24, 7, 59, 59, 999999)))

    def test_allowed_exactly_at_the_send_hour(self):
        self.assertTrue(self.allowed(datetime(2025, 12, 24, 8, 0)))

    def test_allowed_until_the_end_of_the_day(self):
        self.assertTrue(self.allowed(datetime(2025, 12, 24, 23, 59, 59)))

    def test_not_allowed_at_midnight_with_a_morning_send_hour(self):
        self.assertFalse(self.allowed(datetime(2025, 12, 24, 0, 0)))

    def test_send_hour_zero_allows_the_whole_day(self):
        self.assertTrue(self.allowed(datetime(2025, 12, 24, 0, 0), send_hour=0))

    def test_not_allowed_on_a_holiday_even_after_the_send_hour(self):
        self.assertFalse(self.allowed(datetime(2025, 12, 25, 8, 0)))
        self.assertFalse(self.allowed(datetime(2025, 12, 25, 12, 0)))

    def test_not_allowed_on_a_weekend_even_after_the_send_hour(self):
        self.assertFalse(self.allowed(datetime(2025, 12, 27, 8, 0)))
        self.assertFalse(self.allowed(datetime(2025, 12, 28, 15, 0)))

    def test_not_allowed_without_any_weekday(self):
        self.assertFalse(self.allowed(datetime(2025, 12, 24, 12, 0), weekdays=set()))


class TestNextSendingDay(unittest.TestCase):
    def next_day(self, day, weekdays=MONDAY_TO_FRIDAY, holidays=HOLIDAYS, **kwargs):
        return calendar.next_sending_day(day, weekdays, holidays, **kwargs)

    def test_a_sending_day_is_its_own_next_sending_day(self):
        self.assertEqual(self.next_day(date(2025, 12, 24)), date(2025, 12, 24))

    def test_friday_is_returned_as_is(self):
        self.assertEqual(self.next_day(date(2025, 12, 19)), date(2025, 12, 19))

    def test_saturday_and_sunday_move_to_monday(self):
        for weekend_day in (date(2025, 12, 20), date(2025, 12, 21)):
            with self.subTest(day=weekend_day):
                self.assertEqual(self.next_day(weekend_day), date(2025, 12, 22))

    def test_christmas_holidays_and_weekend_move_to_monday(self):
        # Thursday and Friday are holidays, then the weekend.
        self.assertEqual(self.next_day(date(2025, 12, 25)), date(2025, 12, 29))

    def test_holiday_monday_after_a_weekend_moves_to_tuesday(self):
        # Saturday before Easter Monday 2025.
        self.assertEqual(self.next_day(date(2025, 4, 19)), date(2025, 4, 22))

    def test_new_year_holiday_moves_to_the_next_working_day(self):
        self.assertEqual(self.next_day(date(2026, 1, 1)), date(2026, 1, 2))

    def test_holiday_on_the_only_weekday_skips_a_week_across_the_year_end(self):
        # Thursdays only, from Friday 2025-12-26: Thursday 2026-01-01 is a holiday.
        self.assertEqual(
            self.next_day(date(2025, 12, 26), weekdays={4}), date(2026, 1, 8)
        )

    def test_single_weekday_waits_for_the_next_week(self):
        # Wednesdays only, from Thursday 2025-12-18.
        self.assertEqual(
            self.next_day(date(2025, 12, 18), weekdays={3}), date(2025, 12, 24)
        )

    def test_without_holidays_the_weekday_set_decides(self):
        self.assertEqual(
            self.next_day(date(2025, 12, 25), holidays=NO_HOLIDAYS), date(2025, 12, 25)
        )

    def test_empty_weekday_set_gives_none(self):
        self.assertIsNone(self.next_day(date(2025, 12, 24), weekdays=set()))

    def test_none_when_no_sending_day_within_the_horizon(self):
        # From Saturday 2025-12-27 with horizon 2: only Saturday and Sunday.
        self.assertIsNone(self.next_day(date(2025, 12, 27), horizon=2))

    def test_last_day_of_the_horizon_is_still_searched(self):
        # Monday is 2 days after Saturday: offset 2 needs a horizon of 3.
        self.assertEqual(
            self.next_day(date(2025, 12, 27), horizon=3), date(2025, 12, 29)
        )

    def test_none_when_every_day_is_a_holiday(self):
        start = date(2025, 12, 22)
        holidays = {date.fromordinal(start.toordinal() + n) for n in range(400)}
        self.assertIsNone(self.next_day(start, holidays=holidays))


class TestPolishHolidays(unittest.TestCase):
    """Polish public holidays computed per year (tools/holidays.py)."""

    def test_2026_fixed_and_movable(self):
        self.assertEqual(
            sorted(holidays.polish_holidays(2026).items()),
            [
                (date(2026, 1, 1), "new_year"),
                (date(2026, 1, 6), "epiphany"),
                (date(2026, 4, 5), "easter"),
                (date(2026, 4, 6), "easter_monday"),
                (date(2026, 5, 1), "labour_day"),
                (date(2026, 5, 3), "constitution_day"),
                (date(2026, 5, 24), "pentecost"),
                (date(2026, 6, 4), "corpus_christi"),
                (date(2026, 8, 15), "assumption"),
                (date(2026, 11, 1), "all_saints"),
                (date(2026, 11, 11), "independence_day"),
                (date(2026, 12, 24), "christmas_eve"),
                (date(2026, 12, 25), "christmas"),
                (date(2026, 12, 26), "christmas_second"),
            ],
        )

    def test_easter_of_other_years(self):
        # Easter Sunday, Easter Monday and Corpus Christi move every year.
        for year, sunday, corpus_christi in (
            (2024, date(2024, 3, 31), date(2024, 5, 30)),
            (2025, date(2025, 4, 20), date(2025, 6, 19)),
            (2027, date(2027, 3, 28), date(2027, 5, 27)),
            (2038, date(2038, 4, 25), date(2038, 6, 24)),
        ):
            with self.subTest(year=year):
                days = holidays.polish_holidays(year)
                self.assertEqual(days[sunday], "easter")
                self.assertEqual(days[sunday + timedelta(days=1)], "easter_monday")
                self.assertEqual(days[corpus_christi], "corpus_christi")

    def test_christmas_eve_is_a_holiday_from_2025(self):
        self.assertNotIn(date(2024, 12, 24), holidays.polish_holidays(2024))
        self.assertEqual(
            holidays.polish_holidays(2025)[date(2025, 12, 24)], "christmas_eve"
        )

    def test_epiphany_is_a_holiday_from_2011(self):
        self.assertNotIn(date(2010, 1, 6), holidays.polish_holidays(2010))
        self.assertIn(date(2011, 1, 6), holidays.polish_holidays(2011))

    def test_calendar_of_fixed_dates_and_yearly_holidays(self):
        days_off = calendar.Holidays({date(2026, 4, 7)}, holidays.polish_holidays)
        self.assertIn(date(2026, 4, 6), days_off)  # Easter Monday, computed
        self.assertIn(date(2026, 4, 7), days_off)  # the company's own day off
        self.assertNotIn(date(2026, 4, 8), days_off)
        self.assertIn(date(2031, 4, 14), days_off)  # Easter Monday 2031
        # Easter Monday 2026 and the day after: Wednesday is the next sending day.
        self.assertEqual(
            calendar.next_sending_day(date(2026, 4, 4), MONDAY_TO_FRIDAY, days_off),
            date(2026, 4, 8),
        )
        self.assertNotIn(date(2026, 4, 6), calendar.Holidays({date(2026, 4, 7)}))
