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

from .common import INVALID, MON_2, THU_5, TOKEN, SmsapiServerMixin, SmsCollectionCase


class SimulatedCrash(BaseException):
    """A crash the engine cannot catch (the worker killed after sending)."""


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
                "idx": f"dc-{self._db_uuid()[:8]}-{event.move_line_id.id}"
                f"-{self.step_sms.id}-0",
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
        self.customer.mobile = "+" + INVALID
        self._invoice(self.customer, MON_2, 250)
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
            self._run(THU_5, hour=14)
        self.assertEqual(len(self.server.requests), 1, "not asked again")
        self.assertRecordValues(
            self._sms_events(),
            [
                {
                    "state": "skipped",
                    "reason": "sms_invalid_number",
                    "sms_number": "+" + INVALID,
                }
            ],
        )
        self.assertIn("No correct phone numbers", self._sms_events().error)
        self.assertFalse(self.server.accepted)

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
        """The gateway takes the SMS but answers after the timeout: failed,
        to retry. The retry carries the same idx: the gateway refuses to send
        it again (error 53) and the event is done with one SMS sent."""
        self._invoice(self.customer, MON_2, 250)
        self.server.delay = 1.5
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
        event = self._sms_events()
        self.assertRecordValues(
            event, [{"state": "failed", "reason": "error", "attempts": 1}]
        )
        self.assertIn("did not answer within 1 seconds", event.error)
        self.assertEqual(len(self.server.accepted), 1)
        self.server.delay = 0
        self._run(THU_5, hour=11)
        self._run(THU_5, hour=12)
        self.assertEqual(len(self.server.requests), 2)
        self.assertEqual(
            self.server.requests[0][2]["idx"], self.server.requests[1][2]["idx"]
        )
        self.assertEqual(len(self.server.accepted), 1, "no duplicate SMS")
        self.assertRecordValues(
            event, [{"state": "done", "reason": False, "attempts": 2}]
        )
        self.assertEqual(
            event.sms_status, "Already sent (the retry was not sent again)"
        )

    def test_crash_after_sending_does_not_send_twice(self):
        """The worker dies after the gateway took the SMS, before anything was
        committed: the events are lost. The next run claims the item again
        with the same reference, and the gateway refuses a second SMS."""
        self._invoice(self.customer, MON_2, 250)
        Engine = type(self.env["debt.collection.engine"])
        with patch.object(
            Engine, "_prepare_sms_event_vals", side_effect=SimulatedCrash
        ):
            with self.assertRaises(SimulatedCrash), self.env.cr.savepoint():
                self._run(THU_5)
        self.env.invalidate_all()
        self.assertFalse(self._sms_events(), "the crash lost the events")
        self.assertEqual(len(self.server.accepted), 1)
        self._run(THU_5, hour=11)
        self.assertEqual(len(self.server.requests), 2)
        self.assertEqual(len(self.server.accepted), 1, "no duplicate SMS")
        self.assertRecordValues(self._sms_events(), [{"state": "done"}])

    def test_server_error_is_retried_then_sent(self):
        self._invoice(self.customer, MON_2, 250)
        self.server.fail_status = 503
        with mute_logger(GATEWAY_LOGGER):
            self._run(THU_5)
        event = self._sms_events()
        self.assertRecordValues(event, [{"state": "failed", "reason": "error"}])
        self.assertIn("HTTP 503", event.error)
        self.server.fail_status = None
        self._run(THU_5, hour=11)
        self.assertRecordValues(
            event, [{"state": "done", "sms_gateway_ref": "SMS1001"}]
        )
        self.assertEqual(len(self.server.accepted), 1)

    def test_failures_stop_after_the_attempt_limit(self):
        """Three attempts (the company's limit), then the SMS is given up."""
        self._invoice(self.customer, MON_2, 250)
        self.server.fail_status = 502
        with mute_logger(GATEWAY_LOGGER):
            for hour in (10, 11, 12, 13, 14):
                with freeze_time(datetime(2026, 3, 5, hour) - timedelta(hours=1)):
                    self.env["debt.collection.engine"]._run_collection_pass(
                        companies=self.company
                    )
        self.assertEqual(len(self.server.requests), 3)
        self.assertRecordValues(
            self._sms_events(), [{"state": "failed", "attempts": 3}]
        )

    def _db_uuid(self):
        return self.env["ir.config_parameter"].sudo().get_param("database.uuid")

    def _new_sms_records(self):
        return (
            self.env["sms.sms"].sudo().search([("partner_id", "=", self.customer.id)])
        )
