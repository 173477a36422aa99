"""The collection engine: one pass per company and run date, from Odoo's
cron or from the to-do list, as a pipeline in four files of one model:

- here, the entry points: the cron, the run planned into batches of customers
  that cron workers (or job queue workers) claim and work, the run's end;
- ``debt_collection_planner.py``: which step is due for which item (reads
  only; the forecast and the summary fields use it too);
- ``debt_collection_executor.py``: claim, act, record, one batch at a time;
- ``debt_collection_actions.py``: the core's step actions (e-mail reminders,
  activities); other addons add theirs (``_execute_action_<action>``).
"""

import time

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools import config as odoo_config

from ..tools import calendar as sending_calendar

# First key of the advisory lock taken while a company's run is planned.
PLANNING_LOCK = 172017


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
        """Hand the planned batches to a job queue (extension point:
        ``debt_collection_queue_job`` makes each an OCA queue_job job); the
        crons work whatever no job has taken."""
        return True

    def _work_batches(self, company, deadline=None, batch_ids=None):
        """Claim and work the company's pending batches (only ``batch_ids``
        when given), one transaction each, until none is left or
        ``deadline`` (time.monotonic()) passed.

        Returns (customers done, customers remaining).
        """
        Batch = self.env["debt.collection.batch"].sudo()  # sudo: the engine's queue
        done = conflicts = 0
        while not deadline or time.monotonic() < deadline:
            if self._can_commit():
                self.env.cr.commit()  # pylint: disable=invalid-commit
            batch = Batch._claim_next(company, batch_ids)
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
