"""Exactly one SMS across a crash: a real Odoo worker, in a process of its
own, is killed (SIGKILL) after the local SMSAPI server took its SMS and
before it could record the answer.

A TransactionCase cannot do this: the worker must see committed data. This
test commits its own (in the main company, with the SMSAPI settings switched
on for the test and restored after) and deletes it in a cleanup that runs
whatever happens.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import config

from .common import TOKEN, SmsapiServerMixin

WORKER = os.path.join(os.path.dirname(__file__), "sms_worker.py")
SMS_SETTINGS = (
    "debt_collection_sms_gateway",
    "debt_collection_smsapi_token",
    "debt_collection_smsapi_url",
    "debt_collection_smsapi_timeout",
    "debt_collection_smsapi_test",
    "debt_collection_smsapi_sender",
    "debt_collection_sms_hour_from",
    "debt_collection_sms_hour_to",
    "debt_collection_user_id",
)


@tagged("post_install", "-at_install")
class TestSmsWorkerKilled(SmsapiServerMixin, BaseCase):
    def setUp(self):
        super().setUp()
        self.ids = {}
        self.addCleanup(self._cleanup)
        self._queue_committed_sms()

    def _cursor(self):
        """A real connection of its own (even if the registry is in test mode)."""
        return sql_db.db_connect(get_db_name()).cursor()

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def _queue_committed_sms(self):
        """One queued collection SMS, committed, as a collection run leaves
        it; its action waits for the gateway."""
        with self._cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            self.ids["settings"] = company._convert_to_write(
                {name: company[name] for name in SMS_SETTINGS}
            )
            collector = env.ref("base.user_admin")
            company.write(
                {
                    "debt_collection_sms_gateway": "smsapi",
                    "debt_collection_smsapi_token": TOKEN,
                    "debt_collection_smsapi_url": self.server.url,
                    "debt_collection_smsapi_timeout": 60,
                    "debt_collection_smsapi_test": False,
                    "debt_collection_smsapi_sender": "Windykacja",
                    "debt_collection_sms_hour_from": 0,
                    "debt_collection_sms_hour_to": 24,
                    "debt_collection_user_id": collector.id,
                }
            )
            partner = env["res.partner"].create(
                {"name": "Crash Test Customer", "mobile": "+48601234567"}
            )
            delivery = env["debt.collection.delivery"].create(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "channel": "sms",
                    "sms_number": "+48601234567",
                    "sms_body": "Windykacja: please pay INV/2026/00001.",
                    "sms_ref": f"dc-crash-{uuid.uuid4().hex[:12]}",
                }
            )
            event = env["debt.collection.event"].create(
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "event_type": "action",
                    "channel": "sms",
                    "state": "queued",
                    "origin": "automatic",
                    "delivery_id": delivery.id,
                }
            )
            self.ids.update(
                company=company.id,
                collector=collector.id,
                partner=partner.id,
                delivery=delivery.id,
                event=event.id,
            )
            # The cursor commits when the block ends.

    def _cleanup(self):
        if not self.ids.get("partner"):
            return
        with self._cursor() as cr:
            env = self._env(cr)
            env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.ids["partner"]),
                ]
            ).unlink()
            env["debt.collection.event"].browse(self.ids["event"]).unlink()
            env["debt.collection.delivery"].browse(self.ids["delivery"]).unlink()
            env["res.company"].browse(self.ids["company"]).write(self.ids["settings"])
            env["res.partner"].browse(self.ids["partner"]).unlink()
        self.ids.clear()

    def _kill_worker_once_the_gateway_took_the_sms(self):
        """Start a worker that sends the company's SMS queue; the gateway
        takes the SMS and holds its answer; kill the worker meanwhile."""
        self.server.delay = 60
        worker = subprocess.Popen(
            [
                sys.executable,
                WORKER,
                config.rcfile,
                get_db_name(),
                str(self.ids["company"]),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 120
            while not self.server.accepted:
                self.assertIsNone(worker.poll(), "the worker ended before sending")
                self.assertLess(time.monotonic(), deadline, "the worker never sent")
                time.sleep(0.05)
        finally:
            worker.kill()
            worker.wait(30)
        self.assertEqual(worker.returncode, -signal.SIGKILL)
        self.server.delay = 0
        self.assertEqual(len(self.server.accepted), 1)

    def _state(self, env):
        delivery = env["debt.collection.delivery"].browse(self.ids["delivery"])
        event = env["debt.collection.event"].browse(self.ids["event"])
        return delivery, event

    def _send_queue_at(self, moment):
        """The next worker (the follow-up cron) at ``moment``: it sends the
        queue; returns (delivery values, event state) as it left them."""
        with self._cursor() as cr, freeze_time(moment):
            env = self._env(cr)
            env["debt.collection.delivery"]._send_sms_queue(
                env["res.company"].browse(self.ids["company"])
            )
            delivery, event = self._state(env)
            result = (
                delivery.state,
                delivery.failure,
                bool(delivery.sms_unconfirmed_since),
                event.state,
            )
            activity = (delivery.activity_id.user_id.id, str(delivery.activity_id.note))
            cr.rollback()
            return result, activity

    def test_killed_after_the_gateway_took_it_no_second_sms(self):
        """The worker had committed that it was submitting the SMS before it
        called the gateway; killed, it left the SMS queued. The next worker,
        a quarter of an hour later, sends it again with the same idx: the
        gateway refuses the duplicate and the SMS is sent, once."""
        killed_at = datetime.utcnow()
        self._kill_worker_once_the_gateway_took_the_sms()
        with self._cursor() as cr:
            delivery, event = self._state(self._env(cr))
            self.assertEqual(delivery.state, "queued")
            self.assertTrue(delivery.sms_submitted_date, "committed before the call")
            self.assertEqual(event.state, "queued")

        result, _activity = self._send_queue_at(killed_at + timedelta(minutes=16))

        self.assertEqual(result, ("sent", False, False, "done"))
        self.assertEqual(len(self.server.requests), 2)
        first, second = (form for _path, _auth, form in self.server.requests)
        self.assertEqual(first["idx"], second["idx"])
        self.assertEqual(second["check_idx"], "1")
        self.assertEqual(len(self.server.accepted), 1, "no second SMS")

    def test_retry_after_24_hours_is_not_sent_blindly(self):
        """SMSAPI forgets an idx after 24 hours: a retry that late (the
        worker died on Friday evening, the next one runs on Monday) is not
        sent again; it fails as unconfirmed and the collector checks."""
        killed_at = datetime.utcnow()
        self._kill_worker_once_the_gateway_took_the_sms()

        result, activity = self._send_queue_at(killed_at + timedelta(days=2, hours=14))

        self.assertEqual(result, ("failed", "unconfirmed", True, "failed"))
        self.assertEqual(len(self.server.requests), 1, "the gateway was not asked")
        self.assertEqual(len(self.server.accepted), 1)
        user_id, note = activity
        self.assertEqual(user_id, self.ids["collector"])
        self.assertIn("no longer recognises the SMS", note)
