from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class DebtCollectionBlock(models.Model):
    """A sales block of one customer in one company.

    The commercial partner carries the block; its contacts inherit it (see
    ``res.partner._compute_debt_collection_block``). A released block stays,
    archived, as the customer's block history.
    """

    _name = "debt.collection.block"
    _description = "Sales Block"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
    )
    active = fields.Boolean(default=True, help="Archived: the block was released.")
    reason = fields.Text(required=True)
    date = fields.Datetime("Blocked Since", required=True, default=fields.Datetime.now)
    origin = fields.Selection(
        [("automatic", "Automatic step"), ("manual", "Manual")],
        required=True,
        default="manual",
    )
    user_id = fields.Many2one(
        "res.users", string="Blocked By", default=lambda self: self.env.user
    )
    step_id = fields.Many2one(
        "debt.collection.step", string="Blocking Step", ondelete="set null"
    )
    release_date = fields.Datetime("Released On", readonly=True)
    release_user_id = fields.Many2one("res.users", string="Released By", readonly=True)
    release_reason = fields.Text(readonly=True)

    def init(self):
        # One active block per customer and company.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS debt_collection_block_active_uniq
                   ON debt_collection_block (partner_id, company_id)
                   WHERE active"""
            )
        )
        return super().init()

    @api.depends("partner_id", "date")
    def _compute_display_name(self):
        for block in self:
            block.display_name = _(
                "Sales block: %(customer)s", customer=block.partner_id.display_name
            )

    def _get_origin_label(self):
        """Who blocked, as salespeople read it: a user or an automatic step."""
        self.ensure_one()
        if self.origin == "automatic":
            return _("Automatic: %(step)s", step=self.step_id.name or "")
        return self.user_id.name or ""

    @api.model
    def _block_partners(self, company, partners, reason, step=None):
        """Block ``partners`` (commercial) in ``company``; those already blocked
        stay as they are. Returns the new blocks."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason for blocking sales to the customer."))
        partners = partners.commercial_partner_id
        # sudo: the decision was checked by the caller (the manager's wizard or
        # a policy step run by the engine); blocks are history, not user data.
        Block = self.sudo().with_company(company)
        already = Block.search(
            [("company_id", "=", company.id), ("partner_id", "in", partners.ids)]
        ).partner_id
        to_block = partners - already
        if not to_block:
            return Block
        blocks = Block.create(
            [
                {
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "reason": reason,
                    "origin": "automatic" if step else "manual",
                    "step_id": step and step.id,
                    "user_id": False if step else self.env.uid,
                }
                for partner in to_block
            ]
        )
        blocks._log(_lt("Sales blocked: %(reason)s", reason=reason), step=step)
        return blocks

    def _release(self, reason, automatic=False):
        """Lift the blocks, keeping them archived as history."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason for lifting the sales block."))
        blocks = self.sudo().filtered("active")  # sudo: see _block_partners
        if not blocks:
            return blocks
        blocks.write(
            {
                "active": False,
                "release_date": fields.Datetime.now(),
                "release_user_id": False if automatic else self.env.uid,
                "release_reason": reason,
            }
        )
        blocks._log(
            _lt("Sales block lifted: %(reason)s", reason=reason), automatic=automatic
        )
        return blocks

    def _log(self, message, step=None, automatic=False):
        """One event per block, and the same line in the customer's chatter."""
        automatic = automatic or bool(step)
        # The partner and invoice fields read the blocks: recompute them.
        self.env["res.partner"].invalidate_model(
            [
                "debt_collection_blocked",
                "debt_collection_block_state",
                "debt_collection_block_reason",
                "debt_collection_block_date",
                "debt_collection_block_origin",
            ]
        )
        self.env["account.move"].invalidate_model(
            [
                "debt_collection_partner_blocked",
                "debt_collection_partner_block_state",
                "debt_collection_block_warning",
            ]
        )
        Event = self.env["debt.collection.event"]
        vals_list = [
            Event._prepare_log_vals(
                block.company_id,
                block.partner_id,
                "block",
                message,
                automatic=automatic,
                step_id=step and step.id,
                policy_id=step and step.policy_id.id,
            )
            for block in self
        ]
        Event._log(vals_list)
        for block, vals in zip(self, vals_list, strict=True):
            block.partner_id.sudo().message_post(  # sudo: the chatter summary
                body=Markup("<b>%s</b> %s")
                % (block.company_id.name + ":", vals["note"]),
                subtype_xmlid="mail.mt_note",
            )
