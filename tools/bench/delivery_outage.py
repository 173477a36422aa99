"""Reliability of e-mail delivery through an SMTP outage (part of ``make bench``).

On the benchmark database: one full collection pass queues its e-mails while
the local SMTP server (aiosmtpd) is down; Odoo's mail queue runs and every
e-mail fails to connect. The server comes back, takes part of the e-mails and
goes down again in the middle of the queue run (it answers 421 and closes);
then it stays up while the queue and the delivery follow-up cron run on
their schedule (the clock is moved, as the retries wait 15 minutes, 1 hour,
4 hours). Printed: collection e-mails delivered / failed / duplicated once the
server is back for good (target: all / 0 / 0). Everything is rolled back.

    make bench BENCH_ARGS="--delivery-only"
"""

import email
import importlib.util
import logging
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from freezegun import freeze_time

from odoo.tools import SQL

SMTP_SERVER = (
    Path(__file__).resolve().parents[2] / "debt_collection" / "tests" / "smtp_server.py"
)


def _load_smtp_server_module():
    """The tests' local SMTP server (aiosmtpd), loaded from its file: not
    through the tests package, which would load Odoo's test framework."""
    spec = importlib.util.spec_from_file_location("dc_smtp_server", SMTP_SERVER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FlakySmtp:
    """A local SMTP server that can take ``take`` messages, answer 421 to
    the next one and go down, then come back for good."""

    def __init__(self):
        self.server = _load_smtp_server_module().LocalSmtpServer()
        self.stopper = None

    def crash_after(self, take):
        recorder = self.server.recorder
        original = type(recorder).handle_DATA

        async def handle_data(server, session, envelope):
            if len(recorder.envelopes) < take:
                return await original(recorder, server, session, envelope)
            if not self.stopper:
                # Stopped from another thread: not from the server's own loop.
                self.stopper = threading.Thread(target=self.server.stop, daemon=True)
                self.stopper.start()
            return "421 4.3.2 Service shutting down"

        recorder.handle_DATA = handle_data

    def restart(self):
        """Up again for good, taking every message."""
        if self.stopper:
            self.stopper.join()
        self.server.recorder.__dict__.pop("handle_DATA", None)
        self.server.start()


def run_queue(env, at):
    """Odoo's mail queue at ``at``, until nothing more is due."""
    with freeze_time(at):
        Mail = env["mail.mail"].sudo()
        for _round in range(20):
            due = Mail.search_count(
                [
                    ("state", "=", "outgoing"),
                    "|",
                    ("scheduled_date", "=", False),
                    ("scheduled_date", "<=", at),
                ]
            )
            if not due:
                return
            Mail.process_email_queue()


def follow_up(env, at):
    with freeze_time(at):
        env["debt.collection.delivery"].sudo()._cron_follow_up()


def measure_outage(env, company, run_date):
    """Returns the figures of one pass through an outage (rolled back)."""
    flaky = FlakySmtp()
    smtp = flaky.server
    env["ir.mail_server"].sudo().create(
        {
            "name": "Bench SMTP",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_encryption": "none",
            "sequence": 0,
        }
    )
    engine = env["debt.collection.engine"].with_company(company)
    start = datetime(run_date.year, run_date.month, run_date.day, 9)
    # Thousands of e-mails and a server that dies on purpose: keep the SMTP
    # conversation and its expected errors out of the output.
    for name in (
        "mail.log",
        "odoo.addons.mail.models.mail_mail",
        "odoo.addons.base.models.ir_mail_server",
    ):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    thread = threading.current_thread()
    testing = getattr(thread, "testing", False)
    # No commit anywhere (the engine and the mail queue check this flag), so
    # that everything is rolled back; the network is real.
    thread.testing = True
    started = time.monotonic()
    try:
        with freeze_time(start):
            plan = engine._plan(company, run_date)
            engine._execute_plan(plan, origin="automatic")
        deliveries = env["debt.collection.delivery"].search(
            [("company_id", "=", company.id), ("channel", "=", "email")]
        )
        queued = len(deliveries)
        # 1. Down: every connection is refused.
        run_queue(env, start + timedelta(minutes=1))
        retried_after_outage = len(deliveries.filtered(lambda d: d.attempts))
        # 2. Back, then down again in the middle of the queue run.
        smtp.start()
        flaky.crash_after(queued // 3)
        run_queue(env, start + timedelta(minutes=20))
        taken_before_crash = len(smtp.envelopes)
        # 3. Back for good; the queue and the follow-up cron on schedule.
        flaky.restart()
        for minutes in (35, 50, 90, 150, 330, 24 * 60 + 60):
            moment = start + timedelta(minutes=minutes)
            follow_up(env, moment)
            run_queue(env, moment)
        seconds = time.monotonic() - started
        env.invalidate_all()
        states = Counter(deliveries.mapped("state"))
        received = Counter(
            email.message_from_bytes(envelope.content)["Message-Id"]
            for envelope in smtp.envelopes
        )
        ours = set(deliveries.sudo().mail_id.mapped("message_id"))
        duplicated = sum(
            n - 1 for message_id, n in received.items() if message_id in ours
        )
        events = dict(
            env.execute_query(
                SQL(
                    """SELECT e.state, count(*) FROM debt_collection_event e
                        JOIN debt_collection_delivery d ON d.id = e.delivery_id
                       WHERE d.id = ANY(%s) GROUP BY e.state""",
                    deliveries.ids,
                )
            )
        )
    finally:
        thread.testing = testing
        smtp.stop()
        env.cr.rollback()
    return {
        "queued": queued,
        "retried_after_outage": retried_after_outage,
        "taken_before_crash": taken_before_crash,
        "delivered": states.get("sent", 0),
        "failed": states.get("failed", 0),
        "still_queued": states.get("queued", 0),
        "duplicated": duplicated,
        "received": len(smtp.envelopes),
        "events": events,
        "seconds": seconds,
    }


def report(result):
    print(
        f"\nE-mail delivery through an SMTP outage ({result['queued']} collection "
        "e-mails queued by one full pass)"
    )
    print(
        f"  server down at the first queue run   {result['retried_after_outage']:>6} "
        "e-mails kept for a retry in 15 minutes"
    )
    print(
        f"  back, then down again mid-run        {result['taken_before_crash']:>6} "
        "taken before it went down"
    )
    print(
        f"  after it came back for good          delivered {result['delivered']} / "
        f"failed {result['failed']} / duplicated {result['duplicated']} "
        f"(target: {result['queued']} / 0 / 0; still queued {result['still_queued']})"
    )
    events = ", ".join(
        f"{state} {count}" for state, count in sorted(result["events"].items())
    )
    print(f"  their collection actions             {events}")
    print(f"  messages the server received         {result['received']:>6}")
    print(f"  seconds                              {result['seconds']:>6.1f}")
