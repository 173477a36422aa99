"""Sending calendar: on which days and from which hour the automatic run acts."""

from datetime import timedelta


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
