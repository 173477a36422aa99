from odoo import fields, models

# Outcomes of the SMS action that are final (recorded once, never retried).
SMS_SKIP_REASONS = frozenset(
    {"sms_no_number", "sms_invalid_number", "sms_blacklisted", "sms_limit"}
)


class DebtCollectionEvent(models.Model):
    _inherit = "debt.collection.event"

    channel = fields.Selection(
        selection_add=[("sms", "SMS")], ondelete={"sms": "set default"}
    )
    reason = fields.Selection(
        selection_add=[
            ("sms_no_number", "No mobile number"),
            ("sms_invalid_number", "Invalid mobile number"),
            ("sms_blacklisted", "Mobile number blacklisted"),
            ("sms_limit", "SMS limit per customer reached"),
            ("sms_gateway_account", "SMS gateway account: authorisation or credit"),
            (
                "sms_nothing_to_announce",
                "No payment demand or interest note to announce",
            ),
        ],
        ondelete={
            "sms_no_number": "set null",
            "sms_invalid_number": "set null",
            "sms_blacklisted": "set null",
            "sms_limit": "set null",
            "sms_gateway_account": "set null",
            "sms_nothing_to_announce": "set null",
        },
    )
    sms_number = fields.Char(
        "SMS Number", help="The mobile number, in international (E.164) format."
    )
    sms_body = fields.Text("SMS Text", help="The text sent (or that was to be sent).")
    sms_segments = fields.Integer(
        "SMS Segments", help="How many SMS the text takes (what the gateway charges)."
    )
    sms_gateway = fields.Selection(
        selection=lambda self: (
            self.env["res.company"]
            ._fields["debt_collection_sms_gateway"]
            ._description_selection(self.env)
        ),
        string="SMS Gateway",
    )
    sms_gateway_ref = fields.Char(
        "Gateway Message ID", help="The identifier the gateway gave the SMS."
    )
    sms_status = fields.Char(
        "Gateway Status", help="The status the gateway answered (e.g. QUEUE)."
    )
    sms_sms_id = fields.Many2one(
        "sms.sms", string="Odoo SMS", ondelete="set null", readonly=True
    )
