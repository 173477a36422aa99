import re
from urllib.parse import urlparse

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import quiet_hours

SMSAPI_URL = "https://api.smsapi.pl/sms.do"
# SMSAPI.pl sender names: at most 11 letters, digits, spaces, dots or dashes.
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9 .\-]{1,11}$")


def _is_https_url(url):
    parsed = urlparse(url)
    return parsed.scheme == "https" and bool(parsed.hostname)


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_collection_sms_gateway = fields.Selection(
        [("iap", "Odoo SMS (IAP)"), ("smsapi", "SMSAPI.pl")],
        string="SMS Gateway",
        default="iap",
        required=True,
        help="Odoo SMS sends through Odoo's In-App Purchase credits; SMSAPI.pl "
        "through your own SMSAPI.pl account.",
    )
    debt_collection_smsapi_token = fields.Char(
        "SMSAPI.pl Token",
        groups="base.group_system",
        copy=False,
        help="An OAuth token of your SMSAPI.pl account with the SMS permission.",
    )
    debt_collection_smsapi_sender = fields.Char(
        "SMS Sender Name",
        help="A sender name registered and active in SMSAPI.pl (at most 11 "
        "characters); empty: the account's default sender.",
    )
    debt_collection_smsapi_test = fields.Boolean(
        "SMSAPI.pl Test Mode",
        help="SMSAPI.pl checks every message and answers as usual, but sends "
        "nothing and charges nothing.",
    )
    debt_collection_smsapi_url = fields.Char(
        "SMSAPI.pl Endpoint",
        default=SMSAPI_URL,
        groups="base.group_system",
        help="The https address of the sms.do service (api.smsapi.com for the "
        "international service). The token is sent there: only administrators "
        "may change it.",
    )
    debt_collection_smsapi_timeout = fields.Integer(
        "SMSAPI.pl Timeout (Seconds)",
        default=15,
        help="An SMS without an answer within this time is retried on the next "
        "run; the gateway refuses to send the same message twice.",
    )
    debt_collection_sms_hour_from = fields.Integer(
        "SMS From Hour",
        default=8,
        help="SMS are sent from this hour (0-23, collection time zone).",
    )
    debt_collection_sms_hour_to = fields.Integer(
        "SMS Until Hour",
        default=20,
        help="SMS are sent until this hour (1-24, collection time zone); later "
        "they wait for the next day.",
    )
    debt_collection_sms_max_per_partner = fields.Integer(
        "SMS Per Customer",
        default=2,
        help="At most this many SMS to one customer within the period; further "
        "SMS steps are skipped. 0: no limit.",
    )
    debt_collection_sms_period_days = fields.Integer(
        "SMS Limit Period (Days)",
        default=30,
        help="The number of days, today included, over which SMS are counted.",
    )

    @api.constrains("debt_collection_sms_hour_from", "debt_collection_sms_hour_to")
    def _check_debt_collection_sms_window(self):
        for company in self:
            start = company.debt_collection_sms_hour_from
            end = company.debt_collection_sms_hour_to
            if not 0 <= start < end <= 24:
                raise ValidationError(
                    _(
                        "The SMS sending window must start between 0 and 23 "
                        "o'clock and end after it, at 24 at the latest (not "
                        "%(start)s-%(end)s).",
                        start=start,
                        end=end,
                    )
                )

    @api.constrains(
        "debt_collection_sms_max_per_partner", "debt_collection_sms_period_days"
    )
    def _check_debt_collection_sms_limit(self):
        for company in self:
            if company.debt_collection_sms_max_per_partner < 0:
                raise ValidationError(
                    _("The number of SMS per customer cannot be negative.")
                )
            if company.debt_collection_sms_period_days < 1:
                raise ValidationError(
                    _("The SMS limit period must be at least one day.")
                )

    @api.constrains(
        "debt_collection_smsapi_sender",
        "debt_collection_smsapi_url",
        "debt_collection_smsapi_timeout",
    )
    def _check_debt_collection_smsapi(self):
        for company in self:
            sender = company.debt_collection_smsapi_sender
            if sender and not SENDER_PATTERN.match(sender):
                raise ValidationError(
                    _(
                        "The SMS sender name %(sender)s is not valid: use at most "
                        "11 letters, digits, spaces, dots or dashes, as "
                        "registered in SMSAPI.pl.",
                        sender=sender,
                    )
                )
            # sudo: the endpoint is readable by administrators only.
            url = company.sudo().debt_collection_smsapi_url
            if url and not _is_https_url(url):
                raise ValidationError(
                    _(
                        "The SMSAPI.pl endpoint must be an https address (the "
                        "token travels with every SMS), not %(url)s.",
                        url=url,
                    )
                )
            if not 1 <= company.debt_collection_smsapi_timeout <= 120:
                raise ValidationError(
                    _("The SMSAPI.pl timeout must be between 1 and 120 seconds.")
                )

    def _debt_collection_sms_window_open(self):
        """Whether SMS may go out now (the company's quiet hours)."""
        self.ensure_one()
        return quiet_hours.is_in_window(
            self._debt_collection_local_now(),
            self.debt_collection_sms_hour_from,
            self.debt_collection_sms_hour_to,
        )

    def _debt_collection_sms_next_day(self):
        """The day the SMS window opens next (today when it is open)."""
        self.ensure_one()
        return quiet_hours.next_window_day(
            self._debt_collection_local_now(),
            self.debt_collection_sms_hour_from,
            self.debt_collection_sms_hour_to,
        )
