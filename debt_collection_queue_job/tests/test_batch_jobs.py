"""The batches of a run as OCA queue_job jobs, worked by two job workers at
once the way the job runner has them worked: each worker acquires a job
(``/queue_job/runjob``'s code: state *started*, committed, row locked) and
runs it (its own cursor, allowed to commit)."""

from odoo.tests import tagged

from odoo.addons.debt_collection.tests.concurrency import ConcurrentWorkersCase
from odoo.addons.queue_job.controllers.main import RunJobController


@tagged("post_install", "-at_install")
class TestBatchJobs(ConcurrentWorkersCase):
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
        expected = self._four_customers_and_an_opening_entry()
        with self._cursor() as cr:
            existing_jobs = self._env(cr)["queue.job"].search([]).ids
        run_id = self._plan_a_batch_per_customer()
        with self._cursor() as cr:
            env = self._env(cr)
            batches = env["debt.collection.batch"].search([("run_id", "=", run_id)])
            jobs = env["queue.job"].search(
                [("id", "not in", existing_jobs)], order="id"
            )
            self.ids["jobs"] = jobs.ids
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

        with self._both_workers_hold_a_batch():
            outcomes = self._run_jobs({"A": uuids[0::2], "B": uuids[1::2]})
        self.assertEqual(outcomes, {"A": ("done", 2), "B": ("done", 2)})

        with self._cursor() as cr:
            jobs = self._jobs(self._env(cr))
            self.assertEqual(jobs.mapped("state"), ["done"] * 4)
            self.assertEqual(jobs.mapped("result"), ["Customers worked: 1."] * 4)
        # The last job finished the run: batches gone, counts and report.
        self._assert_run_done_once(run_id, expected)

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
