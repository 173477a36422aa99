"""When does a collection step apply to an item? Pure functions, no database.

A policy is an ordered list of steps. Each step has a trigger day relative to the
due date of the item (negative = before the due date) and may repeat every N days
at most M times. The step whose *window* contains the run date is the current
step of the item: its window opens on its trigger day and closes the day before
the next step's trigger day; a pre-due step (negative trigger) also closes on the
due date. Earlier steps whose window has passed are never sent late, so an item
that is 60 days overdue when collection starts gets the 60-day step, not every
step since its due date.

Within its window a step fires once per *occurrence*: occurrence 0 on the trigger
day, occurrence n (n <= M) on trigger + n * N days and at least N days after the
previous occurrence was consumed. Occurrences are consumed by events that are
done, skipped or failed for good, so nothing is lost when a run is postponed and
nothing fires twice.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import overdue

SKIP_BELOW_ITEM_MINIMUM = "below_item_minimum"
SKIP_BELOW_PARTNER_MINIMUM = "below_partner_minimum"
SKIP_COVERED_BY_CREDITS = "covered_by_credits"


@dataclass(frozen=True)
class StepRule:
    """The scheduling part of a step."""

    id: int
    days: int
    repeat_interval: int = 0
    repeat_max: int = 0
    min_item_amount: Decimal = Decimal(0)
    min_partner_amount: Decimal = Decimal(0)
    # The channel of a step that sends the customer a message (else None).
    message_channel: str | None = None
    # Lists the customer's items due for lower message steps the same day.
    combine: bool = False
    # Subtracts the customer's open credits (credit notes, unapplied payments).
    net_credits: bool = False

    @property
    def max_occurrences(self):
        return 1 + self.repeat_max if self.repeat_interval else 1


@dataclass(frozen=True)
class StepHistory:
    """What already happened for one item and one step."""

    consumed: int = 0  # occurrences done, skipped or failed for good
    last_date: date | None = None  # date of the last consumed occurrence


NO_HISTORY = StepHistory()


@dataclass(frozen=True)
class Due:
    step: StepRule
    occurrence: int
    date: date  # the day this occurrence became due


def _windows(steps, due_date, history_by_step=None):
    """Yield (step, first day, last day or None) for steps sorted by trigger.

    Steps before the furthest step already applied to the item are left out:
    an item listed in a higher step's message (see :func:`combine_same_day`)
    has reached that step and gets no softer message afterwards.
    """
    reached = _reached(steps, history_by_step)
    for index, step in enumerate(steps):
        if index < reached:
            continue
        start = due_date + timedelta(days=step.days)
        end = None
        if index + 1 < len(steps):
            end = due_date + timedelta(days=steps[index + 1].days - 1)
        if step.days < 0:
            end = min(end, due_date) if end else due_date
        yield step, start, end


def _reached(steps, history_by_step):
    """Index of the furthest step already applied to the item (0: none)."""
    if not history_by_step:
        return 0
    return max(
        (
            index
            for index, step in enumerate(steps)
            if history_by_step.get(step.id, NO_HISTORY).consumed
        ),
        default=0,
    )


def _occurrence_date(step, start, history):
    """Date of the next occurrence of ``step``, or None when exhausted."""
    occurrence = history.consumed
    if occurrence >= step.max_occurrences:
        return None
    when = start + timedelta(days=occurrence * step.repeat_interval)
    if occurrence and history.last_date:
        when = max(when, history.last_date + timedelta(days=step.repeat_interval))
    return when


def sort_steps(steps):
    return sorted(steps, key=lambda step: (step.days, step.id))


def due_step(steps, due_date, history_by_step, run_date):
    """The step occurrence due for an item on ``run_date``, or None.

    ``steps`` must be sorted by trigger day (see :func:`sort_steps`);
    ``history_by_step`` maps a step id to its :class:`StepHistory`.
    The windows of :func:`_windows`, in days after the due date: this runs
    for every open item of a ledger.
    """
    offset = (run_date - due_date).days
    count = len(steps)
    for index in range(_reached(steps, history_by_step), count):
        step = steps[index]
        if step.days > offset:
            return None  # the later windows open later still
        last = steps[index + 1].days - 1 if index + 1 < count else None
        if step.days < 0:
            last = min(last, 0) if last is not None else 0
        if last is not None and last < offset:
            continue
        history = history_by_step.get(step.id, NO_HISTORY)
        when = _occurrence_date(step, due_date + timedelta(days=step.days), history)
        if when is not None and when <= run_date:
            return Due(step, history.consumed, when)
        return None
    return None


def next_due(steps, due_date, history_by_step, from_date):
    """The next step occurrence on or after ``from_date``: a forecast.

    Returns a :class:`Due` whose date is the first day the occurrence will be
    due (``from_date`` itself when it is due already), or None.
    """
    for step, start, end in _windows(steps, due_date, history_by_step):
        if end is not None and end < from_date:
            continue
        history = history_by_step.get(step.id, NO_HISTORY)
        when = _occurrence_date(step, start, history)
        if when is None:
            continue
        when = max(when, from_date)
        if end is None or when <= end:
            return Due(step, history.consumed, when)
    return None


@dataclass(frozen=True)
class Candidate:
    """An item for which a step occurrence is due."""

    item_id: int
    partner_id: int
    amount: Decimal  # residual in company currency
    due: Due
    overdue: bool = False  # already counted in the partner's overdue total
    currency_id: int = 0  # document currency
    amount_currency: Decimal = Decimal(0)  # residual in document currency


def apply_minimums(candidates, overdue_totals=None, credit_totals=None):
    """Split due candidates into (to_act, skipped) by the step minimums: the
    item minimum (:func:`apply_item_minimums`), then the customer minimum
    (:func:`apply_partner_minimums`)."""
    to_act, skipped = apply_item_minimums(candidates)
    to_act, below = apply_partner_minimums(to_act, overdue_totals, credit_totals)
    return to_act, skipped + below


def apply_item_minimums(candidates):
    """(to_act, skipped): the item minimum compares each item's residual."""
    to_act, skipped = [], []
    for candidate in candidates:
        if candidate.amount < candidate.due.step.min_item_amount:
            skipped.append((candidate, SKIP_BELOW_ITEM_MINIMUM))
        else:
            to_act.append(candidate)
    return to_act, skipped


def apply_partner_minimums(candidates, overdue_totals=None, credit_totals=None):
    """(to_act, skipped): the customer minimum of a step compares the
    customer's total: what it owes overdue (``overdue_totals``) plus its items
    due for the step that are not overdue yet (pre-due reminders), less its
    open credits (``credit_totals``) when the step nets them. Both are {partner
    id: {currency id: amount in company currency}}: credits net within their
    currency, a currency's net never below zero. Without ``overdue_totals``
    the total is the sum of the customer's items due for the step.
    """
    overdue_totals = overdue_totals or {}
    credit_totals = credit_totals or {}
    to_act, skipped, groups = [], [], {}
    for candidate in candidates:
        key = (candidate.partner_id, candidate.due.step.id)
        groups.setdefault(key, []).append(candidate)
    for (partner_id, _step_id), group in groups.items():
        step = group[0].due.step
        by_currency = dict(overdue_totals.get(partner_id, {}))
        for candidate in group:
            if not candidate.overdue:
                by_currency[candidate.currency_id] = (
                    by_currency.get(candidate.currency_id, Decimal(0))
                    + candidate.amount
                )
        credits = credit_totals.get(partner_id, {}) if step.net_credits else {}
        total = sum(
            (
                max(amount - credits.get(currency_id, Decimal(0)), Decimal(0))
                for currency_id, amount in by_currency.items()
            ),
            Decimal(0),
        )
        if total < step.min_partner_amount:
            skipped.extend(
                (candidate, SKIP_BELOW_PARTNER_MINIMUM) for candidate in group
            )
        else:
            to_act.extend(group)
    return to_act, skipped


def combine_same_day(candidates, occurrence_at):
    """One message per customer and day: the items a customer has due for
    lower message steps move into the message of its highest step of the same
    channel that ``combine``s, when that step can still apply to them.

    Items not yet overdue only move into a pre-due step. ``occurrence_at``
    (candidate, step) gives the item's next occurrence of ``step`` or None
    when the step is used up for it. Returns the candidates, moved or not.
    """
    highest = {}
    for candidate in candidates:
        step = candidate.due.step
        if step.message_channel:
            key = (candidate.partner_id, step.message_channel)
            if key not in highest or (step.days, step.id) > (
                highest[key].days,
                highest[key].id,
            ):
                highest[key] = step
    result = []
    for candidate in candidates:
        step = candidate.due.step
        top = (
            step.message_channel and highest[candidate.partner_id, step.message_channel]
        )
        occurrence = None
        if (
            top
            and top.id != step.id
            and top.combine
            and (candidate.overdue or top.days < 0)
        ):
            occurrence = occurrence_at(candidate, top)
        if occurrence is None:
            result.append(candidate)
        else:
            # Built directly: dataclasses.replace() reads the fields every call.
            result.append(
                Candidate(
                    candidate.item_id,
                    candidate.partner_id,
                    candidate.amount,
                    Due(top, occurrence, candidate.due.date),
                    candidate.overdue,
                    candidate.currency_id,
                    candidate.amount_currency,
                )
            )
    return result


def net_credits(candidates, credits):
    """Split candidates into (to_act, skipped): the items of a customer,
    step and currency whose open credits in that currency (``credits``:
    {partner id: {currency id: amount in that currency}}) cover them are
    skipped when the step nets credits."""
    totals = {}
    for candidate in candidates:
        key = (candidate.partner_id, candidate.due.step.id, candidate.currency_id)
        totals[key] = totals.get(key, Decimal(0)) + candidate.amount_currency
    to_act, skipped = [], []
    for candidate in candidates:
        key = (candidate.partner_id, candidate.due.step.id, candidate.currency_id)
        credit = credits.get(candidate.partner_id, {}).get(
            candidate.currency_id, Decimal(0)
        )
        if candidate.due.step.net_credits and credit and totals[key] <= credit:
            skipped.append((candidate, SKIP_COVERED_BY_CREDITS))
        else:
            to_act.append(candidate)
    return to_act, skipped


# Days overdue have one definition (tools/overdue.py); kept here for the
# scheduling core's readers.
days_overdue = overdue.days_overdue
