"""The engine's planner: which step is due for which item (reads only).

``_plan`` reads every collectible item with one SQL query, the collection
history of those items with a second one, and asks the pure scheduling core
(``tools/schedule.py``) which step occurrence is due for each item. Items are
grouped per customer and step: one message lists all the customer's documents
due for that step. ``_forecast`` and ``_summaries`` look ahead with the same
core for the screens.
"""

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from odoo import fields, models
from odoo.tools import SQL

from ..tools import calendar as sending_calendar
from ..tools import schedule
from ..tools.money import to_decimal
from ..tools.overdue import days_overdue
from ..tools.sql_ids import id_array


@dataclass
class PlannedItem:
    """A collectible item with the step occurrence due for it."""

    item_id: int
    move_id: int
    partner_id: int
    date_maturity: object
    amount: float  # residual, company currency
    amount_currency: float  # residual, document currency
    amount_original: float  # item amount, document currency
    currency_id: int
    policy_id: int
    occurrence: int
    step_id: int | None = None  # set with reason when the item is skipped
    reason: str | None = None


@dataclass
class PlannedGroup:
    """One customer, one step: becomes one message (or one activity)."""

    partner_id: int
    step_id: int
    items: list = field(default_factory=list)


@dataclass
class Plan:
    company_id: int
    run_date: object
    groups: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # PlannedItem with a reason

    @property
    def partner_ids(self):
        return sorted(
            {g.partner_id for g in self.groups} | {i.partner_id for i in self.skipped}
        )


class DebtCollectionEngine(models.AbstractModel):
    # One model in four files on purpose, a stage of the pipeline each (see
    # ARCHITECTURE.md, "The engine: a pipeline").
    _inherit = "debt.collection.engine"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Deciding
    # ------------------------------------------------------------------

    def _get_collectible_items_query(
        self, company, restrict=None, paid_late_since=None
    ):
        """SQL selecting the company's collectible items (see
        ``debt.collection.ledger``) with their policy and collection flags.

        ``restrict`` is an optional SQL condition on ``aml``/``m``/``cp`` (used
        to plan for a few customers or documents only). With
        ``paid_late_since``, the items instead are those fully paid after their
        due date, on or after that day (for steps triggered by a late payment).
        """
        ledger = self.env["debt.collection.ledger"]
        due = ledger._due_date_sql()
        if paid_late_since:
            selection = SQL(
                """aml.reconciled AND aml.balance > 0
                   AND paid.payment_date > %s AND paid.payment_date >= %s""",
                due,
                paid_late_since,
            )
        else:
            selection = ledger._open_items_condition()
        return ledger._lines_sql(
            company.ids,
            where=SQL("%s AND %s", selection, restrict or SQL("TRUE")),
            columns=[
                SQL(
                    """COALESCE(m.debt_collection_policy_id,
                                (cp.debt_collection_policy_id->>%(company_key)s)::int,
                                %(default_policy)s) AS policy_id,
                       m.debt_collection_subject AND cp.debt_collection_subject
                           AS subject,
                       m.debt_collection_hold_until AS hold_until,
                       m.debt_collection_stage_id AS stage_id,
                       paid.payment_date""",
                    company_key=str(company.id),
                    default_policy=company.debt_collection_policy_id.id or None,
                )
            ],
            joins=SQL(
                """LEFT JOIN LATERAL (
                        SELECT max(apr.max_date) AS payment_date
                          FROM account_partial_reconcile apr
                         WHERE apr.debit_move_id = aml.id AND %s
                   ) paid ON TRUE""",
                SQL("TRUE" if paid_late_since else "FALSE"),
            ),
        )

    def _fetch_items(self, company, restrict=None, paid_late_since=None):
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            self._get_collectible_items_query(company, restrict, paid_late_since)
        )
        # Odoo's execute_query_dict reads the column names again for each row.
        names = [column.name for column in cr.description]
        return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]

    def _fetch_history(self, company, item_ids):
        """{item id: {step id: StepHistory}}, {(item, step): postponed to} and
        the items already skipped once as covered by open credits."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT move_line_id, step_id,
                       count(*) FILTER (WHERE %(consumed)s),
                       max(scheduled_date) FILTER (WHERE %(consumed)s),
                       max(scheduled_date) FILTER (WHERE state = 'pending'),
                       bool_or(state = 'skipped' AND reason = 'covered_by_credits')
                  FROM debt_collection_event
                 WHERE move_line_id = ANY(%(items)s) AND step_id IS NOT NULL
                 GROUP BY move_line_id, step_id
                """,
                # Queued: the channel has it. Failed: for good once its retry
                # period is over (or it has none: a delivery that failed).
                consumed=SQL(
                    """state IN ('done', 'skipped', 'queued')
                       OR (state = 'failed'
                           AND (retry_until IS NULL OR retry_until < %s))""",
                    fields.Datetime.now(),
                ),
                items=id_array(item_ids),
            )
        )
        history, postponed, covered = defaultdict(dict), {}, set()
        for item_id, step_id, consumed, last_date, postponed_to, was_covered in rows:
            history[item_id][step_id] = schedule.StepHistory(consumed, last_date)
            if postponed_to:
                postponed[item_id, step_id] = postponed_to
            if was_covered:
                covered.add(item_id)
        return history, postponed, covered

    def _get_policy_rules(self, policy_ids):
        """{policy id: sorted [StepRule]} of the due-date ladder and {step id:
        step} of all active steps (steps triggered by a late payment are not
        on the ladder: see :meth:`_paid_late_candidates`)."""
        steps = self.env["debt.collection.step"].search(
            [("policy_id", "in", list(policy_ids)), ("policy_id.active", "=", True)]
        )
        rules = defaultdict(list)
        for step in steps.filtered(lambda s: not s._is_payment_triggered()):
            rules[step.policy_id.id].append(step._schedule_rule())
        return (
            {policy_id: schedule.sort_steps(r) for policy_id, r in rules.items()},
            {step.id: step for step in steps},
        )

    def _plan(
        self, company, run_date, policies=None, include_manual=False, restrict=None
    ):
        """What is due on ``run_date``: a :class:`Plan` (nothing is written).

        ``policies`` limits the plan to those policies (the calendar);
        ``include_manual`` adds the steps that wait for an operator.
        """
        with _collector_paused():
            return self._build_plan(
                company, run_date, policies, include_manual, restrict
            )

    def _build_plan(self, company, run_date, policies, include_manual, restrict):
        plan = Plan(company.id, run_date)
        rows = [
            row
            for row in self._fetch_items(company, restrict)
            if row["policy_id"]
            and row["subject"]
            and not (row["hold_until"] and row["hold_until"] >= run_date)
        ]
        overdue_totals = defaultdict(lambda: defaultdict(Decimal))
        residuals = {}  # {item id: residual as a Decimal}, converted once
        for row in rows:
            if row["date_maturity"] < run_date:
                residual = residuals[row["id"]] = to_decimal(row["amount_residual"])
                overdue_totals[row["partner_id"]][row["currency_id"]] += residual
        if policies is not None:
            allowed = set(policies.ids)
            rows = [row for row in rows if row["policy_id"] in allowed]
        rules, steps = self._get_policy_rules({row["policy_id"] for row in rows})
        history, postponed, covered_before = self._fetch_history(
            company, [row["id"] for row in rows]
        )
        waiting = (
            set()
            if include_manual
            else {s.id for s in steps.values() if s.manual_approval}
        )
        candidates, planned = [], {}
        # Without history, the step due depends on the policy and due date
        # only: asked once per pair, not once per item.
        due_without_history = {}
        for row in rows:
            item_history = history.get(row["id"])
            key = None if item_history else (row["policy_id"], row["date_maturity"])
            if key in due_without_history:
                due = due_without_history[key]
            else:
                due = schedule.due_step(
                    rules.get(row["policy_id"], ()),
                    row["date_maturity"],
                    item_history or {},
                    run_date,
                )
                if key:
                    due_without_history[key] = due
            if not due or postponed.get((row["id"], due.step.id), due.date) > run_date:
                continue
            if due.step.id in waiting:
                continue
            candidates.append(
                _candidate(
                    row,
                    due,
                    overdue=row["date_maturity"] < run_date,
                    residual=residuals.get(row["id"]),
                )
            )
            planned[row["id"]] = _planned_item(row, due.occurrence)
        paid_late, paid_planned = self._paid_late_candidates(
            company, run_date, policies, include_manual, restrict
        )
        candidates += paid_late
        planned.update(paid_planned)
        ledger = self.env["debt.collection.ledger"]
        credits = ledger._credit_totals(
            ledger._open_credits(company, {c.partner_id for c in candidates})
        )
        to_act, skipped = schedule.apply_item_minimums(candidates)
        to_act = schedule.combine_same_day(
            to_act,
            lambda candidate, step: _next_occurrence(
                history.get(candidate.item_id, {}), step
            ),
        )
        to_act, covered = schedule.net_credits(
            to_act,
            {
                partner_id: {cur: d for cur, (_c, d) in by_currency.items()}
                for partner_id, by_currency in credits.items()
            },
        )
        # A covered item is skipped once; while it stays covered it waits
        # silently (the to-do list asks to reconcile the credits).
        skipped += [(c, r) for c, r in covered if c.item_id not in covered_before]
        to_act, below = schedule.apply_partner_minimums(
            to_act,
            overdue_totals,
            {
                partner_id: {cur: c for cur, (c, _d) in by_currency.items()}
                for partner_id, by_currency in credits.items()
            },
        )
        skipped += below
        groups = {}
        for candidate in to_act:
            key = (candidate.partner_id, candidate.due.step.id)
            if key not in groups:
                groups[key] = PlannedGroup(candidate.partner_id, candidate.due.step.id)
            item = planned[candidate.item_id]
            item.occurrence = candidate.due.occurrence
            groups[key].items.append(item)
        plan.groups = sorted(groups.values(), key=lambda g: (g.partner_id, g.step_id))
        for candidate, reason in skipped:
            item = planned[candidate.item_id]
            item.reason = reason
            item.step_id = candidate.due.step.id
            item.occurrence = candidate.due.occurrence
            plan.skipped.append(item)
        return plan

    def _paid_late_candidates(
        self, company, run_date, policies, include_manual, restrict
    ):
        """Candidates of the steps triggered by a late payment (e.g. propose an
        interest note 7 days after an invoice was paid late): once per item,
        for payments made since collection was switched on."""
        steps = self._payment_triggered_steps(company, policies, include_manual)
        if not steps:
            return [], {}
        since = (company.debt_collection_enabled_date or fields.Datetime.now()).date()
        rows = [
            row
            for row in self._fetch_items(company, restrict, paid_late_since=since)
            if row["subject"]
        ]
        history, _postponed, _covered = self._fetch_history(
            company, [row["id"] for row in rows]
        )
        steps_by_policy = defaultdict(list)
        for step in steps:
            steps_by_policy[step.policy_id.id].append(step)
        candidates, planned = [], {}
        for row in rows:
            for step in steps_by_policy.get(row["policy_id"], ()):
                done = history.get(row["id"], {}).get(step.id)
                if (done and done.consumed) or (
                    row["payment_date"] + timedelta(days=step.days) > run_date
                ):
                    continue
                due = schedule.Due(step._schedule_rule(), 0, run_date)
                candidates.append(
                    _candidate(row, due, amount=to_decimal(row["balance"]))
                )
                planned[row["id"]] = _planned_item(row, 0)
        return candidates, planned

    def _payment_triggered_steps(self, company, policies=None, include_manual=False):
        domain = [("policy_id.company_id", "=", company.id)]
        if policies is not None:
            domain.append(("policy_id", "in", policies.ids))
        if not include_manual:
            domain.append(("manual_approval", "=", False))
        return (
            self.env["debt.collection.step"]
            .search(domain)
            .filtered(lambda s: s._is_payment_triggered())
        )

    def _forecast(self, company, restrict, from_date):
        """{item id: (row, Due or None)}: the next action of each open item.

        Unlike :meth:`_plan` it looks ahead: held documents resume the day
        after their hold, postponed actions on their new date.
        """
        rows = self._fetch_items(company, restrict)
        if not rows:
            return {}
        rules, _steps = self._get_policy_rules(
            {r["policy_id"] for r in rows if r["policy_id"]}
        )
        history, postponed, _covered = self._fetch_history(
            company, [row["id"] for row in rows]
        )
        calendars = self._policy_calendars(company, rules)
        result = {}
        for row in rows:
            due = None
            if row["policy_id"] and row["subject"]:
                start = from_date
                if row["hold_until"] and row["hold_until"] >= from_date:
                    start = row["hold_until"] + timedelta(days=1)
                due = schedule.next_due(
                    rules.get(row["policy_id"], ()),
                    row["date_maturity"],
                    history.get(row["id"], {}),
                    start,
                )
                postponed_to = due and postponed.get((row["id"], due.step.id))
                if postponed_to and postponed_to > due.date:
                    due = schedule.Due(due.step, due.occurrence, postponed_to)
                if due:
                    # The first day the calendar lets it go out.
                    day = sending_calendar.next_sending_day(
                        due.date, *calendars[row["policy_id"]]
                    )
                    due = schedule.Due(due.step, due.occurrence, day or due.date)
            result[row["id"]] = (row, due)
        return result

    def _policy_calendars(self, company, policy_ids):
        """{policy id: (weekdays, holidays)} of the sending calendars."""
        holidays = company._debt_collection_holidays()
        return {
            policy.id: (policy._calendar_source()._debt_collection_weekdays(), holidays)
            for policy in self.env["debt.collection.policy"].browse(list(policy_ids))
        }

    def _summaries(self, company, restrict, key, partner_ids=()):
        """Per ``key`` of the open items ("partner_id" or "move_id"): overdue
        amount (company currency; for customers less their open credits in the
        same currencies, with the credits), oldest days overdue, stage (the
        most advanced step applied) and next action with its date."""
        today = company._debt_collection_today()
        summaries = defaultdict(
            lambda: {"oldest_days": 0, "stage_ids": set(), "next": None}
        )
        forecast = self._forecast(company, restrict, today)
        rows = [row for row, _due in forecast.values()]
        overdue, credits = self._net_overdue(
            company, rows, today, net=key == "partner_id", partner_ids=partner_ids
        )
        for partner_id in credits:  # also the customers with open credits only
            summaries.setdefault(partner_id, summaries.default_factory())
        for row, due in forecast.values():
            values = summaries[row[key]]
            if row["date_maturity"] < today:
                values["oldest_days"] = max(
                    values["oldest_days"],
                    days_overdue(row["date_maturity"], today),
                )
            if row["stage_id"]:
                values["stage_ids"].add(row["stage_id"])
            if due and (not values["next"] or due.date < values["next"][1]):
                values["next"] = (due.step.id, due.date)
        Step = self.env["debt.collection.step"].with_context(active_test=False)
        stages = Step.browse({i for v in summaries.values() for i in v["stage_ids"]})
        result = {}
        for record_id, values in summaries.items():
            step_id, date = values["next"] or (None, False)
            result[record_id] = {
                "overdue": company.currency_id.round(float(overdue.get(record_id, 0))),
                "credits": company.currency_id.round(float(credits.get(record_id, 0))),
                "oldest_days": values["oldest_days"],
                "stage": max(
                    stages.filtered(lambda s, ids=values["stage_ids"]: s.id in ids),
                    key=lambda s: (s.days, s.id),
                    default=Step,
                ),
                "next_step": Step.browse(step_id),
                "next_date": date,
            }
        return result

    def _net_overdue(
        self, company, rows, today, net=True, key="partner_id", partner_ids=()
    ):
        """({key: overdue amount}, {key: open credits}) in company currency of
        the item ``rows`` (see :meth:`_fetch_items`): with ``net``, per
        customer, the overdue items of each currency less the customer's open
        credits in that currency (never below zero)."""
        overdue = defaultdict(lambda: defaultdict(Decimal))
        for row in rows:
            if row["date_maturity"] < today:
                overdue[row[key]][row["currency_id"]] += to_decimal(
                    row["amount_residual"]
                )
        if not net:
            return {k: sum(v.values(), Decimal(0)) for k, v in overdue.items()}, {}
        ledger = self.env["debt.collection.ledger"]
        credits = ledger._credit_totals(
            ledger._open_credits(company, {row[key] for row in rows} | set(partner_ids))
        )
        totals = {
            partner_id: sum(
                (
                    max(amount - credits[partner_id][currency_id][0], Decimal(0))
                    for currency_id, amount in by_currency.items()
                ),
                Decimal(0),
            )
            for partner_id, by_currency in overdue.items()
        }
        return totals, {
            partner_id: sum((c for c, _d in by_currency.values()), Decimal(0))
            for partner_id, by_currency in credits.items()
        }

    def _move_forecast(self, moves):
        """{move id: summary} (see :meth:`_summaries`) of the moves."""
        result = {}
        moves = moves.filtered("id")
        for company in moves.company_id:
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            result.update(
                self.with_company(company)._summaries(
                    company, SQL("aml.move_id = ANY(%s)", company_moves.ids), "move_id"
                )
            )
        return result

    def _partner_summary(self, company, partners):
        """{customer id: summary} (see :meth:`_summaries`) of the customers."""
        partners = partners.filtered("id")
        if not partners:
            return {}
        return self._summaries(
            company,
            self._restrict_partners(partners.ids),
            "partner_id",
            partner_ids=partners.commercial_partner_id.ids,
        )


@contextmanager
def _collector_paused():
    """Python's cycle collector off while planning: a plan makes a few small
    objects per open item, none in a cycle, and the collector would walk
    them all again and again (a second of the decision at 200,000 items)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _candidate(row, due, overdue=False, residual=None, amount=None):
    """``residual``: the row's residual as a Decimal, if already converted;
    ``amount``: what the minimums compare instead of it (a paid item's
    balance)."""
    if residual is None:
        residual = to_decimal(row["amount_residual"])
    if row["amount_residual_currency"] == row["amount_residual"]:
        residual_currency = residual  # the company's currency: converted once
    else:
        residual_currency = to_decimal(row["amount_residual_currency"])
    return schedule.Candidate(
        row["id"],
        row["partner_id"],
        residual if amount is None else amount,
        due,
        overdue=overdue,
        currency_id=row["currency_id"],
        amount_currency=residual_currency,
    )


def _next_occurrence(history_by_step, step):
    """The item's next occurrence of ``step``, or None when used up."""
    consumed = history_by_step.get(step.id, schedule.NO_HISTORY).consumed
    return consumed if consumed < step.max_occurrences else None


def _planned_item(row, occurrence):
    return PlannedItem(
        item_id=row["id"],
        move_id=row["move_id"],
        partner_id=row["partner_id"],
        date_maturity=row["date_maturity"],
        amount=row["amount_residual"],
        amount_currency=row["amount_residual_currency"],
        amount_original=row["amount_original"],
        currency_id=row["currency_id"],
        policy_id=row["policy_id"],
        occurrence=occurrence,
    )
