from odoo import api, fields, models


class DebtCollectionNotice(models.Model):
    """One message to one customer for one step: it lists all the customer's
    documents due for that step. E-mail templates render on this model."""

    _name = "debt.collection.notice"
    _description = "Debt Collection Message"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    step_id = fields.Many2one("debt.collection.step", required=True)
    action = fields.Selection(related="step_id.action")
    run_id = fields.Many2one("debt.collection.run", index="btree_not_null")
    date = fields.Date(required=True, default=fields.Date.context_today)
    pay_by_date = fields.Date("Pay By")
    user_id = fields.Many2one("res.users", string="Responsible")
    event_ids = fields.One2many("debt.collection.event", "notice_id", string="Items")
    credit_ids = fields.One2many(
        "debt.collection.credit", "notice_id", string="Open Credits", readonly=True
    )
    move_ids = fields.Many2many(
        "account.move", string="Documents", compute="_compute_move_ids"
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        "debt_collection_notice_recipient_rel",
        "notice_id",
        "partner_id",
        string="To",
    )
    cc_partner_ids = fields.Many2many(
        "res.partner",
        "debt_collection_notice_cc_rel",
        "notice_id",
        "partner_id",
        string="Cc",
    )
    mail_message_id = fields.Many2one("mail.message", string="E-mail", readonly=True)
    delivery_ids = fields.One2many(
        "debt.collection.delivery", "notice_id", string="Deliveries"
    )
    delivery_state = fields.Selection(
        selection=lambda self: (
            self.env["debt.collection.delivery"]._fields["state"].selection
        ),
        compute="_compute_delivery_state",
        help="Of the last delivery of this message.",
    )
    # To and Cc as addresses: Odoo sends e-mail addresses of one mail.mail in
    # one message, while recipient partners would each get their own.
    mail_email_to = fields.Char(compute="_compute_mail_addresses")
    mail_email_cc = fields.Char(compute="_compute_mail_addresses")
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    amount_residual = fields.Monetary(
        "Amount Due",
        currency_field="company_currency_id",
        compute="_compute_amount_residual",
        help="The documents listed less the open credits listed.",
    )

    @api.depends("delivery_ids.state")
    def _compute_delivery_state(self):
        for notice in self:
            notice.delivery_state = notice.delivery_ids[:1].state

    @api.depends("event_ids.move_id")
    def _compute_move_ids(self):
        for notice in self:
            notice.move_ids = notice.event_ids.move_id

    @api.depends("event_ids.amount_residual", "credit_ids.amount_company")
    def _compute_amount_residual(self):
        for notice in self:
            notice.amount_residual = sum(
                notice.event_ids.mapped("amount_residual")
            ) - sum(notice.credit_ids.mapped("amount_company"))

    def _get_document_currencies(self):
        return self.event_ids.document_currency_id

    def _get_totals(self):
        """[(currency, documents, open credits, net due)] per currency of the
        documents listed, company currency first."""
        self.ensure_one()
        return self.event_ids._totals_less_credits(self.credit_ids)

    @api.depends("step_id", "partner_id", "date")
    def _compute_display_name(self):
        for notice in self:
            notice.display_name = (
                f"{notice.step_id.name} - {notice.partner_id.name} ({notice.date})"
            )

    @api.depends("recipient_ids", "cc_partner_ids")
    def _compute_mail_addresses(self):
        for notice in self:
            notice.mail_email_to = ",".join(
                partner.email_formatted
                for partner in notice.recipient_ids
                if partner.email
            )
            notice.mail_email_cc = ",".join(
                partner.email_formatted
                for partner in notice.cc_partner_ids
                if partner.email
            )
