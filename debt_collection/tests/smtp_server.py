"""A local SMTP server for the tests (aiosmtpd): it keeps what it receives and
can refuse connections, refuse recipients or answer with a temporary error."""

import socket

from aiosmtpd.controller import Controller


class SmtpRecorder:
    """aiosmtpd handler: the envelopes accepted, and the refusals to make."""

    def __init__(self):
        self.envelopes = []
        self.refused = {}  # address: SMTP reply, e.g. "550 5.1.1 No such user"
        self.data_reply = None  # e.g. "451 4.3.0 Try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        reply = self.refused.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """An SMTP server on 127.0.0.1 that can go down and come back on the
    same port."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.recorder = SmtpRecorder()
        self.controller = None

    @property
    def envelopes(self):
        return self.recorder.envelopes

    def start(self):
        if not self.controller:
            self.controller = Controller(
                self.recorder, hostname="127.0.0.1", port=self.port
            )
            self.controller.start()

    def stop(self):
        """Down: connections are refused."""
        if self.controller:
            self.controller.stop()
            self.controller = None

    def reset(self):
        self.recorder.envelopes.clear()
        self.recorder.refused.clear()
        self.recorder.data_reply = None
        self.start()

    def recipients(self):
        """Every address a message was delivered to, once per message."""
        return [rcpt.lower() for env in self.envelopes for rcpt in env.rcpt_tos]
