from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    # Sales block
    debt_collection_partner_blocked = fields.Boolean(
        "Customer Blocked", compute="_compute_debt_collection_partner_block"
    )
    debt_collection_partner_block_state = fields.Selection(
        related="commercial_partner_id.debt_collection_block_state",
        string="Sales Block",
    )
    debt_collection_block_warning = fields.Text(
        compute="_compute_debt_collection_partner_block"
    )

    @api.depends("commercial_partner_id", "company_id")
    def _compute_debt_collection_partner_block(self):
        self.debt_collection_partner_blocked = False
        self.debt_collection_block_warning = False
        # One look-up of the blocks per company, not per invoice.
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            partners = moves.commercial_partner_id.with_company(company)
            blocked = partners.filtered("debt_collection_blocked")
            warnings = {p.id: p._debt_collection_block_warning() for p in blocked}
            for move in moves:
                warning = warnings.get(move.commercial_partner_id.id)
                move.debt_collection_partner_blocked = bool(warning)
                move.debt_collection_block_warning = warning or False

    @api.onchange("partner_id")
    def _onchange_partner_id_debt_collection_block(self):
        if (
            self.partner_id
            and not self._debt_collection_is_block_exempt()
            and self.debt_collection_partner_blocked
        ):
            return {
                "warning": {
                    "title": _("Customer blocked"),
                    "message": self.debt_collection_block_warning,
                }
            }

    def _post(self, soft=True):
        blocked = self.filtered(
            lambda m: (
                not m._debt_collection_is_block_exempt()
                and m.debt_collection_partner_blocked
            )
        )
        refused = blocked.filtered(
            lambda m: m.company_id.debt_collection_block_invoices == "refuse"
        )
        if refused:
            raise UserError(
                _(
                    "Invoices cannot be posted for blocked customers:\n%(lines)s\n"
                    "Ask a debt collection manager to lift the block first.",
                    lines="\n".join(
                        move.debt_collection_block_warning for move in refused
                    ),
                )
            )
        posted = super()._post(soft=soft)
        for move in blocked & posted:
            move.message_post(
                body=Markup("%s<br/>%s")
                % (
                    _("Posted for a customer blocked for sales."),
                    move.debt_collection_block_warning,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return posted
