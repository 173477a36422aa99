from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    debt_collection_subject = fields.Boolean(
        "Subject to Collection",
        default=True,
        help="Switched off, no collection action ever touches this customer's "
        "documents. Contacts follow their company.",
    )
    debt_collection_policy_id = fields.Many2one(
        "debt.collection.policy",
        string="Collection Policy",
        company_dependent=True,
        check_company=True,
        help="Empty: the company's default policy.",
    )
    debt_collection_user_id = fields.Many2one(
        "res.users",
        string="Collection Responsible",
        help="Gets the collection activities of this customer and signs its reminders.",
    )
    debt_collection_contact_ids = fields.Many2many(
        "res.partner",
        "res_partner_debt_collection_contact_rel",
        "partner_id",
        "contact_id",
        string="Collection Contacts",
        help="Receive copies of collection messages. Empty: the invoice address "
        "contacts.",
    )
    debt_collection_b2b = fields.Boolean(
        "Business Customer",
        compute="_compute_debt_collection_b2b",
        store=True,
        readonly=False,
        help="Business-to-business transactions: late payment gives the right to "
        "the statutory compensation (40/70/100 EUR). On for companies by default.",
    )
    debt_collection_interest_kind = fields.Selection(
        selection="_selection_interest_kind",
        string="Late-Payment Interest",
        company_dependent=True,
        help="Empty: statutory interest for delay in commercial transactions.",
    )
    debt_collection_interest_rate = fields.Float(
        "Contractual Rate (%)", digits=(6, 2), company_dependent=True
    )
    debt_collection_interest_margin = fields.Float(
        "Margin Over Statutory (%)", digits=(6, 2), company_dependent=True
    )
    debt_collection_demand_count = fields.Integer(
        compute="_compute_debt_collection_demand_count"
    )
    debt_collection_event_ids = fields.One2many(
        "debt.collection.event", "partner_id", string="Collection History"
    )
    # Read-only summary, for the current company.
    debt_collection_currency_id = fields.Many2one(
        "res.currency", compute="_compute_debt_collection_summary"
    )
    debt_collection_overdue_amount = fields.Monetary(
        "Overdue Amount",
        currency_field="debt_collection_currency_id",
        compute="_compute_debt_collection_summary",
    )
    debt_collection_oldest_days = fields.Integer(
        "Oldest Overdue (Days)", compute="_compute_debt_collection_summary"
    )
    debt_collection_stage_id = fields.Many2one(
        "debt.collection.step",
        string="Collection Stage",
        compute="_compute_debt_collection_summary",
        help="The most advanced step already applied to an open document.",
    )
    debt_collection_next_step_id = fields.Many2one(
        "debt.collection.step",
        string="Next Collection Action",
        compute="_compute_debt_collection_summary",
    )
    debt_collection_next_date = fields.Date(
        "Next Collection Action On", compute="_compute_debt_collection_summary"
    )

    @api.constrains("debt_collection_policy_id")
    def _check_debt_collection_policy_company(self):
        # Company-dependent: the value written is the current company's.
        for partner in self:
            partner.debt_collection_policy_id._check_usable_in(self.env.company)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "debt_collection_subject",
            "debt_collection_user_id",
            "debt_collection_b2b",
        ]

    @api.model
    def _selection_interest_kind(self):
        return (
            self.env["debt.collection.interest.note"]._fields["interest_kind"].selection
        )

    @api.depends("is_company")
    def _compute_debt_collection_b2b(self):
        for partner in self:
            partner.debt_collection_b2b = partner.is_company

    @api.constrains("debt_collection_interest_rate", "debt_collection_interest_margin")
    def _check_debt_collection_interest_rate(self):
        for partner in self:
            if (
                partner.debt_collection_interest_rate < 0
                or partner.debt_collection_interest_margin < 0
            ):
                raise ValidationError(
                    _("An interest rate or margin cannot be negative.")
                )

    @api.depends_context("company")
    def _compute_debt_collection_summary(self):
        company = self.env.company
        summary = self.env["debt.collection.engine"]._partner_summary(
            company, self.commercial_partner_id._origin
        )
        for partner in self:
            values = summary.get(partner.commercial_partner_id._origin.id, {})
            partner.debt_collection_currency_id = company.currency_id
            partner.debt_collection_overdue_amount = values.get("overdue", 0.0)
            partner.debt_collection_oldest_days = values.get("oldest_days", 0)
            partner.debt_collection_stage_id = values.get("stage")
            partner.debt_collection_next_step_id = values.get("next_step")
            partner.debt_collection_next_date = values.get("next_date")

    def write(self, vals):
        if "debt_collection_subject" not in vals:
            return super().write(vals)
        changed = self.filtered(lambda p: p.is_company or not p.parent_id).filtered(
            lambda p: p.debt_collection_subject != vals["debt_collection_subject"]
        )
        result = super().write(vals)
        if changed:
            message = (
                _("Collection switched on again for this customer.")
                if vals["debt_collection_subject"]
                else _("Collection switched off for this customer.")
            )
            # sudo: whoever may change the customer may have it recorded.
            self.env["debt.collection.event"].sudo().create(
                [
                    {
                        "company_id": self.env.company.id,
                        "partner_id": partner.id,
                        "event_type": "flag",
                        "channel": "system",
                        "note": message,
                    }
                    for partner in changed
                ]
            )
        return result

    def action_debt_collection_add_note(self):
        return self.commercial_partner_id._debt_collection_open_wizard(
            "debt.collection.note.wizard", _("Add a Collection Note")
        )

    def _debt_collection_open_wizard(self, model, title, moves=None):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": self.id,
                "default_move_ids": (moves or self.env["account.move"]).ids,
            },
        }

    def _compute_debt_collection_demand_count(self):
        counts = dict(
            self.env["debt.collection.demand"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.debt_collection_demand_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_debt_collection_demands(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_demand"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action

    def action_debt_collection_events(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_event"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action
