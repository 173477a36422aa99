"""A test gateway: the SMS are recorded as sent, nothing leaves the server.
For trying collection by SMS (the demo uses it) and for training."""

from odoo import _, fields, models

from ..tools import smsapi
from .debt_collection_sms_gateway import SmsResult


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_collection_sms_gateway = fields.Selection(
        selection_add=[("test", "Test gateway (nothing is sent)")],
        ondelete={"test": "set default"},
    )


class DebtCollectionSmsGateway(models.AbstractModel):
    _inherit = "debt.collection.sms.gateway"

    def _get_senders(self):
        return dict(super()._get_senders(), test=self._send_test)

    def _send_test(self, company, messages):
        return [
            SmsResult(
                smsapi.SENT,
                gateway_ref=message.ref,
                status=_("Not sent (test gateway)"),
            )
            for message in messages
        ]
