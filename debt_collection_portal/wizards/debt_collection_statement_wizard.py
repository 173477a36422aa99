from odoo import _, api, fields, models
from odoo.exceptions import UserError


class DebtCollectionStatementWizard(models.TransientModel):
    """Send or print the statements of one or many customers."""

    _name = "debt.collection.statement.wizard"
    _description = "Send Customer Statements"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers", domain="[('parent_id', '=', False)]"
    )
    include_interest = fields.Boolean(
        "Interest to Date",
        compute="_compute_include_interest",
        store=True,
        readonly=False,
    )
    mode = fields.Selection(
        [("email", "Send by e-mail"), ("print", "Print to post")],
        required=True,
        default="email",
    )

    @api.depends("company_id")
    def _compute_include_interest(self):
        for wizard in self:
            wizard.include_interest = (
                wizard.company_id.debt_collection_statement_interest
            )

    def action_apply(self):
        self.ensure_one()
        if not self.partner_ids:
            raise UserError(_("Choose the customers to send a statement to."))
        statements = self.env["debt.collection.statement"]._create_for_partners(
            self.company_id, self.partner_ids, include_interest=self.include_interest
        )
        if self.mode == "print":
            return statements._print()
        statements._send()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("%(count)s statements sent.", count=len(statements)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
