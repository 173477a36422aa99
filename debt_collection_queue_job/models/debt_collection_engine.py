import time

from odoo import _, models

from odoo.addons.queue_job.exception import RetryableJobError


class DebtCollectionEngine(models.AbstractModel):
    _inherit = "debt.collection.engine"

    def _enqueue_batches(self, batches):
        """Each batch of a planned run becomes a job: the job runner's workers
        (on any server) work them, as many at once as its channel allows.
        A batch a cron worker takes first is skipped by its job."""
        res = super()._enqueue_batches(batches)
        for batch in batches:
            self.with_delay(
                description=_("Debt collection: batch %(batch)s", batch=batch.id),
                identity_key=f"debt_collection_batch_{batch.id}",
            )._work_batch_job(batch.id)
        return res

    def _work_batch_job(self, batch_id):
        """The job of one batch: claim it (unless a worker holds it or it is
        done), work it, commit, and finish its run when it was the last one.

        Returns the job's result, shown on the job."""
        # sudo: the engine's queue, whoever planned the run.
        batch = self.env["debt.collection.batch"].sudo().browse(batch_id).exists()
        if not batch or batch.state != "pending":
            return _("Nothing to do: the batch was worked by another worker.")
        company = batch.company_id
        done, _remaining = self.with_company(company)._work_batches(
            company,
            deadline=time.monotonic() + self._get_time_budget(),
            batch_ids=batch.ids,
        )
        if done:
            return _("Customers worked: %(count)s.", count=done)
        if batch._claim_next(company, batch.ids):
            # Still pending and free: other workers' changes to the same
            # documents aborted it every time; later, on fresh data.
            raise RetryableJobError(
                _("The batch met other workers' changes; it is retried."), seconds=60
            )
        return _("Nothing to do: another worker holds or worked the batch.")
