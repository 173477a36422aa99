"""Did a collection message leave, and when to try again? No database here.

An e-mail that could not be handed over for a passing reason (the SMTP server
refuses connections, times out, or answers with a 4xx code) is tried again
after 15 minutes, 1 hour, 4 hours, then once a day, until the company's retry
period is over. Anything else (a recipient refused with a 5xx code, an
invalid address, a bounce) is final: retrying would not change the answer.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from email.utils import getaddresses

RETRY_DELAYS = (
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(days=1),
)

# Why a delivery failed for good (debt.collection.delivery ``failure``).
REFUSED = "refused"
INVALID_ADDRESS = "invalid_address"
BOUNCE = "bounce"
EXPIRED = "expired"
ERROR = "error"

# Odoo's mail.mail failure types that no retry can change.
PERMANENT_FAILURE_TYPES = {
    "mail_email_invalid": INVALID_ADDRESS,
    "mail_email_missing": INVALID_ADDRESS,
    "mail_bl": INVALID_ADDRESS,
    "mail_from_invalid": ERROR,
    "mail_from_missing": ERROR,
}
# Exceptions (named in Odoo's failure reason) of a connection that failed
# before the server answered: the message did not leave, try again.
TRANSIENT_ERRORS = (
    "SMTPConnectError",
    "SMTPServerDisconnected",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "ConnectionAbortedError",
    "TimeoutError",
    "timeout",
    "timed out",
    "gaierror",
    "Connection unexpectedly closed",
    "Connection refused",
)
SMTP_CODE = re.compile(r"\((\d{3}),")


@dataclass(frozen=True)
class MailOutcome:
    """A failed attempt: ``transient`` ones are retried, the others give
    ``failure`` (one of the constants above)."""

    transient: bool
    failure: str | None = None


def classify_mail_failure(failure_type, failure_reason):
    """The :class:`MailOutcome` of a mail.mail that Odoo could not send.

    ``failure_type`` is Odoo's (``mail_smtp`` when it could not connect),
    ``failure_reason`` its text: the exception name and the server's answer,
    e.g. ``SMTPRecipientsRefused: {'a@b.pl': (550, b'5.1.1 No such user')}``.
    """
    if failure_type == "mail_smtp":
        return MailOutcome(transient=True)
    if failure_type in PERMANENT_FAILURE_TYPES:
        return MailOutcome(False, PERMANENT_FAILURE_TYPES[failure_type])
    reason = failure_reason or ""
    codes = [int(code) for code in SMTP_CODE.findall(reason)]
    if codes:
        # Several recipients: retry only when every refusal is temporary.
        if all(400 <= code < 500 for code in codes):
            return MailOutcome(transient=True)
        return MailOutcome(False, REFUSED)
    if any(error in reason for error in TRANSIENT_ERRORS):
        return MailOutcome(transient=True)
    return MailOutcome(False, ERROR)


def retry_deadline(first_failure, retry_days):
    """The moment after which a failed message or action is given up."""
    return first_failure + timedelta(days=retry_days)


def next_attempt(failed_at, attempts, retry_until):
    """When to try again after the ``attempts``-th failed attempt (at
    ``failed_at``), or None when the retry period is over. The last attempt
    is made at the end of the period rather than never."""
    if failed_at >= retry_until:
        return None
    delay = RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]
    return min(failed_at + delay, retry_until)


def split_addresses(header):
    """The e-mail addresses of a To or Cc header, lower-cased."""
    return {
        address.strip().lower()
        for _name, address in getaddresses([header or ""])
        if "@" in address
    }
