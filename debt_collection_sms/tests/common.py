import datetime as dt
import ipaddress
import json
import logging
import os
import ssl
import tempfile
import threading
import time
from datetime import date
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from odoo.tests.common import _super_send

from odoo.addons.debt_collection.tests.common import DebtCollectionCase
from odoo.addons.sms.tests.common import SMSCase

_logger = logging.getLogger(__name__)

TOKEN = "tok-3f9a"
INVALID = "48601999999"

MON_2 = date(2026, 3, 2)
WED_4 = date(2026, 3, 4)
THU_5 = date(2026, 3, 5)
FRI_6 = date(2026, 3, 6)
MON_9 = date(2026, 3, 9)


class SmsCollectionCase(DebtCollectionCase, SMSCase):
    """The shared five-step policy plus an SMS reminder on day 3 (pay within 5
    days), a Polish company with a phone number, and a customer with a mobile.

    An invoice due on Monday 2 March gets its SMS on Thursday 5 March.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.poland = cls.env.ref("base.pl")
        cls.company.write(
            {
                "country_id": cls.poland.id,
                "phone": "+48 22 123 45 67",
                "debt_collection_sms_hour_from": 8,
                "debt_collection_sms_hour_to": 20,
                "debt_collection_sms_max_per_partner": 0,
            }
        )
        cls.step_sms = cls.env["debt.collection.step"].create(
            {
                "policy_id": cls.policy.id,
                "name": "SMS reminder",
                "sequence": 15,
                "days": 3,
                "action": "sms",
                "pay_by_days": 5,
                "sms_template_id": cls.env.ref(
                    "debt_collection_sms.sms_template_overdue"
                ).id,
            }
        )
        cls.customer.write({"mobile": "601 234 567", "country_id": cls.poland.id})

    @classmethod
    def _sms_customer(cls, name, mobile=False, lang="en_US", country=None, **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"{name.split()[0].lower()}@example.com",
                "mobile": mobile,
                "lang": lang,
                "country_id": (country or cls.poland).id,
                **values,
            }
        )

    @classmethod
    def _invoice_contact(cls, partner, name, mobile):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "type": "invoice",
                "parent_id": partner.id,
                "mobile": mobile,
                "email": f"{name.split()[0].lower()}@example.com",
            }
        )

    def _sms_events(self, partner=None, **domain):
        if partner:
            domain["partner_id"] = partner.id
        return self._events(step_id=self.step_sms.id, **domain)

    def _sent_numbers(self):
        """Numbers the IAP gateway accepted SMS for (Odoo's SMS mock)."""
        return [sms["number"] for sms in self._sms]

    def _manager_notifications(self):
        return self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.manager.partner_id.ids),
            ]
        )

    def _set_window(self, hour_from, hour_to):
        self.company.write(
            {
                "debt_collection_sms_hour_from": hour_from,
                "debt_collection_sms_hour_to": hour_to,
            }
        )


@cache
def local_certificate():
    """(certificate file, key file) of a self-signed certificate for
    127.0.0.1: the local SMSAPI server speaks https, like the real one."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tempfile.mkdtemp(prefix="dc-smsapi-")
    cert_file = os.path.join(folder, "cert.pem")
    key_file = os.path.join(folder, "key.pem")
    with open(cert_file, "wb") as file:
        file.write(certificate.public_bytes(serialization.Encoding.PEM))
    with open(key_file, "wb") as file:
        file.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_file, key_file


class FakeSmsapi(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmsapiHandler)
        cert_file, key_file = local_certificate()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.requests = []  # (path, authorization, form)
        self.accepted = []  # form of each message the gateway took
        self.delay = 0  # seconds before answering
        self.fail_status = None  # answer this HTTP status without JSON
        self.error_code = None  # answer this SMSAPI error code
        self.next_id = 1000

    @property
    def url(self):
        return f"https://127.0.0.1:{self.server_port}/sms.do"

    def answer(self, authorization, form):
        """(HTTP status, JSON body) of one request."""
        if self.fail_status:
            return self.fail_status, None
        if authorization != f"Bearer {TOKEN}":
            return 401, {"error": 101, "message": "Authorization failed"}
        if self.error_code:
            return 200, {
                "error": self.error_code,
                "message": f"Error {self.error_code}",
            }
        if form.get("to") == INVALID:
            return 200, {
                "invalid_numbers": [
                    {
                        "number": INVALID,
                        "submitted_number": INVALID,
                        "message": "Invalid phone number",
                    }
                ],
                "error": 13,
                "message": "No correct phone numbers",
            }
        idx = form.get("idx")
        if form.get("check_idx") == "1" and idx in {
            m.get("idx") for m in self.accepted
        }:
            return 200, {"error": 53, "message": "Not unique idx"}
        self.accepted.append(form)
        self.next_id += 1
        return 200, {
            "count": 1,
            "list": [
                {
                    "id": f"SMS{self.next_id}",
                    "points": 0.16,
                    "number": form["to"],
                    "submitted_number": form["to"],
                    "status": "QUEUE",
                    "idx": idx,
                }
            ],
        }


class SmsapiHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        form = {key: values[0] for key, values in parse_qs(raw).items()}
        authorization = self.headers.get("Authorization")
        self.server.requests.append((urlparse(self.path).path, authorization, form))
        status, payload = self.server.answer(authorization, form)
        if self.server.delay:
            time.sleep(self.server.delay)
        body = json.dumps(payload).encode() if payload is not None else b"Bad gateway"
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError as error:  # the client gave up waiting (the timeout test)
            _logger.debug("SMSAPI test server: %s", error)

    def log_message(self, format, *args):  # noqa: A002 - http.server's name
        pass


class SmsapiServerMixin:
    """Starts a :class:`FakeSmsapi` for each test (``self.server``) and lets
    requests to it keep their own timeout."""

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's tests raise short timeouts to 10 s: the gateway's own timeout
        # is what these tests are about, so the local server keeps it.
        if urlparse(r.url).hostname == "127.0.0.1":
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    def setUp(self):
        super().setUp()
        # Trust the local server's certificate (and nothing else).
        patcher = patch.dict(os.environ, {"REQUESTS_CA_BUNDLE": local_certificate()[0]})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.server = FakeSmsapi()
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)

    def _use_smsapi(self, company, **values):
        company.write(
            {
                "debt_collection_sms_gateway": "smsapi",
                "debt_collection_smsapi_token": TOKEN,
                "debt_collection_smsapi_sender": "Windykacja",
                "debt_collection_smsapi_url": self.server.url,
                "debt_collection_smsapi_timeout": 1,
                "debt_collection_smsapi_test": False,
                **values,
            }
        )
