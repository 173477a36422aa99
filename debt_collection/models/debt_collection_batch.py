import psycopg2

from odoo import fields, models
from odoo.tools import SQL


class DebtCollectionBatch(models.Model):
    """A share of an automatic run: some of its customers, worked by one
    worker at a time.

    The cron that plans a run splits its customers into batches; any worker
    (the collection cron, the batch workers' crons, OCA queue_job jobs with
    ``debt_collection_queue_job``) claims the next pending batch with ``FOR UPDATE
    SKIP LOCKED``, acts for its customers and marks it done in the same
    transaction. A worker that dies leaves its batch pending (its transaction
    is rolled back) for the next one; two workers never hold the same batch,
    and the events' exactly-once key backs that up. The batches of a run are
    deleted when the run is finished: they are a work queue, not history.
    """

    _name = "debt.collection.batch"
    _description = "Debt Collection Batch"
    _order = "id"

    run_id = fields.Many2one(
        "debt.collection.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_ids = fields.Json("Customers", required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done")],
        required=True,
        default="pending",
        index=True,
    )

    def _claim_next(self, company, batch_ids=None):
        """The company's next pending batch (among ``batch_ids`` when given),
        locked for this transaction, or an empty recordset when none is left
        that no other worker holds.

        Odoo's transactions are REPEATABLE READ: a batch another worker
        finished after this transaction began cannot be locked (serialization
        failure). The transaction then holds nothing yet (the caller commits
        before claiming), so it starts anew, as Odoo's cron does with jobs.
        """
        self.env.flush_all()
        query = SQL(
            """SELECT id FROM debt_collection_batch
                WHERE company_id = %s AND state = 'pending' AND %s
                ORDER BY id LIMIT 1
                  FOR UPDATE SKIP LOCKED""",
            company.id,
            SQL("id = ANY(%s)", list(batch_ids)) if batch_ids else SQL("TRUE"),
        )
        for _attempt in range(10):
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(query, log_exceptions=False)
                    row = self.env.cr.fetchone()
                return self.browse(row[0] if row else [])
            except psycopg2.errors.SerializationFailure:
                if not self.env["debt.collection.engine"]._can_commit():
                    raise
                self.env.cr.rollback()
        return self.browse()
