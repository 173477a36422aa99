"""Unit tests of the pure scheduling core (tools/schedule.py, tools/money.py).

No database: plain ``unittest.TestCase`` classes. The reference policy is a
pre-due reminder 3 days before the due date, an overdue reminder on day 7
repeated every 7 days at most 2 times, a payment demand on day 30 and a final
demand on day 60, for an item due on Friday 2025-08-08.
"""

import unittest
from datetime import date, timedelta
from decimal import Decimal

from ..tools import calendar, schedule
from ..tools.money import to_decimal

PRE_DUE = schedule.StepRule(id=1, days=-3)
REMINDER = schedule.StepRule(id=2, days=7, repeat_interval=7, repeat_max=2)
DEMAND = schedule.StepRule(id=3, days=30)
FINAL = schedule.StepRule(id=4, days=60)
POLICY = schedule.sort_steps([FINAL, DEMAND, REMINDER, PRE_DUE])

DUE_DATE = date(2025, 8, 8)  # a Friday
MONDAY_TO_FRIDAY = frozenset({1, 2, 3, 4, 5})


def day(offset):
    """The day ``offset`` days after the reference due date."""
    return DUE_DATE + timedelta(days=offset)


def history(consumed, last_date=None):
    return schedule.StepHistory(consumed=consumed, last_date=last_date)


def walk(steps, first_day, last_day, runs_on=None):
    """Run the scheduler on every day from ``first_day`` to ``last_day``.

    Each occurrence that is due is consumed on the day it fires (as the engine
    does with a done event). ``runs_on(day)`` tells on which days a run happens
    at all. Returns the fired (date, step, occurrence) in order.
    """
    history_by_step, fired = {}, []
    current = first_day
    while current <= last_day:
        if runs_on is None or runs_on(current):
            due = schedule.due_step(steps, DUE_DATE, history_by_step, current)
            if due is not None:
                fired.append((current, due.step, due.occurrence))
                previous = history_by_step.get(due.step.id, schedule.NO_HISTORY)
                history_by_step[due.step.id] = history(previous.consumed + 1, current)
        current += timedelta(days=1)
    return fired


def due_on(run_date, history_by_step=None, steps=POLICY):
    return schedule.due_step(steps, DUE_DATE, history_by_step or {}, run_date)


def forecast(from_date, history_by_step=None, steps=POLICY):
    return schedule.next_due(steps, DUE_DATE, history_by_step or {}, from_date)


class TestTimeline(unittest.TestCase):
    """Which step occurrence fires on which day when the run happens daily."""

    def test_daily_walk_over_120_days_fires_each_occurrence_once_on_its_day(self):
        fired = walk(POLICY, date(2025, 7, 29), date(2025, 11, 25))  # 120 days
        self.assertEqual(
            fired,
            [
                (date(2025, 8, 5), PRE_DUE, 0),
                (date(2025, 8, 15), REMINDER, 0),
                (date(2025, 8, 22), REMINDER, 1),
                (date(2025, 8, 29), REMINDER, 2),
                (date(2025, 9, 7), DEMAND, 0),
                (date(2025, 10, 7), FINAL, 0),
            ],
        )

    def test_nothing_is_due_between_the_due_date_and_the_first_overdue_step(self):
        # The pre-due window closes on the due date; the reminder opens on day 7.
        for offset in range(1, 7):
            with self.subTest(day=day(offset)):
                self.assertIsNone(due_on(day(offset)))

    def test_item_first_seen_45_days_overdue_gets_only_the_current_step(self):
        due = due_on(date(2025, 9, 22))
        self.assertEqual(due.step, DEMAND)
        self.assertEqual(due.occurrence, 0)
        # The occurrence became due on day 30, it is sent late on day 45.
        self.assertEqual(due.date, date(2025, 9, 7))

    def test_item_first_seen_45_days_overdue_never_gets_earlier_steps(self):
        fired = walk(POLICY, date(2025, 9, 22), date(2025, 11, 25))
        self.assertEqual(
            fired,
            [
                (date(2025, 9, 22), DEMAND, 0),
                (date(2025, 10, 7), FINAL, 0),
            ],
        )

    def test_item_first_seen_100_days_overdue_gets_only_the_final_demand(self):
        fired = walk(POLICY, date(2025, 11, 16), date(2026, 3, 1))
        self.assertEqual(fired, [(date(2025, 11, 16), FINAL, 0)])

    def test_item_first_seen_inside_the_repeat_window_starts_at_occurrence_zero(self):
        # First seen on day 20: occurrence 0 now, occurrence 1 a week later;
        # occurrence 2 would be on day 34, after the reminder window (day 29).
        fired = walk(POLICY, date(2025, 8, 28), date(2025, 11, 25))
        self.assertEqual(
            fired,
            [
                (date(2025, 8, 28), REMINDER, 0),
                (date(2025, 9, 4), REMINDER, 1),
                (date(2025, 9, 7), DEMAND, 0),
                (date(2025, 10, 7), FINAL, 0),
            ],
        )

    def test_last_step_stays_current_forever_but_fires_once(self):
        history_by_step = {FINAL.id: history(1, date(2025, 10, 7))}
        for run_date in (date(2025, 10, 8), date(2026, 10, 7), date(2030, 1, 1)):
            with self.subTest(run_date=run_date):
                self.assertIsNone(due_on(run_date, history_by_step))


class TestDueStepAgreesWithTheWindows(unittest.TestCase):
    """``due_step`` computes the windows in days for speed; the forecast
    (``next_due``) walks :func:`schedule._windows`. Both must agree."""

    @staticmethod
    def _by_windows(steps, due_date, history_by_step, run_date):
        for step, start, end in schedule._windows(steps, due_date, history_by_step):
            if start > run_date or (end is not None and end < run_date):
                continue
            step_history = history_by_step.get(step.id, schedule.NO_HISTORY)
            when = schedule._occurrence_date(step, start, step_history)
            if when is not None and when <= run_date:
                return schedule.Due(step, step_history.consumed, when)
            return None
        return None

    def test_every_day_every_history(self):
        two_pre_due = schedule.sort_steps(
            [schedule.StepRule(id=5, days=-10), PRE_DUE, REMINDER, FINAL]
        )
        histories = [
            {},
            {PRE_DUE.id: history(1, day(-3))},
            {REMINDER.id: history(1, day(8))},
            {REMINDER.id: history(3, day(21)), DEMAND.id: history(1, day(30))},
            {FINAL.id: history(1, day(61))},
        ]
        checked = 0
        for steps in (POLICY, two_pre_due, [DEMAND], [PRE_DUE]):
            for item_history in histories:
                for offset in range(-20, 100):
                    self.assertEqual(
                        schedule.due_step(steps, DUE_DATE, item_history, day(offset)),
                        self._by_windows(steps, DUE_DATE, item_history, day(offset)),
                        (steps, item_history, offset),
                    )
                    checked += 1
        self.assertEqual(checked, 4 * 5 * 120)


class TestPreDueStep(unittest.TestCase):
    def test_pre_due_step_fires_on_its_trigger_day(self):
        due = due_on(date(2025, 8, 5))
        self.assertEqual((due.step, due.occurrence, due.date), (PRE_DUE, 0, day(-3)))

    def test_pre_due_step_is_not_due_before_its_trigger_day(self):
        self.assertIsNone(due_on(date(2025, 8, 4)))

    def test_missed_pre_due_step_still_applies_on_the_due_date_itself(self):
        due = due_on(DUE_DATE)
        self.assertEqual((due.step, due.occurrence), (PRE_DUE, 0))

    def test_missed_pre_due_step_is_never_sent_after_the_due_date(self):
        # A policy with only a pre-due step: its window closes on the due date
        # even though no later step closes it.
        for offset in range(1, 400):
            with self.subTest(day=day(offset)):
                self.assertIsNone(due_on(day(offset), steps=[PRE_DUE]))

    def test_repeating_pre_due_step_stops_at_the_due_date(self):
        # Every 2 days from day -3: days -3 and -1; day +1 is after the due date.
        pre_due = schedule.StepRule(id=1, days=-3, repeat_interval=2, repeat_max=5)
        fired = walk([pre_due], date(2025, 7, 29), date(2025, 9, 30))
        self.assertEqual(
            fired,
            [(date(2025, 8, 5), pre_due, 0), (date(2025, 8, 7), pre_due, 1)],
        )

    def test_pre_due_step_closes_the_day_before_the_next_pre_due_step(self):
        early = schedule.StepRule(id=5, days=-10)
        steps = schedule.sort_steps([early, PRE_DUE])
        self.assertEqual(due_on(day(-4), steps=steps).step, early)
        # First seen on day -3: the early reminder is not sent late.
        self.assertEqual(due_on(day(-3), steps=steps).step, PRE_DUE)


class TestRepeats(unittest.TestCase):
    def test_consumed_occurrence_does_not_fire_again_before_the_interval(self):
        history_by_step = {REMINDER.id: history(1, date(2025, 8, 15))}
        for offset in range(7, 14):
            with self.subTest(day=day(offset)):
                self.assertIsNone(due_on(day(offset), history_by_step))
        due = due_on(date(2025, 8, 22), history_by_step)
        self.assertEqual((due.step, due.occurrence), (REMINDER, 1))

    def test_next_repeat_waits_the_interval_after_a_late_consumption(self):
        # Occurrence 0 was consumed on day 10 instead of 7: occurrence 1 is due
        # on day 17, not on its nominal day 14.
        history_by_step = {REMINDER.id: history(1, date(2025, 8, 18))}
        self.assertIsNone(due_on(date(2025, 8, 22), history_by_step))
        self.assertIsNone(due_on(date(2025, 8, 24), history_by_step))
        due = due_on(date(2025, 8, 25), history_by_step)
        self.assertEqual(
            (due.step, due.occurrence, due.date), (REMINDER, 1, date(2025, 8, 25))
        )

    def test_occurrence_postponed_by_the_calendar_fires_once_on_the_next_run(self):
        # Runs on working days only; Friday 2025-08-15 (day 7) is a holiday.
        holidays = {date(2025, 8, 15)}

        def runs_on(run_date):
            return calendar.is_sending_day(run_date, MONDAY_TO_FRIDAY, holidays)

        fired = walk(POLICY, date(2025, 7, 29), date(2025, 11, 25), runs_on=runs_on)
        self.assertEqual(
            fired,
            [
                (date(2025, 8, 5), PRE_DUE, 0),
                # Day 7 is a holiday before a weekend: sent on Monday (day 10),
                # then every 7 days from that Monday, not from the nominal Fridays.
                (date(2025, 8, 18), REMINDER, 0),
                (date(2025, 8, 25), REMINDER, 1),
                (date(2025, 9, 1), REMINDER, 2),
                # Day 30 is a Sunday.
                (date(2025, 9, 8), DEMAND, 0),
                (date(2025, 10, 7), FINAL, 0),
            ],
        )

    def test_exhausted_repeats_fire_nothing_until_the_next_step(self):
        history_by_step = {REMINDER.id: history(3, date(2025, 8, 29))}
        for offset in range(21, 30):
            with self.subTest(day=day(offset)):
                self.assertIsNone(due_on(day(offset), history_by_step))
        self.assertEqual(due_on(date(2025, 9, 7), history_by_step).step, DEMAND)

    def test_repeat_pushed_past_the_window_end_is_dropped(self):
        # Occurrence 1 consumed late on day 25: occurrence 2 would be on day 32,
        # inside the payment demand window, so it is never sent.
        history_by_step = {REMINDER.id: history(2, date(2025, 9, 2))}
        for offset in range(25, 30):
            with self.subTest(day=day(offset)):
                self.assertIsNone(due_on(day(offset), history_by_step))
        due = due_on(date(2025, 9, 7), history_by_step)
        self.assertEqual((due.step, due.occurrence), (DEMAND, 0))

    def test_history_without_last_date_uses_the_nominal_repeat_dates(self):
        history_by_step = {REMINDER.id: history(2)}
        self.assertIsNone(due_on(date(2025, 8, 28), history_by_step))
        due = due_on(date(2025, 8, 29), history_by_step)
        self.assertEqual(
            (due.step, due.occurrence, due.date), (REMINDER, 2, date(2025, 8, 29))
        )

    def test_step_without_repeat_fires_once(self):
        history_by_step = {DEMAND.id: history(1, date(2025, 9, 7))}
        for offset in range(30, 60):
            with self.subTest(day=day(offset)):
                self.assertIsNone(due_on(day(offset), history_by_step))

    def test_max_occurrences_counts_the_first_send_and_the_repeats(self):
        self.assertEqual(REMINDER.max_occurrences, 3)
        self.assertEqual(DEMAND.max_occurrences, 1)
        # A repeat count without an interval does not repeat.
        no_interval = schedule.StepRule(id=9, days=30, repeat_max=4)
        self.assertEqual(no_interval.max_occurrences, 1)


class TestSortSteps(unittest.TestCase):
    def test_steps_are_sorted_by_trigger_day_then_id(self):
        second = schedule.StepRule(id=7, days=7)
        self.assertEqual(
            schedule.sort_steps([FINAL, second, PRE_DUE, DEMAND, REMINDER]),
            [PRE_DUE, REMINDER, second, DEMAND, FINAL],
        )

    def test_policy_without_steps_has_nothing_due(self):
        self.assertIsNone(due_on(date(2025, 9, 7), steps=[]))
        self.assertIsNone(forecast(date(2025, 9, 7), steps=[]))


class TestNextDue(unittest.TestCase):
    """Forecasts: the first day on or after a date when something will be due."""

    def assertForecast(self, due, step, occurrence, when):
        self.assertIsNotNone(due)
        self.assertEqual((due.step, due.occurrence, due.date), (step, occurrence, when))

    def test_forecast_before_the_pre_due_step_is_its_trigger_day(self):
        self.assertForecast(forecast(date(2025, 7, 29)), PRE_DUE, 0, date(2025, 8, 5))

    def test_forecast_on_a_day_already_due_is_that_day(self):
        self.assertForecast(forecast(date(2025, 8, 7)), PRE_DUE, 0, date(2025, 8, 7))

    def test_forecast_after_the_pre_due_reminder_is_the_first_overdue_reminder(self):
        history_by_step = {PRE_DUE.id: history(1, date(2025, 8, 5))}
        self.assertForecast(
            forecast(date(2025, 8, 5), history_by_step), REMINDER, 0, date(2025, 8, 15)
        )

    def test_forecast_after_the_due_date_skips_a_missed_pre_due_step(self):
        self.assertForecast(forecast(date(2025, 8, 9)), REMINDER, 0, date(2025, 8, 15))

    def test_forecast_inside_a_window_is_the_next_repeat(self):
        history_by_step = {REMINDER.id: history(1, date(2025, 8, 15))}
        self.assertForecast(
            forecast(date(2025, 8, 18), history_by_step), REMINDER, 1, date(2025, 8, 22)
        )

    def test_forecast_respects_the_interval_after_a_late_consumption(self):
        history_by_step = {REMINDER.id: history(1, date(2025, 8, 18))}
        self.assertForecast(
            forecast(date(2025, 8, 19), history_by_step), REMINDER, 1, date(2025, 8, 25)
        )

    def test_forecast_after_exhausted_repeats_is_the_next_step(self):
        history_by_step = {REMINDER.id: history(3, date(2025, 8, 29))}
        self.assertForecast(
            forecast(date(2025, 8, 30), history_by_step), DEMAND, 0, date(2025, 9, 7)
        )

    def test_forecast_skips_a_repeat_that_would_fall_after_its_window(self):
        history_by_step = {REMINDER.id: history(2, date(2025, 9, 2))}
        self.assertForecast(
            forecast(date(2025, 9, 3), history_by_step), DEMAND, 0, date(2025, 9, 7)
        )

    def test_forecast_for_an_item_first_seen_late_is_the_current_step_today(self):
        self.assertForecast(forecast(date(2025, 9, 22)), DEMAND, 0, date(2025, 9, 22))

    def test_forecast_on_the_last_step_without_history_is_today(self):
        self.assertForecast(forecast(date(2025, 11, 16)), FINAL, 0, date(2025, 11, 16))

    def test_forecast_after_the_last_step_is_none(self):
        history_by_step = {FINAL.id: history(1, date(2025, 10, 7))}
        self.assertIsNone(forecast(date(2025, 10, 7), history_by_step))
        self.assertIsNone(forecast(date(2026, 10, 7), history_by_step))

    def test_forecast_agrees_with_the_first_day_the_scheduler_fires(self):
        histories = [
            {},
            {PRE_DUE.id: history(1, day(-3))},
            {REMINDER.id: history(1, day(7))},
            {REMINDER.id: history(1, day(10))},
            {REMINDER.id: history(2, day(25))},
            {REMINDER.id: history(3, day(21))},
            {DEMAND.id: history(1, day(30))},
            {FINAL.id: history(1, day(60))},
        ]
        for history_by_step in histories:
            for offset in range(-10, 110):
                from_date = day(offset)
                expected = None
                for later in range(offset, 200):
                    due = due_on(day(later), history_by_step)
                    if due is not None:
                        expected = (day(later), due.step, due.occurrence)
                        break
                due = forecast(from_date, history_by_step)
                got = (due.date, due.step, due.occurrence) if due else None
                with self.subTest(history=history_by_step, from_date=from_date):
                    self.assertEqual(got, expected)


def candidate(item_id, partner_id, amount, step, occurrence=0, when=DUE_DATE):
    return schedule.Candidate(
        item_id=item_id,
        partner_id=partner_id,
        amount=Decimal(amount),
        due=schedule.Due(step=step, occurrence=occurrence, date=when),
    )


class TestApplyMinimums(unittest.TestCase):
    ITEM_MIN = schedule.StepRule(id=10, days=7, min_item_amount=Decimal("100.00"))
    PARTNER_MIN = schedule.StepRule(
        id=11, days=30, min_partner_amount=Decimal("500.00")
    )

    def split(self, candidates):
        """(item ids to act on, {item id: reason} skipped), order-independent."""
        to_act, skipped = schedule.apply_minimums(candidates)
        return (
            sorted(c.item_id for c in to_act),
            {c.item_id: reason for c, reason in skipped},
        )

    def test_item_amount_equal_to_the_item_minimum_is_acted_on(self):
        self.assertEqual(
            self.split([candidate(1, 1, "100.00", self.ITEM_MIN)]), ([1], {})
        )

    def test_item_amount_one_grosz_below_the_item_minimum_is_skipped(self):
        self.assertEqual(
            self.split([candidate(1, 1, "99.99", self.ITEM_MIN)]),
            ([], {1: schedule.SKIP_BELOW_ITEM_MINIMUM}),
        )

    def test_partner_total_equal_to_the_partner_minimum_acts_on_every_item(self):
        candidates = [
            candidate(1, 1, "300.00", self.PARTNER_MIN),
            candidate(2, 1, "150.00", self.PARTNER_MIN),
            candidate(3, 1, "50.00", self.PARTNER_MIN),
        ]
        self.assertEqual(self.split(candidates), ([1, 2, 3], {}))

    def test_partner_total_one_grosz_below_the_partner_minimum_skips_every_item(self):
        candidates = [
            candidate(1, 1, "300.00", self.PARTNER_MIN),
            candidate(2, 1, "150.00", self.PARTNER_MIN),
            candidate(3, 1, "49.99", self.PARTNER_MIN),
        ]
        reason = schedule.SKIP_BELOW_PARTNER_MINIMUM
        self.assertEqual(
            self.split(candidates), ([], {1: reason, 2: reason, 3: reason})
        )

    def test_single_item_above_the_partner_minimum_is_acted_on(self):
        self.assertEqual(
            self.split([candidate(1, 1, "500.01", self.PARTNER_MIN)]), ([1], {})
        )

    def test_items_below_the_item_minimum_do_not_count_towards_the_partner_total(self):
        # 450 + 60 would reach 500, but the 60 item is itself below the item
        # minimum: it is not sent, so the message would only list 450.
        step = schedule.StepRule(
            id=12,
            days=30,
            min_item_amount=Decimal("100.00"),
            min_partner_amount=Decimal("500.00"),
        )
        candidates = [candidate(1, 1, "450.00", step), candidate(2, 1, "60.00", step)]
        self.assertEqual(
            self.split(candidates),
            (
                [],
                {
                    1: schedule.SKIP_BELOW_PARTNER_MINIMUM,
                    2: schedule.SKIP_BELOW_ITEM_MINIMUM,
                },
            ),
        )

    def test_partner_minimum_is_checked_per_partner_and_per_step(self):
        other_step = schedule.StepRule(
            id=13, days=60, min_partner_amount=Decimal("500.00")
        )
        candidates = [
            # Partner 1, step 11: 250 + 250 = 500, acted on.
            candidate(1, 1, "250.00", self.PARTNER_MIN),
            candidate(2, 1, "250.00", self.PARTNER_MIN),
            # Partner 1, step 13: 400 alone; partner 1's other step does not help.
            candidate(3, 1, "400.00", other_step),
            # Partner 2, step 11: 499.99, skipped.
            candidate(4, 2, "499.99", self.PARTNER_MIN),
            # Partner 3, step 13: 600, acted on.
            candidate(5, 3, "600.00", other_step),
        ]
        reason = schedule.SKIP_BELOW_PARTNER_MINIMUM
        self.assertEqual(self.split(candidates), ([1, 2, 5], {3: reason, 4: reason}))

    def test_steps_without_minimums_act_on_every_candidate(self):
        candidates = [
            candidate(1, 1, "0.01", REMINDER, occurrence=1),
            candidate(2, 2, "1000000.00", FINAL),
        ]
        self.assertEqual(self.split(candidates), ([1, 2], {}))

    def test_no_candidates_give_nothing_to_do(self):
        self.assertEqual(schedule.apply_minimums([]), ([], []))

    def test_skipped_candidates_keep_their_due_occurrence(self):
        skipped_candidate = candidate(1, 1, "10.00", self.ITEM_MIN, occurrence=2)
        _to_act, skipped = schedule.apply_minimums([skipped_candidate])
        self.assertEqual(
            skipped, [(skipped_candidate, schedule.SKIP_BELOW_ITEM_MINIMUM)]
        )

    def test_float_residual_rounding_up_to_the_minimum_passes(self):
        # The engine converts the float residual with to_decimal first.
        amount = to_decimal(99.995)
        self.assertEqual(
            self.split([candidate(1, 1, amount, self.ITEM_MIN)]), ([1], {})
        )


class TestAfterAHigherStep(unittest.TestCase):
    """An item listed in a higher step's message has reached that step."""

    def test_no_softer_reminder_after_a_demand(self):
        # Day 10: the item went out with the customer's payment demand. The
        # reminder repeats of days 14 and 21 are not sent any more.
        demanded = {DEMAND.id: history(1, day(10))}
        self.assertIsNone(due_on(day(14), demanded))
        self.assertIsNone(due_on(day(21), demanded))
        # Nor the demand again on its own day 30; the final demand still comes.
        self.assertIsNone(due_on(day(30), demanded))
        self.assertEqual(due_on(day(60), demanded), schedule.Due(FINAL, 0, day(60)))
        self.assertEqual(forecast(day(11), demanded), schedule.Due(FINAL, 0, day(60)))


def message_step(step_id, days, channel="mail", combine=True, net=True):
    return schedule.StepRule(
        id=step_id,
        days=days,
        message_channel=channel,
        combine=combine,
        net_credits=net,
    )


def item(item_id, partner_id, step, overdue=True, amount="100.00", currency=1):
    return schedule.Candidate(
        item_id=item_id,
        partner_id=partner_id,
        amount=Decimal(amount),
        due=schedule.Due(step, 0, DUE_DATE),
        overdue=overdue,
        currency_id=currency,
        amount_currency=Decimal(amount),
    )


class TestCombineSameDay(unittest.TestCase):
    PRE = message_step(20, -3)
    REMIND = message_step(21, 7)
    DEMAND = message_step(22, 40)
    SMS = message_step(23, 10, channel="sms")
    CALL = schedule.StepRule(id=24, days=50)

    def steps(self, candidates, available=lambda c, s: 0):
        return {
            c.item_id: (c.due.step.id, c.due.occurrence)
            for c in schedule.combine_same_day(candidates, available)
        }

    def test_lower_steps_join_the_highest_message_of_the_day(self):
        result = self.steps(
            [
                item(1, 1, self.REMIND),
                item(2, 1, self.DEMAND),
                item(3, 2, self.REMIND),  # another customer: untouched
            ]
        )
        self.assertEqual(result, {1: (22, 0), 2: (22, 0), 3: (21, 0)})

    def test_items_not_yet_due_stay_out_of_an_overdue_message(self):
        result = self.steps(
            [item(1, 1, self.PRE, overdue=False), item(2, 1, self.DEMAND)]
        )
        self.assertEqual(result, {1: (20, 0), 2: (22, 0)})

    def test_channels_and_activities_are_separate(self):
        result = self.steps(
            [item(1, 1, self.REMIND), item(2, 1, self.SMS), item(3, 1, self.CALL)]
        )
        self.assertEqual(result, {1: (21, 0), 2: (23, 0), 3: (24, 0)})

    def test_a_step_that_does_not_combine_keeps_todays_behaviour(self):
        separate = message_step(22, 40, combine=False)
        result = self.steps([item(1, 1, self.REMIND), item(2, 1, separate)])
        self.assertEqual(result, {1: (21, 0), 2: (22, 0)})

    def test_an_item_that_already_had_the_higher_step_keeps_its_own(self):
        def available(candidate, step):
            return None if candidate.item_id == 1 else 0

        result = self.steps(
            [item(1, 1, self.REMIND), item(2, 1, self.DEMAND)], available
        )
        self.assertEqual(result, {1: (21, 0), 2: (22, 0)})


class TestNetCredits(unittest.TestCase):
    REMIND = message_step(21, 7)
    GROSS = message_step(22, 7, net=False)

    def split(self, candidates, credits):
        to_act, skipped = schedule.net_credits(candidates, credits)
        return (
            [c.item_id for c in to_act],
            {c.item_id: reason for c, reason in skipped},
        )

    def test_credits_covering_the_items_stop_the_message(self):
        candidates = [
            item(1, 1, self.REMIND, amount="600.00"),
            item(2, 1, self.REMIND, amount="400.00"),
        ]
        self.assertEqual(
            self.split(candidates, {1: {1: Decimal("1000.00")}}),
            (
                [],
                {
                    1: schedule.SKIP_COVERED_BY_CREDITS,
                    2: schedule.SKIP_COVERED_BY_CREDITS,
                },
            ),
        )

    def test_one_grosz_more_than_the_credits_is_chased(self):
        candidates = [item(1, 1, self.REMIND, amount="1000.01")]
        self.assertEqual(
            self.split(candidates, {1: {1: Decimal("1000.00")}}), ([1], {})
        )

    def test_credits_net_within_their_currency_only(self):
        candidates = [
            item(1, 1, self.REMIND, amount="500.00", currency=1),
            item(2, 1, self.REMIND, amount="100.00", currency=2),
        ]
        self.assertEqual(
            self.split(candidates, {1: {1: Decimal("900.00")}}),
            ([2], {1: schedule.SKIP_COVERED_BY_CREDITS}),
        )

    def test_a_step_that_does_not_net_ignores_credits(self):
        candidates = [item(1, 1, self.GROSS, amount="50.00")]
        self.assertEqual(self.split(candidates, {1: {1: Decimal("900.00")}}), ([1], {}))

    def test_partner_minimum_compares_the_net(self):
        step = schedule.StepRule(
            id=25, days=7, min_partner_amount=Decimal("500.00"), net_credits=True
        )
        candidates = [item(1, 1, step, amount="600.00")]
        _to_act, skipped = schedule.apply_minimums(
            candidates, {1: {1: Decimal("600.00")}}, {1: {1: Decimal("100.01")}}
        )
        self.assertEqual(
            [(c.item_id, r) for c, r in skipped],
            [(1, schedule.SKIP_BELOW_PARTNER_MINIMUM)],
        )
        to_act, _skipped = schedule.apply_minimums(
            candidates, {1: {1: Decimal("600.00")}}, {1: {1: Decimal("100.00")}}
        )
        self.assertEqual([c.item_id for c in to_act], [1])
        # Credits in another currency do not lower the total.
        to_act, _skipped = schedule.apply_minimums(
            candidates, {1: {1: Decimal("600.00")}}, {1: {2: Decimal("500.00")}}
        )
        self.assertEqual([c.item_id for c in to_act], [1])


class TestDaysOverdue(unittest.TestCase):
    def test_zero_on_the_due_date(self):
        self.assertEqual(schedule.days_overdue(DUE_DATE, DUE_DATE), 0)

    def test_counts_calendar_days_after_the_due_date(self):
        self.assertEqual(schedule.days_overdue(DUE_DATE, date(2025, 8, 9)), 1)
        self.assertEqual(schedule.days_overdue(DUE_DATE, date(2025, 9, 22)), 45)
        # Across a year end.
        self.assertEqual(
            schedule.days_overdue(date(2025, 12, 15), date(2026, 1, 14)), 30
        )

    def test_never_negative_before_the_due_date(self):
        self.assertEqual(schedule.days_overdue(DUE_DATE, date(2025, 8, 5)), 0)


class TestToDecimal(unittest.TestCase):
    def test_rounds_half_up_on_the_decimal_value_not_the_binary_float(self):
        # The float 2.675 is stored as 2.67499999...; round() gives 2.67.
        self.assertEqual(to_decimal(2.675), Decimal("2.68"))
        self.assertEqual(to_decimal(1.005), Decimal("1.01"))

    def test_float_noise_is_removed(self):
        self.assertEqual(to_decimal(0.1 + 0.2), Decimal("0.30"))

    def test_none_is_zero(self):
        self.assertEqual(to_decimal(None), Decimal(0))

    def test_result_has_exactly_the_requested_digits(self):
        self.assertEqual(str(to_decimal(2.5)), "2.50")
        self.assertEqual(str(to_decimal(0.0)), "0.00")
        self.assertEqual(str(to_decimal(1234.5678)), "1234.57")

    def test_below_half_rounds_down(self):
        self.assertEqual(to_decimal(2.674999), Decimal("2.67"))

    def test_negative_half_rounds_away_from_zero(self):
        self.assertEqual(to_decimal(-2.675), Decimal("-2.68"))

    def test_other_digit_counts(self):
        self.assertEqual(str(to_decimal(2.5, digits=0)), "3")
        self.assertEqual(str(to_decimal(1.0005, digits=3)), "1.001")

    def test_integers_and_decimals_are_accepted(self):
        self.assertEqual(str(to_decimal(5)), "5.00")
        self.assertEqual(to_decimal(Decimal("2.675")), Decimal("2.68"))
