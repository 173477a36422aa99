from odoo import models

from .html_fields import BatchHtml


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # A run opens thousands of activities: their notes are sanitized once
    # each (see html_fields.py); Odoo's field otherwise.
    note = BatchHtml()
