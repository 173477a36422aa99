"""The SMSAPI.pl gateway against a real HTTP server on 127.0.0.1.

The server started by each test (``common.FakeSmsapi``) speaks SMSAPI's
sms.do: it checks the bearer token, answers JSON, refuses invalid numbers
(error 13) and a second message with an idx it already accepted (error 53,
with check_idx=1), and can be told to answer too late (a timeout) or with a
server error.
"""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import (
    FRI_6,
    INVALID,
    MON_2,
    THU_5,
    TOKEN,
    SmsapiServerMixin,
    SmsCollectionCase,
)

ENGINE_LOGGER = "odoo.addons.debt_collection_sms.models.debt_collection_engine"
GATEWAY_LOGGER = "odoo.addons.debt_collection_sms.models.debt_collection_sms_gateway"


@tagged("post_install", "-at_install")
class TestSmsapiGateway(SmsapiServerMixin, SmsCollectionCase):
    def setUp(self):
        super().setUp()
        self._use_smsapi(self.company)

    def test_success_posts_the_sms_and_stores_its_id(self):
        invoice = self._invoice(self.customer, MON_2, 250)
        self._run(THU_5)
        self._run(THU_5, hour=14)
        self.assertEqual(len(self.server.requests), 1, "sent once")
        path, authorization, form = self.server.requests[0]
        self.assertEqual((path, authorization), ("/sms.do", f"Bearer {TOKEN}"))
        event = self._sms_events()
        self.assertEqual(
            form,
            {
                "to": "48601234567",
                "from": "Windykacja",
                "message": event.sms_body,
                "format": "json",
                "encoding": "utf-8",
                # The collection message's own reference: it does not change
                # when the customer's documents do.
                "idx": f"dc-{self._db_uuid()[:8]}-n{event.notice_id.id}",
                "check_idx": "1",
            },
        )
        self.assertIn(
            f"Overdue: {invoice.name}, amount due 250.00 PLN.", form["message"]
        )
        self.assertRecordValues(
            event,
            [
                {
                    "state": "done",
                    "sms_gateway": "smsapi",
                    "sms_gateway_ref": "SMS1001",
                    "sms_status": "QUEUE",
                    "sms_number": "+48601234567",
                }
            ],
        )
        self.assertFalse(self._new_sms_records(), "Odoo's IAP is not used")

    def test_test_mode_flag(self):
        self.company.debt_collection_smsapi_test = True
        self._invoice(self.customer, MON_2, 250)
        self._run(THU_5)
        self.assertEqual(self.server.requests[0][2]["test"], "1")
        self.assertEqual(self._sms_events().sms_status, "QUEUE (test mode)")

    def test_invalid_number_gives_up_once(self):
        """The gateway refuses the number (13): failed for good, not asked
        again; the collector gets an activity."""
        self.customer.mobile = "+" + INVALID
        self._invoice(self.customer, MON_2, 250)
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
            self._run(THU_5, hour=14)
        self.assertEqual(len(self.server.requests), 1, "not asked again")
        event = self._sms_events()
        self.assertRecordValues(
            event,
            [
                {
                    "state": "failed",
                    "reason": "sms_invalid_number",
                    "sms_number": "+" + INVALID,
                }
            ],
        )
        self.assertIn("No correct phone numbers", event.error)
        self.assertRecordValues(
            event.delivery_id, [{"state": "failed", "failure": "invalid_address"}]
        )
        self.assertEqual(event.delivery_id.activity_id.user_id, self.collector)
        self.assertFalse(self.server.accepted)

    def test_blacklisted_on_the_account_gives_up(self):
        """Error 57 (the number is on the SMSAPI account's blacklist) is not
        retried: a permanent failure with its own reason."""
        self.server.error_code = 57
        self._invoice(self.customer, MON_2, 250)
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
            self._run(THU_5, hour=14)
            self._run(FRI_6)
        self.assertEqual(len(self.server.requests), 1)
        self.assertRecordValues(
            self._sms_events(), [{"state": "failed", "reason": "sms_blacklisted"}]
        )

    def test_account_settings_are_for_the_managers_not_retried_as_outages(self):
        """Error 12 (more parts than the account allows): the managers are
        told; the SMS is not hammered every quarter of an hour; once they
        changed the setting, the next run's retry sends it, once."""
        self.server.error_code = 12
        self._invoice(self.customer, MON_2, 250)
        with mute_logger(ENGINE_LOGGER, GATEWAY_LOGGER):
            self._run(THU_5)
            self._run(THU_5, hour=10, deliver=False)
        self.assertEqual(len(self.server.requests), 1)
        event = self._sms_events()
        self.assertRecordValues(
            event, [{"state": "failed", "reason": "sms_gateway_account"}]
        )
        self.assertEqual(len(self._manager_notifications()), 1)
        self.server.error_code = None
        self._run(THU_5, hour=11)
        self.assertRecordValues(event, [{"state": "done", "attempts": 2}])
        self.assertEqual(len(self.server.accepted), 1)
        self.assertEqual(
            self.server.requests[0][2]["idx"], self.server.requests[1][2]["idx"]
        )

    def test_authorisation_error_fails_loudly_without_hammering(self):
        """A wrong token: the first SMS is refused, the second customer's is
        not even tried; both fail and the managers are told once."""
        self.company.debt_collection_smsapi_token = "revoked"
        other = self._sms_customer("Sklep Nowak", mobile="602 222 222")
        self._invoice(self.customer, MON_2, 250)
        self._invoice(other, MON_2, 300)
        with mute_logger(ENGINE_LOGGER, GATEWAY_LOGGER):
            self._run(THU_5)
        self.assertEqual(len(self.server.requests), 1)
        events = self._sms_events()
        self.assertEqual(
            set(events.mapped(lambda e: (e.state, e.reason))),
            {("failed", "sms_gateway_account")},
        )
        self.assertIn("check the token", events[0].error)
        self.assertIn("101", events[0].error)
        notification = self._manager_notifications()
        self.assertEqual(len(notification), 1)
        self.assertIn("2 SMS", notification.body)
        self.assertFalse(self.server.accepted)

    def test_timeout_is_retried_without_a_second_sms(self):
        """The gateway takes the SMS but answers after the timeout: it stays
        queued, marked as maybe sent. The retry carries the same idx: the
        gateway refuses to send it again (error 53) and the action is done
        with one SMS sent."""
        self._invoice(self.customer, MON_2, 250)
        self.server.delay = 1.5
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
        event = self._sms_events()
        delivery = event.delivery_id
        self.assertRecordValues(event, [{"state": "queued", "attempts": 1}])
        self.assertRecordValues(delivery, [{"state": "queued", "attempts": 1}])
        self.assertTrue(delivery.sms_unconfirmed_since)
        self.assertIn("did not answer within 1 seconds", delivery.error)
        self.assertEqual(len(self.server.accepted), 1)
        self.server.delay = 0
        self._run(THU_5, hour=11)
        self._run(THU_5, hour=12)
        self.assertEqual(len(self.server.requests), 2)
        self.assertEqual(
            self.server.requests[0][2]["idx"], self.server.requests[1][2]["idx"]
        )
        self.assertEqual(len(self.server.accepted), 1, "no duplicate SMS")
        self.assertRecordValues(event, [{"state": "done", "reason": False}])
        self.assertRecordValues(
            delivery, [{"state": "sent", "sms_unconfirmed_since": False}]
        )
        self.assertEqual(
            event.sms_status, "Already sent (the retry was not sent again)"
        )

    def test_reference_does_not_change_when_a_document_is_paid(self):
        """The first attempt fails (gateway down); meanwhile the customer pays
        the document the old reference was built from. The retry still sends
        the same idx, so a gateway that took the first attempt refuses a
        duplicate."""
        first = self._invoice(self.customer, MON_2, 250)
        self._invoice(self.customer, MON_2, 100)
        self.server.fail_status = 503
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
        self._pay(first, 250, THU_5)
        self.server.fail_status = None
        self._run(THU_5, hour=11)
        self.assertEqual(len(self.server.requests), 2)
        self.assertEqual(
            self.server.requests[0][2]["idx"], self.server.requests[1][2]["idx"]
        )
        self.assertEqual(len(self.server.accepted), 1)

    def test_the_gateway_is_called_after_the_claim(self):
        """When the gateway gets the SMS, its action is already recorded as
        queued with the SMS (the batch that claimed it was committed)."""
        self._invoice(self.customer, MON_2, 250)
        seen = {}
        Gateway = type(self.env["debt.collection.sms.gateway"])
        original = Gateway._send

        def send(gateway, company, messages):
            event = self._sms_events()
            seen["at_call"] = (event.state, event.delivery_id.state, event.sms_body)
            return original(gateway, company, messages)

        with patch.object(Gateway, "_send", send):
            self._run(THU_5)
        event = self._sms_events()
        self.assertEqual(seen["at_call"], ("queued", "queued", event.sms_body))
        self.assertEqual(event.state, "done")

    def test_server_error_is_retried_then_sent(self):
        self._invoice(self.customer, MON_2, 250)
        self.server.fail_status = 503
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
        event = self._sms_events()
        self.assertRecordValues(event, [{"state": "queued"}])
        self.assertIn("HTTP 503", event.delivery_id.error)
        self.assertFalse(event.delivery_id.sms_unconfirmed_since, "refused: not sent")
        self.server.fail_status = None
        self._run(THU_5, hour=11)
        self.assertRecordValues(
            event, [{"state": "done", "sms_gateway_ref": "SMS1001"}]
        )
        self.assertEqual(len(self.server.accepted), 1)

    def test_outage_is_retried_over_the_retry_period_not_hourly_runs(self):
        """The gateway is down for good: the SMS is tried after 15 min, 1 h,
        4 h, then daily, for the company's 3 days (the follow-up cron, every
        hour here), then given up with an activity for the collector."""
        self._invoice(self.customer, MON_2, 250)
        self.server.fail_status = 502
        Delivery = self.env["debt.collection.delivery"]
        counts = []
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
            for hours in range(1, 73):
                with freeze_time(datetime(2026, 3, 5, 9) + timedelta(hours=hours)):
                    Delivery._cron_follow_up()
                counts.append(len(self.server.requests))
        # Thu 9:00 UTC, then 10:00 (15 min), 11:00 (1 h), 15:00 (4 h), the
        # same hour on Friday and Saturday, and Sunday 9:00 (the 3 days).
        self.assertEqual(counts[0:2], [2, 3])
        self.assertEqual(counts[5], 4)
        self.assertEqual(counts[29], 5)
        self.assertEqual(counts[53], 6)
        self.assertEqual(counts[71], 7)
        self.assertEqual(len(self.server.requests), 7)
        event = self._sms_events()
        self.assertRecordValues(
            event, [{"state": "failed", "reason": "delivery_failed"}]
        )
        self.assertRecordValues(
            event.delivery_id, [{"state": "failed", "failure": "expired"}]
        )
        self.assertEqual(event.delivery_id.activity_id.user_id, self.collector)

    def _db_uuid(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.uuid")

    def _new_sms_records(self):
        return (
            self.env["sms.sms"].sudo().search([("partner_id", "=", self.customer.id)])
        )
