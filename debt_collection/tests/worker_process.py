"""An Odoo cron worker in a process of its own, started by the tests of
several worker processes (see ``ConcurrentWorkersCase._in_processes``); not
a test module.

    python worker_process.py --config FILE --database DB --cron ID
        --name A --barrier DIR --peers A B

It loads the database's registry and runs the cron job ``ID`` the way Odoo's
cron workers do (``ir.cron._process_jobs``: acquire the job, process it,
reschedule it). On its first batch it waits, holding the batch, until every
peer holds one too (a file per worker in the barrier folder), so that the
workers provably work at the same time. It prints, as JSON, the batches whose
work it committed. Exit code 1 when Odoo logged an error (the cron worker
only logs a job's failure) or the job could not be acquired.
"""

import argparse
import json
import logging
import os
import sys
import threading
import time

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config

# Seconds a worker waits at the barrier for the others.
BARRIER_TIMEOUT = 120


class ErrorRecords(logging.Handler):
    """Keeps the errors Odoo logs, except failed queries: a query that meets
    another worker's change fails (and is logged) before the engine takes the
    batch up again; a real failure is logged again by the cron."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        if record.name != "odoo.sql_db":
            self.records.append(record)


def wait_at_barrier(folder, name, peers):
    """Say this worker holds a batch, then wait until every peer says so."""
    with open(os.path.join(folder, f"{name}.holding"), "w", encoding="utf-8"):
        pass
    deadline = time.monotonic() + BARRIER_TIMEOUT
    waiting = set(peers)
    while waiting:
        waiting = {
            peer
            for peer in waiting
            if not os.path.exists(os.path.join(folder, f"{peer}.holding"))
        }
        if waiting and time.monotonic() > deadline:
            raise TimeoutError(
                f"worker {name} held a batch for {BARRIER_TIMEOUT} s and "
                f"{sorted(waiting)} never held one"
            )
        if waiting:
            time.sleep(0.05)


def hold_first_batch_and_record(registry, args, worked):
    """Make the engine of this process wait at the barrier with its first
    batch, and list each batch whose transaction is committed."""
    Engine = registry["debt.collection.engine"]
    work_batch = Engine._work_batch

    def work_batch_at_barrier(engine, batch):
        if not worked["held"]:
            worked["held"] = True
            wait_at_barrier(args.barrier, args.name, args.peers)
        result = work_batch(engine, batch)
        done = {"batch": batch.id, "partners": list(batch.partner_ids)}
        # A batch that meets another worker's change is rolled back (and
        # taken up again): only a committed one counts.
        engine.env.cr.postcommit.add(lambda: worked["batches"].append(done))
        return result

    Engine._work_batch = work_batch_at_barrier


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--cron", type=int, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--barrier", required=True)
    parser.add_argument("--peers", nargs="+", required=True)
    args = parser.parse_args(argv)

    # The test's configuration, logging to stderr (the test shows it).
    config.parse_config(["-c", args.config, "-d", args.database], setup_logging=False)
    config["logfile"] = False
    odoo.netsvc.init_logger()
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    threading.current_thread().dbname = args.database

    registry = Registry(args.database)
    worked = {"held": False, "batches": []}
    hold_first_batch_and_record(registry, args, worked)
    # What Odoo's cron worker does with a job (ir.cron._process_jobs).
    IrCron = registry["ir.cron"]
    db = odoo.sql_db.db_connect(args.database)
    with db.cursor() as cron_cr:
        job = IrCron._acquire_one_job(cron_cr, args.cron)
        if not job:
            sys.stderr.write(f"cron job {args.cron} is not ready\n")
            return 1
        IrCron._process_job(db, cron_cr, job)
    sys.stdout.write(json.dumps({"name": args.name, "batches": worked["batches"]}))
    sys.stdout.write("\n")
    if errors.records:
        sys.stderr.write(f"{len(errors.records)} error(s) logged\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
