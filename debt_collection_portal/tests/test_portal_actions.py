"""Promises to pay and disputes made by the customer in the portal: the
desk's own promise and dispute (holds, kept or broken, history), plus the
collector's activity; bad input changes nothing."""

import re
from datetime import timedelta
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged

from odoo.addons.debt_collection_desk.models.debt_collection_case import (
    DISPUTE_HOLD_UNTIL,
)

from .common import PortalCase

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class PortalFormCase(PortalCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv1 = cls._invoice(cls.customer, cls.today - timedelta(days=20), 1000.0)
        cls.inv2 = cls._invoice(cls.customer, cls.today - timedelta(days=10), 500.0)

    def setUp(self):
        super().setUp()
        self.token = self._link().token

    def _query(self, moves, **params):
        pairs = [("company_id", self.company.id)]
        pairs += [("move_ids", move.id) for move in moves]
        if self.token:
            pairs.append(("access_token", self.token))
        return urlencode(pairs + list(params.items()))

    def _form(self, path, moves):
        response = self.url_open(f"{path}?{self._query(moves)}", allow_redirects=False)
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response

    def _post(self, path, moves, files=None, **fields):
        csrf = CSRF_RE.search(self._form(path, moves).text).group(1)
        data = [("csrf_token", csrf), ("company_id", self.company.id)]
        data += [("move_ids", move.id) for move in moves]
        if self.token:
            data.append(("access_token", self.token))
        data += list(fields.items())
        return self.url_open(path, data=data, files=files, allow_redirects=False)

    def _assertDone(self, response, code):
        self.assertEqual(response.status_code, 303, response.text[:2000])
        self.assertIn(f"done={code}", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestPortalPromise(PortalFormCase):
    def test_customer_promises_to_pay_from_a_link(self):
        promise_date = self.today + timedelta(days=10)
        form = self._form("/my/payments/promise", self.inv1 | self.inv2).text
        # The form proposes what the documents owe and a date a week ahead.
        self.assertIn('value="1500.0"', form)
        self.assertIn(f'value="{self.today + timedelta(days=7)}"', form)
        response = self._post(
            "/my/payments/promise",
            self.inv1 | self.inv2,
            amount="1500.00",
            promise_date=str(promise_date),
        )
        self._assertDone(response, "promise")
        case = self._case()
        self.assertEqual(
            (
                case.stage,
                case.promise_state,
                case.promise_amount,
                case.promise_date,
                case.promise_move_ids,
            ),
            ("promise", "open", 1500.0, promise_date, self.inv1 | self.inv2),
        )
        held_until = promise_date + timedelta(days=3)  # the company's grace days
        for invoice in self.inv1 | self.inv2:
            self.assertEqual(
                (
                    invoice.debt_collection_hold_until,
                    invoice.debt_collection_hold_reason,
                ),
                (held_until, "promise"),
            )
        promise = self._events(event_type="promise")
        self.assertEqual(promise.move_id, self.inv1 | self.inv2)
        self.assertEqual(set(promise.mapped("channel")), {"portal"})
        self.assertFalse(promise.user_id, "nobody logged in: no user")
        self.assertIn("Promised by Hurtownia Kowalski", str(promise[0].note))
        self.assertIn("in the customer portal", str(promise[0].note))
        activity = case.activity_ids
        self.assertEqual(
            (activity.user_id, activity.date_deadline, activity.summary),
            (self.collector, promise_date, "Promise to pay from the portal"),
        )
        self.assertIn("1,500.00", activity.note)
        # The page says so, and the documents are no longer chased.
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("your promise to pay is recorded", page)
        self.assertIn('data-status="promise"', page)
        self._run(self.today)
        self.assertFalse(self._events(event_type="action"))

    def test_portal_user_promise_is_signed_with_its_name(self):
        self.token = None
        self.authenticate("jan_portal", "jan_portal")
        response = self._post(
            "/my/payments/promise",
            self.inv2,
            amount="200",
            promise_date=str(self.today + timedelta(days=3)),
        )
        self._assertDone(response, "promise")
        event = self._events(event_type="promise")
        self.assertEqual(event.user_id, self.portal_user)
        self.assertIn("Jan Kowalski (portal)", str(event.note))
        self.assertEqual(self._case().promise_amount, 200.0)

    def test_promise_is_kept_or_broken_as_on_the_desk(self):
        self._post(
            "/my/payments/promise",
            self.inv1,
            amount="1000",
            promise_date=str(self.today + timedelta(days=5)),
        )
        self._pay(self.inv1, 1000.0, self.today)
        self._run(self.today + timedelta(days=1))
        case = self._case()
        self.assertEqual(case.promise_state, "kept")
        # A second promise, not kept: broken after the date and grace days.
        self._post(
            "/my/payments/promise",
            self.inv2,
            amount="500",
            promise_date=str(self.today + timedelta(days=2)),
        )
        self.assertEqual(case.promise_state, "open")
        self._run(self.today + timedelta(days=6))
        self.assertEqual(case.promise_state, "broken")
        self.assertFalse(self.inv2.debt_collection_hold_until)
        self.assertIn(
            "Broken promise to pay: call the customer",
            case.activity_ids.mapped("summary"),
        )

    def test_bad_promises_change_nothing(self):
        self.company.debt_collection_portal_promise_days = 30
        tomorrow = str(self.today + timedelta(days=1))
        for amount, promise_date, message in (
            ("0", tomorrow, "The promised amount must be positive."),
            ("-5", tomorrow, "The promised amount must be positive."),
            ("1500.01", tomorrow, "more than the documents still owe"),
            ("abc", tomorrow, "Give the amount as a number"),
            ("nan", tomorrow, "Give the amount as a number"),
            ("inf", tomorrow, "Give the amount as a number"),
            ("100", "31.02.2026", "Give the amount as a number"),
            ("100", str(self.today - timedelta(days=1)), "cannot be in the past"),
            ("100", str(self.today + timedelta(days=31)), "no later than"),
        ):
            response = self._post(
                "/my/payments/promise",
                self.inv1 | self.inv2,
                amount=amount,
                promise_date=promise_date,
            )
            self.assertEqual(response.status_code, 200, (amount, promise_date))
            self.assertIn("o_dc_form_error", response.text)
            self.assertIn(message, response.text.replace("&#39;", "'"))
        self.assertFalse(self._case().promise_state)
        self.assertFalse(
            any((self.inv1 | self.inv2).mapped("debt_collection_hold_until"))
        )
        self.assertFalse(self._events())
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "debt.collection.case")]
            )
        )

    def test_no_second_promise_while_one_is_open_nor_on_disputed_documents(self):
        self._post(
            "/my/payments/promise",
            self.inv1,
            amount="100",
            promise_date=str(self.today + timedelta(days=5)),
        )
        response = self._post(
            "/my/payments/promise",
            self.inv2,
            amount="100",
            promise_date=str(self.today + timedelta(days=5)),
        )
        self.assertIn("You already promised to pay", response.text)
        self.assertFalse(self.inv2.debt_collection_hold_until)
        response = self._post(
            "/my/payments/promise",
            self.inv1,
            amount="100",
            promise_date=str(self.today + timedelta(days=5)),
        )
        self.assertIn("already wait for a promise", response.text)

    def test_promise_without_documents_goes_back_to_the_page(self):
        response = self.url_open(
            f"/my/payments/promise?{self._query([])}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("error=select", response.headers["Location"])
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("Choose at least one document first.", page)


@tagged("post_install", "-at_install")
class TestPortalDispute(PortalFormCase):
    def test_customer_disputes_an_invoice_with_a_document(self):
        response = self._post(
            "/my/payments/dispute",
            self.inv2,
            files=[
                (
                    "attachments",
                    ("protocol.pdf", b"%PDF-1.4 damaged goods", "application/pdf"),
                )
            ],
            reason="Goods arrived damaged, see the protocol.",
        )
        self._assertDone(response, "dispute")
        self.assertEqual(
            (
                self.inv2.debt_collection_hold_until,
                self.inv2.debt_collection_hold_reason,
            ),
            (DISPUTE_HOLD_UNTIL, "dispute"),
        )
        self.assertFalse(self.inv1.debt_collection_hold_until)
        case = self._case()
        self.assertEqual(case.stage, "disputed")
        self.assertEqual(case.dispute_move_ids, self.inv2)
        event = self._events(event_type="dispute")
        self.assertEqual((event.move_id, event.channel), (self.inv2, "portal"))
        self.assertIn("Goods arrived damaged", str(event.note))
        message = case.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(message.attachment_ids.name, "protocol.pdf")
        self.assertEqual(message.attachment_ids.raw, b"%PDF-1.4 damaged goods")
        self.assertIn("Goods arrived damaged", message.body)
        self.assertEqual(case.activity_ids.user_id, self.collector)
        self.assertEqual(
            case.activity_ids.summary, "Dispute from the portal: resolve it"
        )
        # Held until the collector resolves it.
        self._run(self.today + timedelta(days=60))
        self.assertFalse(self._events(move_id=self.inv2.id, event_type="action"))
        case.with_user(self.collector).action_resolve_dispute()
        self.assertFalse(self.inv2.debt_collection_hold_until)

    def test_bad_disputes_change_nothing(self):
        for files, reason, message in (
            (None, "   ", "Give the reason of the dispute."),
            (
                [("attachments", (f"f{i}.txt", b"x", "text/plain")) for i in range(6)],
                "Wrong price",
                "Attach at most 5 files.",
            ),
            (
                [
                    (
                        "attachments",
                        (
                            "big.bin",
                            b"x" * (10 * 1024 * 1024 + 1),
                            "application/octet-stream",
                        ),
                    )
                ],
                "Wrong price",
                "a file may have at most 10 MB",
            ),
        ):
            response = self._post(
                "/my/payments/dispute", self.inv2, files=files, reason=reason
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, response.text)
        self.assertFalse(self.inv2.debt_collection_hold_until)
        self.assertFalse(self._events())
        self.assertFalse(self._case())
