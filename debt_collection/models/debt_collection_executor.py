"""The engine's executor: claim, act, record, one batch of customers at a time.

For each batch the events are first *claimed* with one ``INSERT .. ON
CONFLICT`` on the exactly-once key (item, step, occurrence): only the rows this
transaction inserted (or a retry it took over) are acted upon, so concurrent
workers and reruns after a crash never act twice. Then the step actions run
(``_execute_action_<action>``, see debt_collection_actions.py), the events get
their final state and the batch is committed (outside tests).
"""

import html
import logging
import threading
import time
from collections import defaultdict

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..tools.context import StepContext
from ..tools.overdue import days_overdue
from .html_fields import sanitizing_once

_logger = logging.getLogger(__name__)


class DebtCollectionEngine(models.AbstractModel):
    # One model in four files on purpose, a stage of the pipeline each (see
    # ARCHITECTURE.md, "The engine: a pipeline").
    _inherit = "debt.collection.engine"  # pylint: disable=consider-merging-classes-inherited

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
            # The run's counts are computed once, when it is finished.
            with run._counts_protected():
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
                    # psycopg2 writes each tuple as a parenthesised row.
                    values=SQL(", ").join(chunk),
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
        done = succeeded.filtered(lambda e: e.state == "done")
        succeeded.move_id._debt_collection_set_stage(step, context.run_date)
        # Whatever wrote the events (the claim's SQL, the ORM), the satellites
        # hear of the finished step here.
        done._on_steps_done()

    def _get_skip_reasons(self):
        """Outcomes of an action that are final, not failures to retry."""
        return set()

    def _run_handler(self, handler, step, groups, context):
        """Run a step action in a savepoint: (its failures, None), or ({}, the
        error text) if it raised, and then nothing it did remains.

        The events it neither failed nor left to a channel are done. They are
        marked so inside the savepoint, whose flush then writes their state
        with the documents the handler linked to them (demand, activity,
        notice) in one update: an event inserted by this transaction has its
        foreign keys checked again on every update."""
        try:
            with self.env.cr.savepoint(), sanitizing_once():
                failures = handler(step, groups, context) or {}
                events = self.env["debt.collection.event"].concat(
                    *(e for _p, e in groups)
                )
                # sudo: the engine records the outcome; users may not edit history.
                events.sudo().filtered(
                    lambda e: e.id not in failures and e.state == "running"
                ).state = "done"
                return failures, None
        except psycopg2.errors.TransactionRollbackError:
            raise  # a conflict with another worker: the whole batch is retried
        except Exception as error:  # noqa: BLE001 - recorded on the events, retried
            _logger.warning(
                "Collection step %s failed: %s", step.display_name, error, exc_info=True
            )
            self.env.invalidate_all()
            # Odoo escapes messages that quote templates (Markup): store text.
            return {}, html.unescape(str(error))


def _group_failures(failures):
    grouped = defaultdict(list)
    for event_id, (reason, error) in failures.items():
        grouped[(reason, error or False)].append(event_id)
    return grouped
