"""A test gateway: the SMS are recorded as sent, nothing leaves the server.
For trying collection by SMS (the demo uses it) and for training."""

from odoo import _, models

from ..tools import smsapi
from .debt_collection_sms_gateway import SmsResult


class DebtCollectionSmsGateway(models.AbstractModel):
    _inherit = "debt.collection.sms.gateway"

    def _get_senders(self):
        return dict(super()._get_senders(), test=self._send_test)

    def _send_test(self, company, messages):
        status = _("Not sent (test gateway)")
        return [
            SmsResult(smsapi.SENT, gateway_ref=message.ref, status=status)
            for message in messages
        ]
