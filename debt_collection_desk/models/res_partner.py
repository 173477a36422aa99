from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_date, formatLang


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Sales block
    # The block of the commercial partner in the current company; contacts
    # inherit it. Computed with sudo: salespeople and accountants see that a
    # customer is blocked without access to the collection records.
    debt_collection_blocked = fields.Boolean(
        "Sales Blocked",
        compute="_compute_debt_collection_block",
        search="_search_debt_collection_blocked",
    )
    debt_collection_block_state = fields.Selection(
        [("blocked", "Blocked")],
        string="Sales Block",
        compute="_compute_debt_collection_block",
    )
    debt_collection_block_reason = fields.Text(
        "Block Reason", compute="_compute_debt_collection_block"
    )
    debt_collection_block_date = fields.Datetime(
        "Blocked Since", compute="_compute_debt_collection_block"
    )
    debt_collection_block_origin = fields.Char(
        "Blocked By", compute="_compute_debt_collection_block"
    )

    def _debt_collection_blocks(self, company=None):
        """{commercial partner id: active block} in ``company`` (default: the
        current one)."""
        company = company or self.env.company
        # sudo: see the fields above.
        blocks = (
            self.env["debt.collection.block"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", self.commercial_partner_id._origin.ids),
                ]
            )
        )
        return {block.partner_id.id: block for block in blocks}

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_debt_collection_block(self):
        blocks = self._debt_collection_blocks()
        for partner in self:
            block = blocks.get(partner.commercial_partner_id._origin.id)
            partner.debt_collection_blocked = bool(block)
            partner.debt_collection_block_state = block and "blocked"
            partner.debt_collection_block_reason = block and block.reason
            partner.debt_collection_block_date = block and block.date
            partner.debt_collection_block_origin = block and block._get_origin_label()

    def _search_debt_collection_blocked(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        blocked = (
            self.env["debt.collection.block"]
            .sudo()  # sudo: see the fields above
            .search([("company_id", "=", self.env.company.id)])
            .partner_id
        )
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", blocked.ids)]

    def _debt_collection_block_warning(self):
        """The warning text for a blocked customer, or False."""
        self.ensure_one()
        if not self.debt_collection_blocked:
            return False
        return _(
            "%(customer)s is blocked for sales since %(date)s (%(by)s). "
            "Reason: %(reason)s. Overdue: %(amount)s.",
            customer=self.commercial_partner_id.display_name,
            date=format_date(
                self.env,
                fields.Datetime.context_timestamp(
                    self, self.debt_collection_block_date
                ).date(),
            ),
            by=self.debt_collection_block_origin,
            reason=self.debt_collection_block_reason,
            # sudo: the overdue amount reads the collection steps.
            amount=formatLang(
                self.env,
                self.commercial_partner_id.sudo().debt_collection_overdue_amount,
                currency_obj=self.env.company.currency_id,
            ),
        )

    def _debt_collection_stage_labels(self):
        """{partner id: the collection stage in a few words}, as salespeople
        read it: the stage of the open case in the current company, else the
        last step applied."""
        cases = self.env["debt.collection.case"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("stage", "!=", "closed"),
            ]
        )
        labels = dict(cases._fields["stage"]._description_selection(self.env))
        by_partner = {case.partner_id: labels[case.stage] for case in cases}
        return {
            partner.id: by_partner.get(partner.commercial_partner_id)
            or partner.commercial_partner_id.debt_collection_stage_id.name
            or ""
            for partner in self
        }

    def _check_debt_collection_block_manager(self):
        if not self.env.user.has_group("debt_collection.group_debt_collection_manager"):
            raise AccessError(
                _("Only debt collection managers may block or unblock customers.")
            )

    def action_debt_collection_block(self):
        self._check_debt_collection_block_manager()
        return self.commercial_partner_id._debt_collection_open_block_wizard("block")

    def action_debt_collection_unblock(self):
        self._check_debt_collection_block_manager()
        return self.commercial_partner_id._debt_collection_open_block_wizard("unblock")

    def _debt_collection_open_block_wizard(self, mode):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Block Sales") if mode == "block" else _("Lift Sales Block"),
            "res_model": "debt.collection.block.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id, "default_mode": mode},
        }
