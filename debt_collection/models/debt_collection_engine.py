"""The collection engine: decide with set-based queries, record, then act.

A pass for one company and one run date:

1. ``_plan`` reads every collectible item with one SQL query, the collection
   history of those items with a second one, and asks the pure scheduling core
   (``tools/schedule.py``) which step occurrence is due for each item. Items
   are grouped per customer and step: one message lists all the customer's
   documents due for that step.
2. ``_execute_plan`` works through the groups in batches of customers. For each
   batch it first *claims* the events with one ``INSERT .. ON CONFLICT`` on the
   exactly-once key (item, step, occurrence): only the rows this transaction
   inserted (or a retry it took over) are acted upon, so concurrent workers and
   reruns after a crash never act twice. Then the step actions run (one method
   per action, ``_execute_action_<action>``), the events get their final state
   and the batch is committed (outside tests).
"""

import html
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every
from odoo.tools import config as odoo_config
from odoo.tools.translate import LazyTranslate

from ..tools import calendar as sending_calendar
from ..tools import schedule
from ..tools.context import StepContext
from ..tools.money import to_decimal
from ..tools.overdue import days_overdue

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# First key of the advisory lock taken while a company's run is planned.
PLANNING_LOCK = 172017


# What messages and activity notes show of the events (read in one go).
EVENT_FIELDS_SHOWN = [
    "move_id",
    "move_line_id",
    "date_maturity",
    "days_overdue",
    "amount_residual",
    "amount_residual_currency",
    "amount_original_currency",
    "document_currency_id",
]


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
    _name = "debt.collection.engine"
    _description = "Debt Collection Engine"

    # Customers per transaction (and per batch) in a run.
    _batch_size = 200
    # Customers decided together when a run is planned (bounds the memory).
    _plan_slice = 2000
    # Batches aborted in a row by conflicts with other workers before a cron
    # call gives up (the next call takes them up again).
    _batch_conflicts_max = 5
    # A cron call stops after this many seconds and lets Odoo call it again.
    _time_budget = 600

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _cron_run_collection(self):
        """The hourly cron: plans a run for every enabled company whose
        calendar allows now, then works its batches (see
        ``debt.collection.batch``) until none is left or the time is up;
        Odoo calls it again while customers remain."""
        done, remaining = self._run_collection_pass()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _cron_work_batches(self):
        """A further worker (its own cron job, so that Odoo runs it beside
        the collection cron when ``max_cron_threads`` allows): works the
        pending batches of every company."""
        deadline = time.monotonic() + self._get_time_budget()
        done = remaining = 0
        # sudo: the cron's user may not be a member of every company.
        batches = self.env["debt.collection.batch"].sudo()
        for company in batches.search([("state", "=", "pending")]).company_id:
            company_done, company_remaining = self.with_company(company)._work_batches(
                company, deadline
            )
            done += company_done
            remaining += company_remaining
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _run_collection_pass(self, force=False, companies=None):
        """Plan and work a run for each enabled company; ``force`` ignores
        the calendar.

        Returns (customers done, customers remaining) for cron progress.
        """
        # sudo: the cron's user may not be a member of every company.
        companies = companies or self.env["res.company"].sudo().search(
            [("debt_collection_enabled", "=", True)]
        )
        deadline = time.monotonic() + self._get_time_budget()
        done = remaining = 0
        for company in companies:
            engine = self.with_company(company)
            engine._plan_batches(company, force=force)
            company_done, company_remaining = engine._work_batches(company, deadline)
            done += company_done
            remaining += company_remaining
        if remaining:
            # The run goes on in the next cron call: its follow-up after it.
            return done, remaining
        for company in companies:
            self.with_company(company)._after_pass(company)
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done, remaining

    def _after_pass(self, company):
        """Company-wide follow-up of a finished pass (extension point: the
        desk lifts sales blocks and brings its cases up to date)."""
        return True

    # Batches ------------------------------------------------------------

    def _plan_batches(self, company, force=False):
        """Plan a run of ``company`` and split its customers with work into
        batches, unless a run of the company still has batches to work (it
        is continued first) or another worker is planning it now."""
        if self._can_commit():
            # A fresh snapshot: it sees the batches another planner committed.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                PLANNING_LOCK,
                company.id,
            )
        )
        if not self.env.cr.fetchone()[0]:
            return
        Batch = self.env["debt.collection.batch"].sudo()  # sudo: the engine's queue
        if Batch.search_count(
            [("company_id", "=", company.id), ("state", "=", "pending")], limit=1
        ):
            return
        policies = self._sending_policies(company, force=force)
        if not policies:
            return
        run_date = company._debt_collection_today()
        partner_ids = self._partners_with_work(company, run_date, policies)
        if not partner_ids:
            return
        run = self.env["debt.collection.run"].create(
            {
                "company_id": company.id,
                "date": run_date,
                "origin": "automatic",
                "policy_ids": [fields.Command.set(policies.ids)],
            }
        )
        batches = Batch.create(
            [
                {"run_id": run.id, "company_id": company.id, "partner_ids": chunk}
                for chunk in split_every(self._batch_size, partner_ids, list)
            ]
        )
        self._enqueue_batches(batches)
        if self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
            # Wake the further workers up (their crons, when configured).
            self.env.ref("debt_collection.ir_cron_debt_collection_batches")._trigger()

    def _partners_with_work(self, company, run_date, policies):
        """Ids of the customers with something due on ``run_date``: decided
        a slice of customers at a time, so that memory stays bounded
        whatever the size of the ledger."""
        partner_ids = self._collectible_partner_ids(company)
        with_work = []
        for chunk in split_every(self._plan_slice, partner_ids, list):
            plan = self._plan(
                company,
                run_date,
                policies=policies,
                restrict=self._restrict_partners(chunk),
            )
            with_work += plan.partner_ids
        return with_work

    def _collectible_partner_ids(self, company, with_policy=True):
        """Sorted ids of the customers with open items or items paid late
        (see :meth:`_plan`) subject to collection (``with_policy``: under a
        policy): one query."""
        queries = [self._get_collectible_items_query(company)]
        if self._payment_triggered_steps(company):
            since = company.debt_collection_enabled_date or fields.Datetime.now()
            queries.append(
                self._get_collectible_items_query(company, paid_late_since=since.date())
            )
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT partner_id FROM (%s) items WHERE subject AND %s"
                " ORDER BY 1",
                SQL(" UNION ").join(queries),
                SQL("policy_id IS NOT NULL") if with_policy else SQL("TRUE"),
            )
        )
        return [row[0] for row in rows]

    def _enqueue_batches(self, batches):
        """With OCA queue_job installed, each batch is also a job, so that
        the job runner's workers (on any server) work them; the crons work
        whatever they have not taken yet."""
        if "queue.job" not in self.env or not hasattr(batches, "with_delay"):
            return
        for batch in batches:
            self.with_delay(
                description=_("Debt collection: batch %(batch)s", batch=batch.id),
                identity_key=f"debt_collection_batch_{batch.id}",
            )._work_batch_job(batch.id)

    def _work_batch_job(self, batch_id):
        """The queue_job job of one batch: worked unless done or held."""
        batch = self.env["debt.collection.batch"].sudo().browse(batch_id).exists()
        if batch and batch.state == "pending":
            self.with_company(batch.company_id)._work_batches(
                batch.company_id, time.monotonic() + self._get_time_budget()
            )

    def _work_batches(self, company, deadline=None):
        """Claim and work the company's pending batches, one transaction
        each, until none is left or ``deadline`` (time.monotonic()) passed.

        Returns (customers done, customers remaining).
        """
        Batch = self.env["debt.collection.batch"].sudo()  # sudo: the engine's queue
        done = conflicts = 0
        while not deadline or time.monotonic() < deadline:
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            batch = Batch._claim_next(company)
            if not batch:
                break
            try:
                worked = self._work_batch(batch)
                batch.state = "done"
                if self._can_commit():
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            except psycopg2.errors.TransactionRollbackError:
                # Another worker changed a row this batch writes too (a
                # document of several customers, such as an opening entry):
                # PostgreSQL aborted this transaction, so nothing of the batch
                # remains and it is pending again; it is taken up anew, on
                # fresh data. A few conflicts in a row: the next call retries.
                if not self._can_commit():
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all()
                conflicts += 1
                if conflicts > self._batch_conflicts_max:
                    break
                continue
            done += worked
            conflicts = 0
            # Keep the cache (and memory) of a long pass bounded per batch.
            self.env.invalidate_all()
        self._finish_runs(company)
        pending = Batch.search_read(
            [("company_id", "=", company.id), ("state", "=", "pending")],
            ["partner_ids"],
        )
        return done, sum(len(row["partner_ids"]) for row in pending)

    def _work_batch(self, batch):
        """Decide again for the batch's customers (the ledger may have moved
        since the run was planned) and act; returns the customers worked."""
        run = batch.run_id
        plan = self._plan(
            batch.company_id,
            run.date,
            policies=run.policy_ids,
            restrict=self._restrict_partners(batch.partner_ids),
        )
        with run._counts_protected():
            self._execute_plan(plan, origin=run.origin, run=run)
        return len(batch.partner_ids)

    def _finish_runs(self, company):
        """Finish the company's runs whose batches are all done: their
        batches are deleted and the report is sent, by one worker only."""
        if self._can_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """DELETE FROM debt_collection_batch b
                            WHERE b.company_id = %s
                              AND NOT EXISTS (
                                  SELECT 1 FROM debt_collection_batch p
                                   WHERE p.run_id = b.run_id AND p.state = 'pending')
                        RETURNING run_id""",
                        company.id,
                    ),
                    log_exceptions=False,
                )
                run_ids = {row[0] for row in self.env.cr.fetchall()}
        except psycopg2.errors.SerializationFailure:
            # Another worker finished them at the same moment.
            if not self._can_commit():
                raise
            self.env.cr.rollback()
            return
        self.env["debt.collection.batch"].invalidate_model()
        if run_ids:
            self.env["debt.collection.run"].browse(sorted(run_ids))._finish()
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _get_time_budget(self):
        """Seconds a cron call may work: ``_time_budget``, and at most half of
        the real-time limit Odoo gives cron workers (``limit_time_real_cron``,
        or ``limit_time_real`` when it is -1), so that the worker is never
        killed in the middle of a batch."""
        limit = odoo_config.get("limit_time_real_cron", -1)
        if limit is None or limit < 0:
            limit = odoo_config.get("limit_time_real", 0)
        if not limit or limit < 0:
            return self._time_budget
        return min(self._time_budget, limit / 2)

    def _sending_policies(self, company, force=False):
        """The company's policies whose calendar allows sending now."""
        policies = self.env["debt.collection.policy"].search(
            [("company_id", "=", company.id)]
        )
        if force:
            return policies
        local_now = company._debt_collection_local_now()
        holidays = company._debt_collection_holidays()
        return policies.filtered(
            lambda policy: sending_calendar.is_sending_allowed(
                local_now,
                policy._calendar_source()._debt_collection_weekdays(),
                policy._calendar_source().debt_collection_send_hour,
                holidays,
            )
        )

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
        return self.env.execute_query_dict(
            self._get_collectible_items_query(company, restrict, paid_late_since)
        )

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
                items=list(item_ids),
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
        plan = Plan(company.id, run_date)
        rows = [
            row
            for row in self._fetch_items(company, restrict)
            if row["policy_id"]
            and row["subject"]
            and not (row["hold_until"] and row["hold_until"] >= run_date)
        ]
        overdue_totals = defaultdict(lambda: defaultdict(Decimal))
        for row in rows:
            if row["date_maturity"] < run_date:
                overdue_totals[row["partner_id"]][row["currency_id"]] += to_decimal(
                    row["amount_residual"]
                )
        if policies is not None:
            allowed = set(policies.ids)
            rows = [row for row in rows if row["policy_id"] in allowed]
        rules, steps = self._get_policy_rules({row["policy_id"] for row in rows})
        history, postponed, covered_before = self._fetch_history(
            company, [row["id"] for row in rows]
        )
        candidates, planned = [], {}
        for row in rows:
            due = schedule.due_step(
                rules.get(row["policy_id"], ()),
                row["date_maturity"],
                history.get(row["id"], {}),
                run_date,
            )
            if not due or postponed.get((row["id"], due.step.id), due.date) > run_date:
                continue
            if steps[due.step.id].manual_approval and not include_manual:
                continue
            candidates.append(
                _candidate(row, due, overdue=row["date_maturity"] < run_date)
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

    # ------------------------------------------------------------------
    # Recording and acting
    # ------------------------------------------------------------------

    @api.model
    def _can_commit(self):
        # Odoo's test runners (and pytest-odoo) flag the thread as testing.
        return not getattr(threading.current_thread(), "testing", False)

    def _execute_plan(self, plan, origin="automatic", deadline=None, run=None):
        """Claim, act and record the plan, one batch of customers at a time.

        Given a ``run`` (a batch of it is being worked), the caller commits
        and finishes the run; otherwise each batch is committed (outside
        tests) and the run made here is finished at the end.

        Returns (customers done, customers remaining).
        """
        company = self.env["res.company"].browse(plan.company_id)
        groups_by_partner = defaultdict(list)
        for group in plan.groups:
            groups_by_partner[group.partner_id].append(group)
        skipped_by_partner = defaultdict(list)
        for item in plan.skipped:
            skipped_by_partner[item.partner_id].append(item)
        partner_ids = plan.partner_ids
        own_run = not run
        run = run or self.env["debt.collection.run"]
        done = 0
        for batch in split_every(self._batch_size, partner_ids):
            if deadline and time.monotonic() > deadline:
                break
            if not run:
                run = self.env["debt.collection.run"].create(
                    {
                        "company_id": company.id,
                        "date": plan.run_date,
                        "origin": origin,
                    }
                )
            self._execute_batch(
                company,
                plan.run_date,
                [g for pid in batch for g in groups_by_partner[pid]],
                [i for pid in batch for i in skipped_by_partner[pid]],
                run,
                origin,
            )
            done += len(batch)
            # A cron run commits each batch: what is sent is recorded for good
            # (exactly-once relies on it) and a crash loses one batch at most.
            if own_run and self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            # Keep the cache (and memory) of a long pass bounded per batch.
            self.env.invalidate_all()
        if run and own_run:
            run._finish()
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done, len(partner_ids) - done

    def _restrict_partners(self, partner_ids):
        return SQL("cp.id = ANY(%s)", list(partner_ids))

    def _record_decision(self, plan, state, date, reason=None):
        """Record an operator's decision on a plan without acting: skipped, or
        postponed ("pending") until ``date``."""
        company = self.env["res.company"].browse(plan.company_id)
        steps = self.env["debt.collection.step"].browse(
            {g.step_id for g in plan.groups} | {i.step_id for i in plan.skipped}
        )
        channels = {step.id: step.channel for step in steps}
        rows = [
            (item, g.step_id, state, reason) for g in plan.groups for item in g.items
        ]
        rows += [
            (item, item.step_id, state, reason or item.reason) for item in plan.skipped
        ]
        self._claim_events(
            company, date, rows, channels, self.env["debt.collection.run"], "manual"
        )

    def _execute_batch(self, company, run_date, groups, skipped, run, origin):
        steps = self.env["debt.collection.step"].browse(
            {g.step_id for g in groups} | {i.step_id for i in skipped}
        )
        channels = {step.id: step.channel for step in steps}
        rows = []
        for group in groups:
            for item in group.items:
                rows.append((item, group.step_id, "running", None))
        for item in skipped:
            rows.append((item, item.step_id, "skipped", item.reason))
        claimed = self._claim_events(company, run_date, rows, channels, run, origin)
        Event = self.env["debt.collection.event"]
        context = StepContext(company, run_date, run, origin)
        for step in steps:
            step_groups = []
            for group in groups:
                if group.step_id != step.id:
                    continue
                events = Event.browse(
                    [claimed[i.item_id] for i in group.items if i.item_id in claimed]
                )
                if events:
                    step_groups.append(
                        (self.env["res.partner"].browse(group.partner_id), events)
                    )
            if step_groups:
                self._execute_step(step, step_groups, context)

    def _claim_events(self, company, run_date, rows, channels, run, origin):
        """Insert the events of ``rows`` unless their key is taken.

        ``rows`` are (PlannedItem, step id, state, reason). A postponed event or
        a failed one that may be retried is taken over; anything else on the
        same key means another run did it already. Returns {item id: event id}
        for the events this transaction may act upon.
        """
        if not rows:
            return {}
        self.env.flush_all()
        uid = self.env.uid
        now = fields.Datetime.now()
        user_id = uid if origin == "manual" else None
        values = [
            (
                company.id,
                item.partner_id,
                item.move_id,
                item.item_id,
                step_id,
                item.policy_id,
                item.occurrence,
                "action",
                channels[step_id],
                state,
                reason,
                1,
                now,
                run_date,
                origin,
                user_id,
                run.id or None,
                item.date_maturity,
                days_overdue(item.date_maturity, run_date),
                item.amount,
                item.currency_id,
                item.amount_currency,
                item.amount_original,
                uid,
                now,
                uid,
                now,
            )
            for item, step_id, state, reason in rows
        ]
        claimed = {}
        for chunk in split_every(1000, values):
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO debt_collection_event (
                        company_id, partner_id, move_id, move_line_id, step_id,
                        policy_id, occurrence, event_type, channel, state, reason,
                        attempts, date, scheduled_date, origin, user_id, run_id,
                        date_maturity, days_overdue, amount_residual,
                        document_currency_id, amount_residual_currency,
                        amount_original_currency, create_uid, create_date, write_uid, write_date)
                    VALUES %(values)s
                    ON CONFLICT (move_line_id, step_id, occurrence)
                        WHERE move_line_id IS NOT NULL AND step_id IS NOT NULL
                    DO UPDATE SET
                        state = EXCLUDED.state, reason = EXCLUDED.reason,
                        error = NULL,
                        attempts = debt_collection_event.attempts + (
                            CASE WHEN debt_collection_event.state = 'failed'
                                 THEN 1 ELSE 0 END),
                        date = EXCLUDED.date, run_id = EXCLUDED.run_id,
                        origin = EXCLUDED.origin, user_id = EXCLUDED.user_id,
                        scheduled_date = EXCLUDED.scheduled_date,
                        days_overdue = EXCLUDED.days_overdue,
                        amount_residual = EXCLUDED.amount_residual,
                        amount_residual_currency = EXCLUDED.amount_residual_currency,
                        write_uid = EXCLUDED.write_uid,
                        write_date = EXCLUDED.write_date
                    WHERE debt_collection_event.state = 'pending'
                       OR (debt_collection_event.state = 'failed'
                           AND debt_collection_event.retry_until >= %(now)s
                           AND COALESCE(debt_collection_event.next_retry, %(now)s)
                               <= %(now)s)
                    RETURNING id, move_line_id, state
                    """,
                    values=SQL(", ").join(
                        SQL("(%s)", SQL(", ").join(SQL("%s", v) for v in row))
                        for row in chunk
                    ),
                    now=now,
                )
            )
            claimed.update(
                (item_id, event_id)
                for event_id, item_id, state in self.env.cr.fetchall()
                if state == "running"
            )
        self.env["debt.collection.event"].invalidate_model()
        return claimed

    def _execute_step(self, step, groups, context):
        """Act for ``groups`` [(partner, events)] of one step, then record.

        The action runs in a savepoint: if it raises, nothing it did remains
        and the events of the customers it failed for are recorded as failed
        with the error, to be retried.
        """
        handler = getattr(self, f"_execute_action_{step.action}", None)
        if handler is None:
            raise UserError(
                _(
                    "The collection action %(action)s is not installed.",
                    action=step.action,
                )
            )
        events = self.env["debt.collection.event"].concat(*(e for _p, e in groups))
        failures, error = self._run_handler(handler, step, groups, context)
        if error:
            # The batch raised: find whose fault it is, one customer at a time,
            # so that the others are still served.
            failures = {}
            for group in groups:
                group_failures, error = self._run_handler(
                    handler, step, [group], context
                )
                if error:
                    group_failures = {event.id: ("error", error) for event in group[1]}
                failures.update(group_failures)
        # sudo: the engine records the outcome; users may not edit history.
        events = events.sudo()
        failed = events.filtered(lambda e: e.id in failures)
        skip_reasons = self._get_skip_reasons()
        for (reason, error), event_ids in _group_failures(failures).items():
            state = "skipped" if reason in skip_reasons else "failed"
            events.browse(event_ids)._record_outcome(state, reason, error)
        succeeded = events - failed
        # Those the handler queued wait for their channel (see the delivery).
        done = succeeded.filtered(lambda e: e.state == "running")
        done.write({"state": "done"})
        succeeded.move_id._debt_collection_set_stage(step, context.run_date)
        # Whatever wrote the events (the claim's SQL, the ORM), the satellites
        # hear of the finished step here.
        done._on_steps_done()

    def _get_skip_reasons(self):
        """Outcomes of an action that are final, not failures to retry."""
        return set()

    def _run_handler(self, handler, step, groups, context):
        """Run a step action in a savepoint: (its failures, None), or ({}, the
        error text) if it raised, and then nothing it did remains."""
        try:
            with self.env.cr.savepoint():
                return handler(step, groups, context) or {}, None
        except psycopg2.errors.TransactionRollbackError:
            raise  # a conflict with another worker: the whole batch is retried
        except Exception as error:  # noqa: BLE001 - recorded on the events, retried
            _logger.warning(
                "Collection step %s failed: %s", step.display_name, error, exc_info=True
            )
            self.env.invalidate_all()
            # Odoo escapes messages that quote templates (Markup): store text.
            return {}, html.unescape(str(error))

    # ------------------------------------------------------------------
    # Step actions: one method per action, named _execute_action_<action>.
    # They receive [(partner, events)] and the StepContext (tools/context.py),
    # and return {event id: (reason, error)} for the events that failed; the
    # others are done.
    # ------------------------------------------------------------------

    def _execute_action_reminder(self, step, groups, context):
        return self._send_notices(step, groups, context.run_date, context.run)

    def _execute_action_activity(self, step, groups, context):
        run_date = context.run_date
        failures, vals_list, events_list = {}, [], []
        partner_model = self.env["ir.model"]._get_id("res.partner")
        activity_type = step.activity_type_id or self.env.ref(
            "mail.mail_activity_data_todo"
        )
        # What the activity notes show, read for all the customers at once.
        all_events = self.env["debt.collection.event"].concat(*(e for _p, e in groups))
        all_events.fetch(EVENT_FIELDS_SHOWN)
        all_events.move_id.fetch(["name"])
        for partner, events in groups:
            user = self._get_activity_user(step, partner)
            if not user:
                failures.update({event.id: ("no_assignee", False) for event in events})
                continue
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "summary": step.activity_summary or step.name,
                    "note": self.env["ir.qweb"]._render(
                        "debt_collection.activity_note",
                        {"events": events, "run_date": run_date},
                    ),
                    "user_id": user.id,
                    "date_deadline": run_date
                    + timedelta(days=step.activity_deadline_days),
                }
            )
            events_list.append(events)
        # sudo: a collector may assign an activity to another user on a
        # customer they may not edit; the step decided who gets it. No
        # "assigned to you" e-mail per activity: a run may open hundreds, and
        # they are listed in the collector's activities.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for activity, events in zip(activities, events_list, strict=True):
            events.sudo().write({"activity_id": activity.id})  # sudo: history
        return failures

    def _get_activity_user(self, step, partner):
        if step.activity_user_rule == "fixed":
            user = step.activity_user_id
        elif step.activity_user_rule == "salesperson":
            user = partner.user_id
        else:
            user = partner.debt_collection_user_id
        return (
            user
            or partner.company_id.debt_collection_user_id
            or (self.env.company.debt_collection_user_id)
        )

    # E-mail ---------------------------------------------------------------

    def _get_notice_recipients(self, step, partner):
        """(to, cc) partners of a message, by the step's rules (which live on
        the partner)."""
        return partner._debt_collection_recipients(
            step.recipient_rule, step.cc_collection_contacts, step.cc_responsible
        )

    def _get_letter_recipients(self, partner):
        """Kept for the addons that call it: the rule is on the partner
        (``res.partner._debt_collection_letter_recipients``)."""
        return partner._debt_collection_letter_recipients()

    def _get_responsible(self, partner):
        return partner._debt_collection_responsible()

    def _prepare_notice_vals(self, step, partner, events, run_date, run, to, cc):
        if step.pay_by_days:
            pay_by = run_date + timedelta(days=step.pay_by_days)
        else:
            pay_by = max(events.mapped("date_maturity"))
        return {
            "company_id": self.env.company.id,
            "partner_id": partner.id,
            "step_id": step.id,
            "run_id": run.id,
            "date": run_date,
            "pay_by_date": pay_by,
            "user_id": self._get_responsible(partner).id,
            "recipient_ids": [fields.Command.set(to.ids)],
            "cc_partner_ids": [fields.Command.set(cc.ids)],
        }

    def _send_notices(self, step, groups, run_date, run):
        """Queue one e-mail per customer listing its documents due for ``step``."""
        failures, vals_list, events_list = {}, [], []
        # Read the recipients of all the customers at once, not one by one.
        partners = self.env["res.partner"].concat(*(p for p, _e in groups))
        partners.fetch(
            [
                "email",
                "child_ids",
                "debt_collection_contact_ids",
                "debt_collection_user_id",
            ]
        )
        (partners.child_ids | partners.debt_collection_contact_ids).fetch(
            ["type", "email"]
        )
        self.env["debt.collection.event"].concat(*(e for _p, e in groups)).fetch(
            EVENT_FIELDS_SHOWN
        )
        for partner, events in groups:
            to, cc = self._get_notice_recipients(step, partner)
            if not to:
                failures.update({event.id: ("no_recipient", False) for event in events})
                continue
            vals_list.append(
                self._prepare_notice_vals(step, partner, events, run_date, run, to, cc)
            )
            events_list.append(events)
        if not vals_list:
            return failures
        # sudo: the engine records what it sends; users cannot create messages.
        notices = self.env["debt.collection.notice"].sudo().create(vals_list)
        for notice, events in zip(notices, events_list, strict=True):
            events.sudo().write({"notice_id": notice.id})  # sudo: history
        if step.net_credits:
            self.env["debt.collection.credit"]._attach(notices, "notice_id")
        # No notification layout: the template is the whole letter, without
        # Odoo's "view record" buttons or follower footer.
        mails = step.mail_template_id._debt_collection_queue_mails(notices.ids)
        for notice, mail in zip(notices, mails, strict=True):
            notice.mail_message_id = mail.mail_message_id
        if step.attach_invoices:
            self.env["account.move"]._debt_collection_attach_invoices(
                notices, mails, lambda notice: notice.event_ids.move_id
            )
        self.env["debt.collection.delivery"]._track_mails(mails, events_list)
        return failures


def _candidate(row, due, overdue=False, amount=None):
    return schedule.Candidate(
        row["id"],
        row["partner_id"],
        to_decimal(row["amount_residual"]) if amount is None else amount,
        due,
        overdue=overdue,
        currency_id=row["currency_id"],
        amount_currency=to_decimal(row["amount_residual_currency"]),
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


def _group_failures(failures):
    grouped = defaultdict(list)
    for event_id, (reason, error) in failures.items():
        grouped[(reason, error or False)].append(event_id)
    return grouped
