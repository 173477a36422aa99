"""The SMS sending window ("quiet hours" outside it): pure functions.

Hours are whole hours of the company's collection time zone: a window from
8 to 20 lets SMS go out from 8:00 to 19:59.
"""

from datetime import timedelta


def is_in_window(local_now, hour_from, hour_to):
    """May an SMS be sent at ``local_now`` (naive, company time)?"""
    return hour_from <= local_now.hour < hour_to


def next_window_day(local_now, hour_from, hour_to):
    """The day the window opens next (today before it opens, else tomorrow);
    ``local_now`` itself when the window is open."""
    if is_in_window(local_now, hour_from, hour_to) or local_now.hour < hour_from:
        return local_now.date()
    return local_now.date() + timedelta(days=1)
