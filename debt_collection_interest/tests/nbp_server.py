"""A local stand-in for NBP, started by a test: an HTTP server in a thread
that answers like static.nbp.pl (the interest rate file) and api.nbp.pl (table
A exchange rates), from what the test put in it."""

import json
import re
import socket
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARCHIVE_PATH = "/dane/stopy/stopy_procentowe_archiwum.xml"
ARCHIVE = (
    Path(__file__).parent / "data" / "nbp_stopy_procentowe_archiwum.xml"
).read_bytes()
_RATES = re.compile(
    r"/api/exchangerates/rates/a/(?P<code>[a-z]{3})/(?P<first>[\d-]{10})/"
    r"(?:(?P<last>[\d-]{10})/)?$"
)
# What api.nbp.pl answers for a day (or range) without a table.
NO_DATA = b"404 NotFound - Not Found - Brak danych"


class NbpServer:
    """``rates_file``: the body of the interest rate file; ``tables``:
    {(code, date): (table number, mid)}; ``answer``: a (status, body) that
    replaces every answer (a broken NBP). ``requests``: the paths asked."""

    def __init__(self):
        self.reset()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                server.requests.append(self.path)
                status, body = server.answer or server._answer(self.path)
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}
        )

    def reset(self):
        """The published archive, no exchange rate, nothing asked yet."""
        self.rates_file = ARCHIVE
        self.tables = {}
        self.answer = None
        self.requests = []

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def rates_url(self):
        return self.base_url + ARCHIVE_PATH

    @property
    def api_url(self):
        return self.base_url + "/api"

    def exchange_requests(self):
        return [path for path in self.requests if "/exchangerates/" in path]

    def _answer(self, path):
        path = path.split("?")[0]
        if path == ARCHIVE_PATH:
            return 200, self.rates_file
        match = _RATES.match(path)
        if not match:
            return 404, b"Not Found"
        code = match["code"].upper()
        first = date.fromisoformat(match["first"])
        last = date.fromisoformat(match["last"] or match["first"])
        rates = [
            {"no": number, "effectiveDate": str(day), "mid": mid}
            for (table_code, day), (number, mid) in sorted(self.tables.items())
            if table_code == code and first <= day <= last
        ]
        if not rates:
            return 404, NO_DATA
        body = {"table": "A", "currency": "euro", "code": code, "rates": rates}
        return 200, json.dumps(body).encode()


def closed_port_url(path=""):
    """An address on this machine where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
