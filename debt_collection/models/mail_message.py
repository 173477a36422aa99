from odoo import models

from .html_fields import BatchHtml


class MailMessage(models.Model):
    _inherit = "mail.message"

    # A run queues thousands of e-mails: their bodies are sanitized once each
    # (see html_fields.py); Odoo's field otherwise.
    body = BatchHtml()
