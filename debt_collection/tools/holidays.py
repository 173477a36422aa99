"""Public holidays, computed per year (no table to keep up to date)."""

from datetime import date, timedelta

from dateutil.easter import easter

# Days off by law in Poland (ustawa o dniach wolnych od pracy), by code.
POLISH_FIXED = {
    (1, 1): "new_year",
    (1, 6): "epiphany",
    (5, 1): "labour_day",
    (5, 3): "constitution_day",
    (8, 15): "assumption",
    (11, 1): "all_saints",
    (11, 11): "independence_day",
    (12, 25): "christmas",
    (12, 26): "christmas_second",
}
# Days after Easter Sunday of the movable feasts.
POLISH_MOVABLE = {
    0: "easter",
    1: "easter_monday",
    49: "pentecost",
    60: "corpus_christi",
}
EPIPHANY_FROM = 2011  # a day off again since 2011
CHRISTMAS_EVE_FROM = 2025  # a day off since 2025


def polish_holidays(year):
    """{date: code} of the Polish public holidays of ``year``."""
    holidays = {
        date(year, month, day): code for (month, day), code in POLISH_FIXED.items()
    }
    if year < EPIPHANY_FROM:
        del holidays[date(year, 1, 6)]
    if year >= CHRISTMAS_EVE_FROM:
        holidays[date(year, 12, 24)] = "christmas_eve"
    sunday = easter(year)
    for offset, code in POLISH_MOVABLE.items():
        holidays[sunday + timedelta(days=offset)] = code
    return holidays


PUBLIC_HOLIDAYS = {"pl": polish_holidays}
