"""Sending SMS: Odoo's SMS (IAP) or SMSAPI.pl, with one outcome per message.

Outcomes (``tools.smsapi`` constants): SENT and DUPLICATE (sent before: a
retry that the gateway recognised) are successes; INVALID_NUMBER, BLACKLISTED
and REFUSED give up; ACCOUNT (authorisation, credit, account settings) fails,
the managers are told and the runs retry once they fixed it; RETRY and
REJECTED wait in the queue for their next attempt.
"""

import logging
from dataclasses import dataclass

from odoo import _, models

from ..tools import smsapi

_logger = logging.getLogger(__name__)

# States of an Odoo SMS that the service took (sent or being sent).
IAP_SENT_STATES = frozenset({"process", "pending", "sent"})
# Odoo SMS failure types as outcomes.
IAP_FAILURES = {
    "sms_number_missing": smsapi.INVALID_NUMBER,
    "sms_number_format": smsapi.INVALID_NUMBER,
    "sms_country_not_supported": smsapi.INVALID_NUMBER,
    "sms_credit": smsapi.ACCOUNT,
    "sms_acc": smsapi.ACCOUNT,
    "sms_registration_needed": smsapi.ACCOUNT,
    "sms_server": smsapi.RETRY,
}


@dataclass
class SmsMessage:
    """One SMS to send. ``ref`` is the same on every retry of the message."""

    ref: str
    number: str  # E.164
    body: str
    partner: object  # res.partner


@dataclass
class SmsResult:
    kind: str
    gateway_ref: str | None = None
    status: str | None = None
    error: str | None = None
    sms: object = None  # sms.sms (IAP)
    maybe_sent: bool = False  # no answer after sending: it may have left


class DebtCollectionSmsGateway(models.AbstractModel):
    _name = "debt.collection.sms.gateway"
    _description = "Debt Collection SMS Gateway"

    def _get_senders(self):
        """The send method of each gateway; addons adding one extend this."""
        return {"iap": self._send_iap, "smsapi": self._send_smsapi}

    def _send(self, company, messages):
        """Send ``messages`` [SmsMessage] by the company's gateway: a list of
        :class:`SmsResult`, in the same order."""
        if not messages:
            return []
        sender = self._get_senders().get(company.debt_collection_sms_gateway)
        if sender is None:
            error = _(
                "The SMS gateway %(gateway)s is not installed.",
                gateway=company.debt_collection_sms_gateway,
            )
            return [SmsResult(smsapi.ACCOUNT, error=error) for _m in messages]
        return sender(company, messages)

    # Odoo SMS (IAP) -------------------------------------------------------

    def _send_iap(self, company, messages):
        # sudo: outgoing SMS and the IAP account are restricted to
        # administrators; the collection run sends on the company's behalf.
        SmsSms = self.env["sms.sms"].sudo()
        # The reference is the SMS record's uuid: a retry finds the record of
        # the earlier attempt and Odoo's SMS service gets the same uuid.
        existing = {
            sms.uuid: sms
            for sms in SmsSms.search([("uuid", "in", [m.ref for m in messages])])
        }
        already_sent = SmsSms.concat(
            *(sms for sms in existing.values() if sms.state in IAP_SENT_STATES)
        )
        retried = SmsSms.concat(*existing.values()) - already_sent
        retried.write({"state": "outgoing", "failure_type": False})
        new = SmsSms.create(
            [
                {
                    "uuid": m.ref,
                    "number": m.number,
                    "body": m.body,
                    "partner_id": m.partner.id,
                }
                for m in messages
                if m.ref not in existing
            ]
        )
        records = {sms.uuid: sms for sms in (retried | new)}
        if records:
            SmsSms.concat(*records.values())._send(
                unlink_failed=False, unlink_sent=False
            )
        labels = dict(SmsSms._fields["failure_type"]._description_selection(self.env))
        results = []
        for message in messages:
            sms = existing.get(message.ref) or records[message.ref]
            if sms in already_sent:
                results.append(
                    SmsResult(smsapi.DUPLICATE, sms.uuid, sms.state, sms=sms)
                )
            elif sms.state == "error":
                error = _(
                    "Odoo SMS: %(error)s",
                    error=labels.get(sms.failure_type) or sms.failure_type,
                )
                kind = IAP_FAILURES.get(sms.failure_type, smsapi.REJECTED)
                results.append(SmsResult(kind, sms.uuid, sms.state, error, sms))
            else:
                results.append(SmsResult(smsapi.SENT, sms.uuid, sms.state, sms=sms))
        return results

    # SMSAPI.pl ------------------------------------------------------------

    def _send_smsapi(self, company, messages):
        # sudo: the token is readable by administrators only.
        token = company.sudo().debt_collection_smsapi_token
        if not token:
            error = _("SMSAPI.pl: enter the token in the settings.")
            return [SmsResult(smsapi.ACCOUNT, error=error) for _m in messages]
        results = []
        for message in messages:
            if results and results[-1].kind == smsapi.ACCOUNT:
                # The account is refused: asking again for each SMS won't help.
                results.append(SmsResult(smsapi.ACCOUNT, error=results[-1].error))
                continue
            form = smsapi.prepare_form(
                message.number,
                message.body,
                sender=company.debt_collection_smsapi_sender,
                idx=message.ref,
                test=company.debt_collection_smsapi_test,
            )
            outcome = smsapi.send(
                company.sudo().debt_collection_smsapi_url,  # sudo: as the token
                token,
                form,
                company.debt_collection_smsapi_timeout,
            )
            results.append(self._smsapi_result(company, outcome))
        return results

    def _smsapi_result(self, company, outcome):
        if outcome.kind == smsapi.SENT:
            status = outcome.status
            if company.debt_collection_smsapi_test:
                status = _("%(status)s (test mode)", status=status)
            return SmsResult(outcome.kind, outcome.message_id, status)
        if outcome.kind == smsapi.DUPLICATE:
            return SmsResult(
                outcome.kind, status=_("Already sent (the retry was not sent again)")
            )
        if outcome.timed_out:
            error = _(
                "SMSAPI.pl did not answer within %(seconds)s seconds; the SMS will "
                "be retried (the gateway refuses to send it twice).",
                seconds=company.debt_collection_smsapi_timeout,
            )
        else:
            explanation = {
                smsapi.INVALID_NUMBER: _("the number cannot receive SMS"),
                smsapi.BLACKLISTED: _("the number is on the account's blacklist"),
                smsapi.REFUSED: _("the gateway will not send this SMS"),
                smsapi.ACCOUNT: _(
                    "check the token, the sender name, the credit and the "
                    "settings of the SMSAPI.pl account"
                ),
                smsapi.RETRY: _("the gateway is unavailable, the SMS will be retried"),
                smsapi.REJECTED: _("the gateway refused the SMS"),
            }[outcome.kind]
            error = _(
                "SMSAPI.pl: %(explanation)s (%(code)s %(message)s).",
                explanation=explanation,
                code=outcome.code or "",
                message=outcome.message or "",
            )
        _logger.warning("SMSAPI.pl: %s", error)
        return SmsResult(outcome.kind, error=error, maybe_sent=outcome.maybe_sent)
