"""Tests with several workers at once: threads with their own database
connections on committed data (see :class:`ConcurrentWorkersCase`)."""

import threading
import uuid
from datetime import timedelta
from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger


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
