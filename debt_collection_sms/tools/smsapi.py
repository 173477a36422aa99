"""The SMSAPI.pl HTTP gateway: one request, and its answer as an outcome.

``POST <endpoint>`` (``https://api.smsapi.pl/sms.do``) with the bearer token
and the form fields ``to``, ``message``, ``from``, ``format=json``,
``encoding=utf-8``, ``idx`` with ``check_idx=1`` (the gateway refuses a
second message with the same ``idx`` for 24 hours: a retry after a timeout
never sends twice) and ``test=1`` in test mode (nothing is sent or charged).

A success answers ``{"count": 1, "list": [{"id": "…", "status": "QUEUE",
"points": 0.16, …}]}``; an error answers ``{"error": 13, "message": "…"}``.
No database here: :func:`classify_response` is unit-tested on its own.
"""

from dataclasses import dataclass

import requests

SENT = "sent"  # accepted by the gateway
DUPLICATE = "duplicate"  # the same idx was accepted before: already sent
INVALID_NUMBER = "invalid_number"  # give up: the number cannot get SMS
BLACKLISTED = "blacklisted"  # give up: the number is on the account's blacklist
REFUSED = "refused"  # give up: the gateway will never send this message
ACCOUNT = "account"  # authorisation, credit or account settings: managers act
RETRY = "retry"  # the gateway is unavailable now: tried again later
REJECTED = "rejected"  # any other refusal: tried again later, up to the limit

# SMSAPI error codes, from its published list ("Error codes").
INVALID_NUMBER_CODES = frozenset({13})  # no valid phone number in the request
BLACKLISTED_CODES = frozenset({57})  # the number is on the account's blacklist
REFUSED_CODES = frozenset(
    {
        11,  # message too long, empty, or special characters with nounicode
        33,  # the message cannot be sent to this number (network not served)
    }
)
DUPLICATE_CODES = frozenset({53})  # idx already used with check_idx=1
ACCOUNT_CODES = frozenset(
    {
        12,  # more parts than the account's maximum (account settings)
        14,  # sender name not registered or not active
        32,  # foreign or Eco messages not enabled for the account
        101,  # invalid authorisation (token)
        102,  # invalid user name or password
        103,  # insufficient credits
        105,  # request from an IP address not allowed
        110,  # service not available for the account
    }
)
RETRY_CODES = frozenset(
    {
        8,  # error in request (gateway side)
        200,  # unsuccessful message submission
        201,  # system internal error
        202,  # too many simultaneous requests
        203,  # too many requests
        999,  # system internal error
    }
)
KINDS_BY_CODE = {
    **dict.fromkeys(INVALID_NUMBER_CODES, INVALID_NUMBER),
    **dict.fromkeys(BLACKLISTED_CODES, BLACKLISTED),
    **dict.fromkeys(REFUSED_CODES, REFUSED),
    **dict.fromkeys(DUPLICATE_CODES, DUPLICATE),
    **dict.fromkeys(ACCOUNT_CODES, ACCOUNT),
    **dict.fromkeys(RETRY_CODES, RETRY),
}


@dataclass(frozen=True)
class Outcome:
    kind: str  # one of the constants above
    message_id: str | None = None
    status: str | None = None  # the gateway's status (QUEUE, SENT…)
    code: int | None = None  # the gateway's error code
    message: str | None = None  # the gateway's error text, untranslated
    timed_out: bool = False
    # No answer after the request was sent: the SMS may have left.
    maybe_sent: bool = False


def classify_response(http_status, payload):
    """The :class:`Outcome` of an answer: HTTP status and decoded JSON (or
    None when the body was not JSON)."""
    payload = payload if isinstance(payload, dict) else {}
    error = payload.get("error")
    text = payload.get("message")
    if error is not None:
        try:
            code = int(error)
        except (TypeError, ValueError):
            code = None
        kind = KINDS_BY_CODE.get(code, REJECTED)
        return Outcome(kind, code=code, message=text or f"SMSAPI error {error}")
    if http_status >= 500:
        return Outcome(RETRY, message=f"HTTP {http_status}")
    if http_status in (401, 403):
        return Outcome(ACCOUNT, message=text or f"HTTP {http_status}")
    messages = payload.get("list") or []
    if 200 <= http_status < 300 and messages:
        first = messages[0]
        return Outcome(
            SENT,
            message_id=str(first.get("id") or "") or None,
            status=first.get("status"),
        )
    return Outcome(REJECTED, message=text or f"HTTP {http_status}")


def prepare_form(number, message, sender=None, idx=None, test=False):
    """The form fields of one SMS; ``number`` in E.164 (the ``+`` is dropped:
    SMSAPI takes the international number in digits)."""
    form = {
        "to": number.lstrip("+"),
        "message": message,
        "format": "json",
        "encoding": "utf-8",
    }
    if sender:
        form["from"] = sender
    if idx:
        form["idx"] = idx
        form["check_idx"] = "1"
    if test:
        form["test"] = "1"
    return form


def send(url, token, form, timeout):
    """POST one SMS; an :class:`Outcome` whatever happens. A failed connection
    is a RETRY (nothing left); no answer after sending is a RETRY that may
    have been sent (the idx keeps the retry from sending twice, for 24 hours)."""
    try:
        response = requests.post(
            url,
            data=form,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )
    except requests.ConnectTimeout:
        return Outcome(RETRY, timed_out=True)
    except requests.Timeout:
        return Outcome(RETRY, timed_out=True, maybe_sent=True)
    except requests.ConnectionError as error:
        # Refused or unreachable before sending; cut off afterwards.
        before_sending = "NewConnectionError" in str(error) or "refused" in str(error)
        return Outcome(RETRY, message=str(error), maybe_sent=not before_sending)
    except requests.RequestException as error:
        return Outcome(RETRY, message=str(error), maybe_sent=True)
    try:
        payload = response.json()
    except ValueError:
        payload = None
    return classify_response(response.status_code, payload)
