"""NBP's published rates, read and turned into the statutory interest tables.
Pure functions: no network, no database.

The reference rate comes from NBP's interest-rate files (format checked
against the published files at static.nbp.pl/dane/stopy/):

- the archive, ``stopy_procentowe_archiwum.xml``: one ``<pozycje
  obowiazuje_od="YYYY-MM-DD">`` per decision, holding a ``<pozycja id="ref"
  oprocentowanie="5,75"/>`` per rate (comma decimals);
- the current file, ``stopy_procentowe.xml``: ``<pozycja id="ref" …
  oprocentowanie="5,75" obowiazuje_od="YYYY-MM-DD"/>`` inside a ``<tabela>``.

Both are read; only the reference rate (``id="ref"``) matters. The archive's
``data_publikacji`` attribute is not kept current by NBP and is ignored.

Exchange rates come from NBP's web API (``/api/exchangerates/rates/a/{code}/
{date}/?format=json``): ``{"table": "A", "code": "EUR", "rates": [{"no":
"063/A/NBP/2026", "effectiveDate": "2026-03-31", "mid": 4.2512}]}``.

The statutory rules (stable since 2016):

- interest for delay, art. 481 § 2 KC: the reference rate + 5.5 points,
  changing the day the reference rate changes;
- interest for delay in commercial transactions (act of 8 March 2013): the
  reference rate in force on 1 January / 1 July + 10 points (8 points before
  2020) for that half-year.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from .interest import STATUTORY_CIVIL, STATUTORY_COMMERCIAL, RatePeriod

REFERENCE_RATE_ID = "ref"
# Both statutory rates follow the reference rate from this day on.
STATUTORY_SINCE = date(2016, 1, 1)
CIVIL_MARGIN = Decimal("5.5")
COMMERCIAL_MARGIN = Decimal(10)
COMMERCIAL_MARGIN_BEFORE_2020 = Decimal(8)
COMMERCIAL_MARGIN_CHANGE = date(2020, 1, 1)

_PERCENT = re.compile(r"\d{1,3}(?:[.,]\d{1,4})?")
# No DTD, no entities, no network: the file comes from outside.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


class NbpFormatError(ValueError):
    """An answer that is not what NBP publishes (the message says why)."""


@dataclass(frozen=True)
class ExchangeRate:
    table: str  # NBP's table number, e.g. "063/A/NBP/2026"
    day: date  # the table's effective date
    mid: Decimal  # PLN per unit of the currency


def _day(text, what):
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        raise NbpFormatError(f"{what}: {text!r} is not a date") from None


def _percent(text, day):
    text = (text or "").strip()
    if not _PERCENT.fullmatch(text):
        raise NbpFormatError(f"the reference rate of {day} is {text!r}")
    return Decimal(text.replace(",", "."))


def parse_reference_rates(content):
    """The reference rate's history from NBP's archive or current XML file:
    RatePeriods sorted by start. Raises NbpFormatError for anything else."""
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise NbpFormatError(f"not XML ({error})") from None
    rates = {}
    for item in root.iter("pozycja"):
        if item.get("id") != REFERENCE_RATE_ID:
            continue
        parent = item.getparent()
        start = item.get("obowiazuje_od") or parent.get("obowiazuje_od")
        start = _day(start, "the reference rate's start")
        rate = _percent(item.get("oprocentowanie"), start)
        if rates.setdefault(start, rate) != rate:
            raise NbpFormatError(f"two reference rates start on {start}")
    if not rates:
        raise NbpFormatError("no reference rate in it")
    return [RatePeriod(start, rate) for start, rate in sorted(rates.items())]


def rate_on(periods, day):
    """The rate of ``day`` in sorted ``periods``, or None before the first."""
    rate = None
    for period in periods:
        if period.start > day:
            break
        rate = period.rate
    return rate


def _merge(periods):
    result = []
    for period in periods:
        if not result or result[-1].rate != period.rate:
            result.append(period)
    return result


def half_year_start(day):
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day):
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


def _next_half_year(start):
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def civil_periods(reference):
    """Statutory interest for delay (art. 481 KC) from 2016 on (or from the
    first reference rate known, if later), changing with the reference rate."""
    derived = []
    first = rate_on(reference, STATUTORY_SINCE)
    if first is not None:
        derived.append(RatePeriod(STATUTORY_SINCE, first + CIVIL_MARGIN))
    derived += [
        RatePeriod(period.start, period.rate + CIVIL_MARGIN)
        for period in reference
        if period.start > STATUTORY_SINCE
    ]
    return _merge(derived)


def commercial_margin(half_year):
    if half_year < COMMERCIAL_MARGIN_CHANGE:
        return COMMERCIAL_MARGIN_BEFORE_2020
    return COMMERCIAL_MARGIN


def commercial_periods(reference, as_of):
    """Statutory interest for delay in commercial transactions for every
    half-year from 2016 that has begun by ``as_of`` and whose first day's
    reference rate is known."""
    derived = []
    start = STATUTORY_SINCE
    while start <= as_of:
        reference_rate = rate_on(reference, start)
        if reference_rate is not None:
            derived.append(RatePeriod(start, reference_rate + commercial_margin(start)))
        start = _next_half_year(start)
    return _merge(derived)


def derive_tables(reference, as_of):
    """{kind: periods} of both statutory tables from the reference rate's
    history as published on ``as_of``."""
    return {
        STATUTORY_CIVIL: civil_periods(reference),
        STATUTORY_COMMERCIAL: commercial_periods(reference, as_of),
    }


def table_known_until(kind, periods, as_of=None):
    """The last day a statutory table is known for, or None.

    ``as_of``: the last day the table was checked (an import, or a manual
    confirmation). The civil rate changes any day the reference rate does, so
    it is known up to that day (or the last period's start, if later); the
    commercial rate is fixed for a half-year, so it is known up to the end of
    the half-year of that day.
    """
    last_start = max((period.start for period in periods), default=None)
    days = [day for day in (as_of, last_start) if day]
    if not days:
        return None
    last = max(days)
    return half_year_end(last) if kind == STATUTORY_COMMERCIAL else last


def parse_exchange_rate(content, code, day):
    """The NBP table A mid rate of currency ``code`` in force on ``day`` from
    an API answer (one day or a range): the last table on or before ``day``,
    or None when the answer has none. Raises NbpFormatError for anything that
    is not such an answer."""
    try:
        data = json.loads(content, parse_float=Decimal)
        answered = str(data["code"]).upper()
        rates = [
            ExchangeRate(
                str(rate["no"]),
                _day(rate["effectiveDate"], "the table's date"),
                rate["mid"],
            )
            for rate in data["rates"]
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise NbpFormatError(f"not an NBP rate table ({error})") from None
    if answered != code.upper():
        raise NbpFormatError(f"the rate of {answered} instead of {code}")
    for rate in rates:
        if isinstance(rate.mid, bool) or not isinstance(rate.mid, Decimal | int):
            raise NbpFormatError(f"the mid rate of {rate.day} is {rate.mid!r}")
        if rate.mid <= 0:
            raise NbpFormatError(f"the mid rate of {rate.day} is {rate.mid!r}")
    rates = [rate for rate in rates if rate.day <= day]
    if not rates:
        return None
    found = max(rates, key=lambda rate: rate.day)
    return ExchangeRate(found.table, found.day, Decimal(found.mid))
