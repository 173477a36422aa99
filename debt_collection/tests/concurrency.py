"""Tests with several workers at once: threads with their own database
connections, or processes of their own, on committed data (see
:class:`ConcurrentWorkersCase`)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager, suppress
from datetime import timedelta
from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api, fields, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase
from odoo.tests.common import get_db_name
from odoo.tools import config, mute_logger

# An Odoo cron worker in a process of its own (see _in_processes).
WORKER_PROCESS = os.path.join(os.path.dirname(__file__), "worker_process.py")


class ConcurrentWorkersCase(BaseCase):
    """Base of the tests where workers run the engine at the same moment,
    each in its own thread with its own database connection, on COMMITTED
    data.

    A TransactionCase cannot do this: its data lives in one uncommitted
    transaction that other connections neither see nor may wait on (they
    would block on its row locks). This test opens its own cursors, commits
    its data in the main company (which has a chart of accounts; creating a
    company would change users' groups and pricelists for good), and deletes
    everything it committed in a cleanup that runs whatever happens.

    The engine is restricted to the test's own policy (``_sending_policies``
    is patched), so the main company's other documents (demo data) are not
    touched. Planning a run is serialised (an advisory lock per company);
    working it is shared: the workers claim its batches with ``FOR UPDATE
    SKIP LOCKED``. Tests of batches make the workers wait at a barrier until
    each holds a batch, so that they really work at the same time.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.Engine = self.registry["debt.collection.engine"]
        self.ids = {}
        self.started_at = fields.Datetime.now()
        self.addCleanup(self._cleanup)

    def _cursor(self):
        """A real connection of its own (even if the registry is in test mode)."""
        return sql_db.db_connect(get_db_name()).cursor()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _setup_data(self, env, customers=2):
        company = env.ref("base.main_company")
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        if not journal:
            self.skipTest("the main company has no sales journal")
        self.ids["company"] = company.id
        templates = env["debt.collection.step"]
        policy = env["debt.collection.policy"].create(
            {
                "name": f"Concurrency test {uuid.uuid4().hex}",
                "company_id": company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Pre-due reminder",
                            "days": -3,
                            "action": "reminder",
                            "mail_template_id": templates._default_template(
                                "reminder", -3
                            ).id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Overdue reminder",
                            "days": 7,
                            "action": "reminder",
                            "mail_template_id": templates._default_template(
                                "reminder", 7
                            ).id,
                        }
                    ),
                ],
            }
        )
        self.ids["policy"] = policy.id
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Concurrent customer {n}",
                    "is_company": True,
                    "email": f"customer{n}@concurrency.example.com",
                }
                for n in range(1, customers + 1)
            ]
        )
        self.ids["partners"] = partners.ids
        partners.with_company(company).debt_collection_policy_id = policy
        # Real time: today is the company's today. The overdue item stays due
        # for weeks and the pre-due one for three days: a midnight between
        # set-up and run changes nothing.
        today = company._debt_collection_today()
        moves = env["account.move"]
        for partner in partners:
            for due in (today - timedelta(days=7), today + timedelta(days=2)):
                moves |= (
                    env["account.move"]
                    .with_company(company)
                    .create(
                        {
                            "move_type": "out_invoice",
                            "journal_id": journal.id,
                            "partner_id": partner.id,
                            "invoice_date": due - timedelta(days=14),
                            "invoice_date_due": due,
                            "invoice_payment_term_id": False,
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "name": "Goods",
                                        "quantity": 1,
                                        "price_unit": 250.0,
                                        "tax_ids": [],
                                    }
                                )
                            ],
                        }
                    )
                )
                self.ids["moves"] = moves.ids
        moves.action_post()
        return moves, today

    def _cleanup(self):
        """Delete everything the test (and the workers) committed."""
        if not self.ids:
            return
        with self._cursor() as cr:
            env = self._env(cr)
            crons = env["ir.cron"].browse(self.ids.get("crons", [])).exists()
            actions = crons.ir_actions_server_id
            crons.unlink()
            actions.unlink()
            if "queue.job" in env:
                # With debt_collection_queue_job, the batches' jobs.
                env["queue.job"].search(
                    [
                        ("model_name", "=", "debt.collection.engine"),
                        ("date_created", ">=", self.started_at),
                    ]
                ).unlink()
            moves = env["account.move"].browse(self.ids.get("moves", [])).exists()
            partners = env["res.partner"].browse(self.ids.get("partners", []))
            partners = partners.exists()
            policy = env["debt.collection.policy"].browse(self.ids.get("policy"))
            policy = policy.exists()
            events = env["debt.collection.event"].search(
                [
                    "|",
                    ("policy_id", "in", policy.ids),
                    ("partner_id", "in", partners.ids),
                ]
            )
            notices = events.notice_id | env["debt.collection.notice"].search(
                [("partner_id", "in", partners.ids)]
            )
            runs = (
                events.run_id
                | notices.run_id
                | env["debt.collection.run"].search([("policy_ids", "in", policy.ids)])
            )
            mails = env["mail.mail"].search(
                [
                    "|",
                    "&",
                    ("model", "=", "debt.collection.notice"),
                    ("res_id", "in", notices.ids),
                    "&",
                    ("model", "=", "debt.collection.run"),
                    ("res_id", "in", runs.ids),
                ]
            )
            messages = mails.mail_message_id | env["mail.message"].search(
                [
                    "|",
                    "&",
                    ("model", "=", "debt.collection.notice"),
                    ("res_id", "in", notices.ids),
                    "&",
                    ("model", "=", "debt.collection.run"),
                    ("res_id", "in", runs.ids),
                ]
            )
            env["debt.collection.delivery"].search(
                [("partner_id", "in", partners.ids)]
            ).unlink()
            mails.unlink()
            messages.exists().unlink()
            events.unlink()
            notices.unlink()
            runs.unlink()
            posted = moves.filtered(lambda m: m.state == "posted")
            posted.button_draft()
            moves.with_context(force_delete=True).unlink()
            partners.unlink()
            policy.unlink()
            if self.ids.get("report_user"):
                env["res.company"].browse(
                    self.ids["company"]
                ).debt_collection_report_user_ids = [
                    Command.unlink(self.ids["report_user"])
                ]
        self.ids.clear()

    def _only_test_policy(self):
        """A replacement of the engine's _sending_policies: the test's."""
        policy_id = self.ids["policy"]
        return lambda engine, company, force=False: engine.env[
            "debt.collection.policy"
        ].browse(policy_id)

    def _in_threads(self, work, names=("A", "B")):
        """Run ``work(env, name)`` in one thread per name, each with its own
        connection (committed at the end); {name: outcome}."""
        outcomes = {}

        def worker(name):
            try:
                with self._cursor() as cr:
                    outcomes[name] = ("done", work(self._env(cr), name))
            except psycopg2.errors.TransactionRollbackError as error:
                # Serialization failure (or deadlock): the database aborted
                # this worker's transaction; nothing of it remains.
                outcomes[name] = ("rolled back", type(error).__name__)
            except BaseException as error:  # noqa: BLE001 - reported below
                outcomes[name] = ("error", repr(error))

        with (
            patch.object(self.Engine, "_sending_policies", self._only_test_policy()),
            mute_logger("odoo.sql_db"),
        ):
            threads = [
                threading.Thread(target=worker, args=(name,), name=f"dc-{name}")
                for name in names
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        self.assertFalse(any(t.is_alive() for t in threads), "a worker hangs")
        return outcomes

    def _race(self, company_id, policy_id):
        """Run the whole pass (plan and work) in two threads at once."""
        start = threading.Barrier(2, timeout=60)

        def run_pass(env, name):
            company = env["res.company"].browse(company_id)
            start.wait()
            return env["debt.collection.engine"]._run_collection_pass(
                force=True, companies=company
            )

        return self._in_threads(run_pass)

    def _acted_on(self, env):
        """(item, step name, occurrence, state) of the test policy's events."""
        events = env["debt.collection.event"].search(
            [("policy_id", "=", self.ids["policy"])]
        )
        return events, sorted(
            (e.move_line_id.id, e.step_id.name, e.occurrence, e.state) for e in events
        )

    def _opening_entry(self, env, partners, due):
        """One posted entry with an overdue receivable line per customer
        (balances migrated from another system): a document the workers of
        different batches all touch."""
        company = env["res.company"].browse(self.ids["company"])
        journal = env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        receivable = partners[0].with_company(company).property_account_receivable_id
        equity = env["account.account"].search(
            [("company_ids", "in", company.id), ("account_type", "=", "equity")],
            limit=1,
        )
        entry = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": due - timedelta(days=30),
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": receivable.id,
                                "partner_id": partner.id,
                                "debit": 120.0,
                                "date_maturity": due,
                                "name": "Opening balance",
                            }
                        )
                        for partner in partners
                    ]
                    + [
                        Command.create(
                            {
                                "account_id": equity.id,
                                "credit": 120.0 * len(partners),
                                "name": "Opening balances",
                            }
                        )
                    ],
                }
            )
        )
        entry.action_post()
        self.ids["moves"] = [*self.ids["moves"], entry.id]
        return entry

    def _expected_actions(self, moves, today):
        """(item, step name, occurrence, state) a run records for the
        receivable items of ``moves``: a reminder each, queued (the tests do
        not run the mail queue)."""
        return sorted(
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

    def _four_customers_and_an_opening_entry(self):
        """Commit four customers with an overdue and a pre-due invoice each,
        and one opening entry with an overdue item of each: workers of
        different batches all change it (payment stage), the usual cause of
        conflicts. Returns the actions expected of a run."""
        with self._cursor() as cr:
            env = self._env(cr)
            moves, today = self._setup_data(env, customers=4)
            moves |= self._opening_entry(
                env,
                env["res.partner"].browse(self.ids["partners"]),
                today - timedelta(days=8),
            )
            # The administrator gets the report of the run (sent once, by
            # the worker that finishes it).
            company = env["res.company"].browse(self.ids["company"])
            admin = env.ref("base.user_admin")
            if admin not in company.debt_collection_report_user_ids:
                company.debt_collection_report_user_ids = [Command.link(admin.id)]
                self.ids["report_user"] = admin.id
            return self._expected_actions(moves, today)

    def _plan_a_batch_per_customer(self):
        """Plan (and commit) a run of the test policy with one customer per
        batch, planned a customer at a time (each is in one batch, whatever
        its items); returns the run's id."""
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
            self.assertEqual(
                sorted(p for b in batches for p in b.partner_ids),
                sorted(self.ids["partners"]),
            )
            self.assertEqual(len(batches), len(self.ids["partners"]))
            return batches.run_id.id

    @contextmanager
    def _both_workers_hold_a_batch(self, worked=None):
        """The worker threads of :meth:`_in_threads` wait with their first
        batch until both hold one, so that they work at the same time.
        ``worked`` (a dict) gets the customers of each batch a worker worked,
        by worker name."""
        holding = threading.Barrier(2, timeout=60)
        work_batch = self.Engine._work_batch
        calls = defaultdict(int)

        def work_batch_together(engine, batch):
            name = threading.current_thread().name.removeprefix("dc-")
            calls[name] += 1
            if calls[name] == 1:
                holding.wait()  # both workers hold a batch now
            result = work_batch(engine, batch)
            if worked is not None:
                # (A batch that met another worker's change of the shared
                # entry is rolled back and worked again: listed when it
                # succeeds.)
                worked.setdefault(name, []).append(batch.partner_ids)
            return result

        with patch.object(self.Engine, "_work_batch", work_batch_together):
            yield

    def _assert_run_done_once(self, run_id, expected):
        """Every expected action of the run recorded once, one e-mail per
        customer and step queued to the customer, the run finished once: its
        batches gone, its counts stored, one report to the administrator."""
        with self._cursor() as cr:
            env = self._env(cr)
            events, acted_on = self._acted_on(env)
            self.assertEqual(acted_on, expected, "each action exactly once")
            self.assertEqual(events.run_id.ids, [run_id])
            notices = events.notice_id
            partners = env["res.partner"].browse(self.ids["partners"])
            self.assertEqual(
                sorted(notices.mapped(lambda n: (n.partner_id.id, n.step_id.name))),
                sorted(
                    (partner_id, step)
                    for partner_id in partners.ids
                    for step in ("Overdue reminder", "Pre-due reminder")
                ),
                "one message per customer and step",
            )
            mails = env["mail.mail"].search(
                [
                    ("model", "=", "debt.collection.notice"),
                    ("res_id", "in", notices.ids),
                ]
            )
            self.assertEqual(
                sorted(mails.mapped("email_to")),
                sorted(
                    f'"{partner.name}" <{partner.email}>'
                    for partner in partners
                    for _step in range(2)
                ),
            )
            self.assertFalse(
                env["debt.collection.batch"].search([("run_id", "=", run_id)])
            )
            run = env["debt.collection.run"].browse(run_id)
            self.assertEqual(
                (
                    run.done_count,
                    run.queued_count,
                    run.failed_count,
                    run.skipped_count,
                ),
                (0, len(expected), 0, 0),
            )
            reports = env["mail.mail"].search(
                [("model", "=", "debt.collection.run"), ("res_id", "=", run_id)]
            )
            self.assertEqual(len(reports), 1, "the run's report, once")
            self.assertIn(env.ref("base.partner_admin"), reports.recipient_ids)
            self.assertIn(f"{len(expected)} queued", reports.subject)

    def _batch_worker_crons(self, names):
        """A copy of the batch worker's cron per worker name, due now (how
        the README adds workers); {name: cron id}, deleted by the cleanup."""
        with self._cursor() as cr:
            env = self._env(cr)
            cron = env.ref("debt_collection.ir_cron_debt_collection_batches")
            copies = {
                name: cron.copy(
                    {
                        "name": f"{cron.name} ({name})",
                        "active": True,
                        "nextcall": fields.Datetime.now() - timedelta(minutes=1),
                    }
                )
                for name in names
            }
            self.ids["crons"] = [copy.id for copy in copies.values()]
            return {name: copy.id for name, copy in copies.items()}

    def _in_processes(self, cron_ids, timeout=300):
        """Run the cron job ``cron_ids[name]`` in a process per name at once,
        each an Odoo cron worker on the test's configuration and database
        (``worker_process.py``). The workers wait with their first batch
        until each holds one.

        Returns {name: (exit code, batches worked, stderr)}; a worker that
        is still running after ``timeout`` seconds fails the test.
        """
        if not (config.rcfile and os.path.isfile(config.rcfile)):
            self.skipTest("the tests run without an Odoo configuration file")
        folder = tempfile.mkdtemp(prefix="dc-workers-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        processes = {}
        for name, cron_id in cron_ids.items():
            out, err = (os.path.join(folder, f"{name}.{ext}") for ext in ("out", "err"))
            with (
                open(out, "w", encoding="utf-8") as stdout,
                open(err, "w", encoding="utf-8") as stderr,
            ):
                # pylint: disable-next=consider-using-with
                processes[name] = subprocess.Popen(
                    [
                        sys.executable,
                        WORKER_PROCESS,
                        *("--config", config.rcfile, "--database", get_db_name()),
                        *("--cron", str(cron_id), "--name", name),
                        *("--barrier", folder, "--peers", *cron_ids),
                    ],
                    stdout=stdout,
                    stderr=stderr,
                )
        deadline = time.monotonic() + timeout
        for process in processes.values():
            with suppress(subprocess.TimeoutExpired):  # (checked below)
                process.wait(max(deadline - time.monotonic(), 1))
        hung = [name for name, process in processes.items() if process.poll() is None]
        for name in hung:
            processes[name].kill()
            processes[name].wait()
        outcomes = {}
        for name, process in processes.items():
            with open(os.path.join(folder, f"{name}.out"), encoding="utf-8") as out:
                output = out.read()
            with open(os.path.join(folder, f"{name}.err"), encoding="utf-8") as err:
                errors = err.read()
            try:
                # The last line (Odoo itself writes nothing to stdout).
                batches = json.loads(output.splitlines()[-1])["batches"]
            except (IndexError, ValueError):
                batches = None
            outcomes[name] = (process.returncode, batches, errors)
        self.assertFalse(
            hung, f"worker processes {hung} hang:\n{self._report(outcomes)}"
        )
        return outcomes

    def _report(self, outcomes):
        """The exit codes and error output of worker processes."""
        return "\n".join(
            f"--- worker {name}: exit code {code}, batches {batches}\n{errors}"
            for name, (code, batches, errors) in outcomes.items()
        )
