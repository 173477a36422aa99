"""Sending calendar: on which days and from which hour the automatic run acts."""

from datetime import timedelta


class Holidays:
    """The days the run does not send: fixed dates, plus the public holidays
    ``yearly(year)`` gives for any year (computed when first asked)."""

    def __init__(self, dates=(), yearly=None):
        self.dates = frozenset(dates)
        self.yearly = yearly
        self._years = {}

    def __contains__(self, day):
        if day in self.dates:
            return True
        if self.yearly is None:
            return False
        if day.year not in self._years:
            self._years[day.year] = frozenset(self.yearly(day.year))
        return day in self._years[day.year]


def is_sending_day(day, weekdays, holidays):
    """``weekdays`` is a set of ISO weekday numbers (1 = Monday)."""
    return day.isoweekday() in weekdays and day not in holidays


def is_sending_allowed(local_now, weekdays, send_hour, holidays):
    """May the automatic run send at ``local_now`` (naive, company time)?"""
    return (
        is_sending_day(local_now.date(), weekdays, holidays)
        and local_now.hour >= send_hour
    )


def next_sending_day(day, weekdays, holidays, horizon=400):
    """The first sending day on or after ``day``, or None within ``horizon``."""
    if not weekdays:
        return None
    for offset in range(horizon):
        candidate = day + timedelta(days=offset)
        if is_sending_day(candidate, weekdays, holidays):
            return candidate
    return None
