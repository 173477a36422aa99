"""The batches of a run as OCA queue_job jobs, worked by two job workers at
once the way the job runner has them worked: each worker acquires a job
(``/queue_job/runjob``'s code: state *started*, committed, row locked) and
runs it (its own cursor, allowed to commit)."""

import threading
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.debt_collection.tests.concurrency import ConcurrentWorkersCase
from odoo.addons.queue_job.controllers.main import RunJobController


@tagged("post_install", "-at_install")
class TestBatchJobs(ConcurrentWorkersCase):
    def _cleanup(self):
        if self.ids.get("jobs"):
            with self._cursor() as cr:
                self._env(cr)["queue.job"].browse(self.ids["jobs"]).exists().unlink()
        return super()._cleanup()

    def _jobs(self, env):
        return env["queue.job"].browse(self.ids["jobs"]).sorted("id")

    def _run_jobs(self, uuids_by_worker):
        """Each worker runs its jobs in turn, as the runner's HTTP calls to
        ``/queue_job/runjob`` would; the runner marks them enqueued first."""
        with self._cursor() as cr:
            cr.execute(
                "UPDATE queue_job SET state = 'enqueued', date_enqueued = now()"
                " WHERE uuid = ANY(%s)",
                [[u for uuids in uuids_by_worker.values() for u in uuids]],
            )

        def work(env, name):
            for uuid in uuids_by_worker[name]:
                job = RunJobController._acquire_job(env, uuid)
                self.assertTrue(job, f"job {uuid} could not be acquired")
                RunJobController._runjob(env, job)
            return len(uuids_by_worker[name])

        return self._in_threads(work, names=tuple(uuids_by_worker))

    def test_each_batch_is_a_job_worked_once_by_two_job_workers(self):
        with self._cursor() as cr:
            env = self._env(cr)
            moves, today = self._setup_data(env, customers=4)
            # An entry of every customer: workers of different batches all
            # change it (payment stage), the usual cause of conflicts.
            moves |= self._opening_entry(
                env,
                env["res.partner"].browse(self.ids["partners"]),
                today - timedelta(days=8),
            )
            expected = sorted(
                (
                    line.id,
                    "Overdue reminder"
                    if line.date_maturity < today
                    else "Pre-due reminder",
                    0,
                    "queued",
                )
                for line in moves.line_ids
                if line.account_type == "asset_receivable"
            )
            existing_jobs = env["queue.job"].search([]).ids
        company_id = self.ids["company"]
        with (
            patch.object(self.Engine, "_batch_size", 1),
            patch.object(self.Engine, "_plan_slice", 1),
            patch.object(self.Engine, "_sending_policies", self._only_test_policy()),
            self._cursor() as cr,
        ):
            env = self._env(cr)
            env["debt.collection.engine"]._plan_batches(
                env["res.company"].browse(company_id), force=True
            )
            batches = env["debt.collection.batch"].search(
                [("company_id", "=", company_id), ("state", "=", "pending")]
            )
            jobs = env["queue.job"].search(
                [("id", "not in", existing_jobs)], order="id"
            )
            self.ids["jobs"] = jobs.ids
            run_id = batches.run_id.id
            # One job per batch, in the collection's channel, pending until
            # the runner takes it.
            self.assertEqual(len(batches), 4)
            self.assertEqual(
                [(j.method_name, j.channel, j.state) for j in jobs],
                [("_work_batch_job", "root.debt_collection", "pending")] * 4,
            )
            self.assertEqual(
                jobs.mapped("identity_key"),
                [f"debt_collection_batch_{b.id}" for b in batches],
            )
            self.assertEqual(
                jobs.mapped("name"), [f"Debt collection: batch {b.id}" for b in batches]
            )
            uuids = jobs.mapped("uuid")

        # Both workers hold a batch at the same moment.
        holding = threading.Barrier(2, timeout=60)
        work_batch = self.Engine._work_batch
        calls = {"A": 0, "B": 0}

        def work_batch_together(engine, batch):
            name = threading.current_thread().name[-1]
            calls[name] += 1
            if calls[name] == 1:
                holding.wait()
            return work_batch(engine, batch)

        with patch.object(self.Engine, "_work_batch", work_batch_together):
            outcomes = self._run_jobs({"A": uuids[0::2], "B": uuids[1::2]})
        self.assertEqual(outcomes, {"A": ("done", 2), "B": ("done", 2)})

        with self._cursor() as cr:
            env = self._env(cr)
            jobs = self._jobs(env)
            self.assertEqual(jobs.mapped("state"), ["done"] * 4)
            self.assertEqual(jobs.mapped("result"), ["Customers worked: 1."] * 4)
            events, acted_on = self._acted_on(env)
            self.assertEqual(acted_on, expected, "each action exactly once")
            self.assertEqual(events.run_id.ids, [run_id])
            self.assertEqual(
                len(events.notice_id), 8, "one message per customer and step"
            )
            # The last job finished the run: batches gone, counts and report.
            self.assertFalse(
                env["debt.collection.batch"].search([("run_id", "=", run_id)])
            )
            run = env["debt.collection.run"].browse(run_id)
            self.assertEqual(run.queued_count, len(expected))

        # The runner delivers a job again (its worker was thought lost): the
        # job does nothing and says so.
        outcomes = self._run_jobs({"A": uuids[:1]})
        self.assertEqual(outcomes, {"A": ("done", 1)})
        with self._cursor() as cr:
            env = self._env(cr)
            job = self._jobs(env)[0]
            self.assertEqual(job.state, "done")
            self.assertEqual(
                job.result, "Nothing to do: the batch was worked by another worker."
            )
            _events, acted_on = self._acted_on(env)
            self.assertEqual(acted_on, expected, "nothing done twice")
