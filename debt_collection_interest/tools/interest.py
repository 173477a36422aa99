"""Late-payment interest and the EU compensation. Pure functions, no database.

A rate table is a list of :class:`RatePeriod`: an annual rate in percent valid
from its start day until the day before the next period's start; the last
period runs on, but only up to the day its table is known for (the
``known_until`` of :func:`compute_interest`; the statutory tables' horizons are
in tools/nbp.py), because a rate that is not announced yet must not be guessed.

Interest on an item is computed day by day in effect, but in *segments*: runs
of days with the same balance, the same rate and (for the 'actual' day basis)
the same year, so that a note can print one line per segment. The segments are
exact (Fractions behind Decimals) and the item total is rounded once, half-up,
so splitting a period never gains or loses a grosz.
"""

import calendar
import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise

STATUTORY_COMMERCIAL = "statutory_commercial"
STATUTORY_CIVIL = "statutory_civil"
CONTRACTUAL_FIXED = "contractual_fixed"
CONTRACTUAL_MARGIN = "contractual_margin"
KINDS = (STATUTORY_COMMERCIAL, STATUTORY_CIVIL, CONTRACTUAL_FIXED, CONTRACTUAL_MARGIN)

BASIS_365 = "365"
BASIS_ACTUAL = "actual"
DAY_BASES = (BASIS_365, BASIS_ACTUAL)

# Art. 481 § 2^1 KC: contractual interest for delay may not exceed twice the
# statutory (civil) interest for delay.
LEGAL_MAXIMUM_FACTOR = 2

# Digits kept in the Decimal shown for a segment; the total uses the exact value.
PRECISION = 40

ONE_DAY = timedelta(days=1)


class MissingRateError(ValueError):
    """No known rate for a day: .kind (str or None) and .date (the first day without a rate)."""

    def __init__(self, date, kind=None):
        # args keep the data (not the message), so the error pickles and copies
        super().__init__(date, kind)
        self.date = date
        self.kind = kind

    def __str__(self):
        table = f"{self.kind} interest rate" if self.kind else "interest rate"
        return (
            f"No {table} is known for {self.date.isoformat()}: add the rate "
            f"period that covers this day."
        )


@dataclass(frozen=True)
class RatePeriod:
    start: date  # first day (inclusive); valid until the next period's start
    rate: Decimal  # annual rate in percent, e.g. Decimal("15.75")


@dataclass(frozen=True)
class Segment:
    """Days with one balance, one rate (and one year on the 'actual' basis)."""

    date_from: date  # inclusive
    date_to: date  # inclusive
    days: int
    balance: Decimal  # amount on which interest runs in this segment
    rate: Decimal  # annual percent
    interest: Decimal  # exact (not rounded); PRECISION digits if it does not terminate


@dataclass(frozen=True)
class ItemInterest:
    segments: tuple  # of Segment
    total: Decimal  # exact sum of the segments, rounded half-up to the quantum once
    date_from: date | None  # first day charged (None when nothing is charged)
    date_to: date | None  # last day charged


def _decimal(value):
    """A Decimal from a Decimal or an int; a float is a bug (not exact)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"Expected a Decimal or an int, got {value!r}.")


def _sorted(periods):
    """Periods by start; two periods starting the same day are ambiguous."""
    result = sorted(periods, key=lambda period: period.start)
    for previous, current in pairwise(result):
        if previous.start == current.start:
            raise ValueError(f"Two rate periods start on {current.start.isoformat()}.")
    return result


def _rate_on(periods, starts, day):
    """The rate of ``day`` in sorted ``periods`` (``starts`` their starts), or None."""
    index = bisect_right(starts, day) - 1
    return periods[index].rate if index >= 0 else None


def _merge(periods):
    """Drop periods that only repeat the previous rate (``periods`` sorted)."""
    result = []
    for period in periods:
        if not result or result[-1].rate != period.rate:
            result.append(period)
    return result


def _add_months(day, months):
    """``day`` moved by whole months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def known_until(periods, horizon_months):
    """The last day a table's rates are trusted for: the day before its last
    period's start plus ``horizon_months`` months (None for an empty table)."""
    if not periods:
        return None
    last = max(periods, key=lambda period: period.start)
    return _add_months(last.start, horizon_months) - ONE_DAY


def check_known(periods, until, horizon_months, kind=None):
    """Raise MissingRateError(kind=kind, date=...) when `until` lies after the plausibility horizon of the
    last period: the horizon ends the day before last.start + horizon_months months (e.g. a rate starting
    2025-07-01 with 6 months covers up to 2025-12-31; the error's date is 2026-01-01). Also raise when
    periods is empty (the error's date is then `until`). periods may be unsorted.

    Rates are announced ahead for a limited time (the commercial rate every half
    year), so a calculation beyond that stops instead of guessing. For a capped
    contractual rate, check the civil table as well: it defines the cap.
    """
    if horizon_months < 0:
        raise ValueError("The plausibility horizon must not be negative.")
    periods = list(periods)
    if not periods:
        raise MissingRateError(until, kind)
    last = max(periods, key=lambda period: period.start)
    beyond = _add_months(last.start, horizon_months)  # first day not covered
    if until >= beyond:
        raise MissingRateError(beyond, kind)


def _capped(base, cap):
    """Piecewise minimum of two sorted tables, and whether ``cap`` ever won.

    Days before the first ``base`` period have no rate; days before the first
    ``cap`` period are not capped.
    """
    base_starts = [period.start for period in base]
    cap_starts = [period.start for period in cap]
    result, capped = [], False
    for start in sorted(set(base_starts) | set(cap_starts)):
        rate = _rate_on(base, base_starts, start)
        if rate is None:
            continue
        limit = _rate_on(cap, cap_starts, start)
        if limit is not None and limit < rate:
            rate, capped = limit, True
        result.append(RatePeriod(start, rate))
    return _merge(result), capped


def effective_periods(kind, commercial, civil, rate=None, margin=None):
    """(periods, capped) for kind in 'statutory_commercial' | 'statutory_civil' | 'contractual_fixed' |
    'contractual_margin'. commercial/civil: lists of RatePeriod. contractual_fixed: `rate` every day;
    contractual_margin: commercial + `margin`. Contractual rates are capped at the legal maximum, twice the
    civil statutory rate of each day (art. 481 § 2^1 KC): the result is the piecewise minimum, with
    boundaries at every change of either input; `capped` says whether the cap lowered the rate on any day
    (from the first civil period on). Merge adjacent periods with equal rates.

    The fixed rate holds "every day" as one period starting on ``date.min``.
    Statutory rates are never capped (they are the law, not an agreement).
    """
    commercial, civil = _sorted(commercial), _sorted(civil)
    if kind == STATUTORY_COMMERCIAL:
        return _merge(commercial), False
    if kind == STATUTORY_CIVIL:
        return _merge(civil), False
    if kind == CONTRACTUAL_FIXED:
        if rate is None:
            raise ValueError("A fixed contractual rate needs the rate.")
        rate = _decimal(rate)
        if rate < 0:
            raise ValueError("An interest rate must not be negative.")
        base = [RatePeriod(date.min, rate)]
    elif kind == CONTRACTUAL_MARGIN:
        if margin is None:
            raise ValueError(
                "A contractual rate over the commercial one needs the margin."
            )
        margin = _decimal(margin)
        base = [RatePeriod(period.start, period.rate + margin) for period in commercial]
    else:
        raise ValueError(f"Unknown interest kind {kind!r}.")
    cap = [
        RatePeriod(period.start, period.rate * LEGAL_MAXIMUM_FACTOR) for period in civil
    ]
    return _capped(base, cap)


def _round_half_up(value, quantum):
    """An exact Fraction as a Decimal multiple of ``quantum``, halves away from 0."""
    steps = value / Fraction(quantum)
    whole = math.floor(abs(steps) + Fraction(1, 2))
    with localcontext() as context:
        context.prec = PRECISION
        result = Decimal(whole if steps >= 0 else -whole) * quantum
        return result.quantize(quantum, rounding=ROUND_HALF_UP)


def _as_decimal(value):
    with localcontext() as context:
        context.prec = PRECISION
        return Decimal(value.numerator) / Decimal(value.denominator)


def _cuts(first, until, payments, periods, day_basis, extra=()):
    """Sorted first days of the segments, plus the day after ``until``."""
    end = until + ONE_DAY
    cuts = {first, end, *extra}
    cuts.update(day + ONE_DAY for day, _value in payments)
    cuts.update(period.start for period in periods)
    if day_basis == BASIS_ACTUAL:
        cuts.update(date(year, 1, 1) for year in range(first.year + 1, end.year + 1))
    return sorted(cut for cut in cuts if first <= cut <= end)


def compute_interest(
    amount,
    due_date,
    payments,
    until,
    periods,
    day_basis=BASIS_365,
    start=None,
    quantum=Decimal("0.01"),
    exclude=(),
    known_until=None,
    kind=None,
):
    """Late-payment interest on one receivable item.
    amount: Decimal, the amount due on the due date. payments: iterable of (date, Decimal) in any order.
    Interest runs from the day after the due date (or from `start` if later — days already charged are
    not charged again) up to and including the payment day that settles it, or `until` (inclusive) for
    what is still unpaid; nothing after `until`. Each payment lowers the balance from the day after it;
    a payment on or before the due date carries no interest (it lowers the balance from the start).
    The period is split at every rate change (periods: RatePeriod list, any order) and at every payment,
    and — for day_basis 'actual' — at every 1 January: interest of a segment = balance * rate / 100 *
    days / D with D = 365 ('365' basis) or the number of days of that segment's year (365 or 366,
    'actual' basis). Exact arithmetic (Fractions; never floats), rounded half-up to `quantum` once for
    the item total. A charged day not covered by `periods` (before the first start) raises
    MissingRateError(date=that day); a day with nothing left to pay needs no rate. Segments with zero
    balance are omitted (overpayments do not make the balance negative). If nothing is charged,
    segments=() and total=Decimal("0.00") (zero at the quantum).

    ``exclude``: (first day, last day) intervals already charged by earlier
    notes; their days are skipped (a cancelled note's days are not in it, so
    they are charged again). ``known_until``: the last day the rates are
    trusted for; charging a later day raises MissingRateError(the day after,
    ``kind``) instead of assuming the last rate still applies.
    """
    if day_basis not in DAY_BASES:
        raise ValueError(f"Unknown day basis {day_basis!r}.")
    amount = _decimal(amount)
    payments = sorted((day, _decimal(value)) for day, value in payments)
    periods = _sorted(periods)
    starts = [period.start for period in periods]
    first = due_date + ONE_DAY
    if start is not None and start > first:
        first = start
    segments, total = [], Fraction(0)
    if first <= until:
        extra = {
            day for interval in exclude for day in (interval[0], interval[1] + ONE_DAY)
        }
        if known_until is not None:
            extra.add(known_until + ONE_DAY)
        for seg_from, seg_end in pairwise(
            _cuts(first, until, payments, periods, day_basis, extra)
        ):
            if any(low <= seg_from <= high for low, high in exclude):
                continue
            balance = amount - sum(
                (value for day, value in payments if day < seg_from), Decimal(0)
            )
            if balance <= 0:
                continue
            if known_until is not None and seg_from > known_until:
                raise MissingRateError(known_until + ONE_DAY, kind)
            rate = _rate_on(periods, starts, seg_from)
            if rate is None:
                raise MissingRateError(seg_from)
            days = (seg_end - seg_from).days
            year_days = 365
            if day_basis == BASIS_ACTUAL and calendar.isleap(seg_from.year):
                year_days = 366
            exact = Fraction(balance) * Fraction(rate) * days / (100 * year_days)
            total += exact
            segments.append(
                Segment(
                    date_from=seg_from,
                    date_to=seg_end - ONE_DAY,
                    days=days,
                    balance=balance,
                    rate=rate,
                    interest=_as_decimal(exact),
                )
            )
    return ItemInterest(
        segments=tuple(segments),
        total=_round_half_up(total, quantum),
        date_from=segments[0].date_from if segments else None,
        date_to=segments[-1].date_to if segments else None,
    )


def compensation_eur(amount_due_pln):
    """EU/Polish late-payment compensation in EUR (art. 10 of the act of 8 March 2013): 40 when the amount
    due is <= 5,000 PLN, 70 when > 5,000 and < 50,000, 100 when >= 50,000. Returns Decimal("40") etc.

    Whether compensation applies at all (business-to-business, late, once per
    invoice) is the caller's decision.
    """
    amount = _decimal(amount_due_pln)
    if amount <= 5000:
        return Decimal(40)
    if amount < 50000:
        return Decimal(70)
    return Decimal(100)


def last_business_day_before_month(day, holidays=()):
    """The last Monday-Friday that is not in `holidays` of the month before `day`'s month (the day whose
    EUR rate converts the compensation).

    Art. 10: the NBP average rate of the last business day of the month before
    the month in which the payment became due; ``day`` is the due date.
    """
    candidate = day.replace(day=1) - ONE_DAY
    while candidate.isoweekday() > 5 or candidate in holidays:
        candidate -= ONE_DAY
    return candidate
