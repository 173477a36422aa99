from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.debt_collection.tools.money import to_decimal
from odoo.addons.debt_collection.wizards.selection import (
    selection_defaults,
    skipped_html,
)


class DebtCollectionDemandWizard(models.TransientModel):
    """Prepare payment demands for many customers at once: one demand per
    customer listing its selected overdue documents."""

    _name = "debt.collection.demand.wizard"
    _description = "Prepare Payment Demands"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        selection=lambda self: (
            self.env["debt.collection.demand"]
            ._fields["kind"]
            ._description_selection(self.env)
        ),
        required=True,
        default="demand",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    include_interest = fields.Boolean("Show Interest to Date")
    partner_ids = fields.Many2many("res.partner", string="Customers")
    move_ids = fields.Many2many(
        "account.move",
        string="Documents",
        help="Empty: every overdue document of the chosen customers.",
    )
    state = fields.Selection([("choose", "Choose"), ("done", "Done")], default="choose")
    demand_ids = fields.Many2many("debt.collection.demand", string="Demands")
    skipped = fields.Html(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values.update(selection_defaults(self.env))
        return values

    def _get_items(self):
        """Overdue collectible items of the selection (see
        ``debt.collection.ledger``)."""
        foreign = self.move_ids.filtered(lambda m: m.company_id != self.company_id)
        if foreign:
            raise UserError(
                _(
                    "%(document)s belongs to %(company)s: prepare its demand in that company.",
                    document=foreign[0].name,
                    company=foreign[0].company_id.name,
                )
            )
        ledger = self.env["debt.collection.ledger"]
        conditions = [
            ledger._open_items_condition(),
            SQL("%s < %s", ledger._due_date_sql(), self.date),
        ]
        if self.move_ids:
            conditions.append(SQL("aml.move_id = ANY(%s)", self.move_ids.ids))
        if self.partner_ids:
            conditions.append(
                SQL("cp.id = ANY(%s)", self.partner_ids.commercial_partner_id.ids)
            )
        if not (self.move_ids or self.partner_ids):
            raise UserError(
                _("Choose the customers or the documents to demand payment of.")
            )
        return self.env["account.move.line"].browse(
            ledger._item_ids(self.company_id, SQL(" AND ").join(conditions))
        )

    def _split_items(self, items):
        """(items to demand, {customer: [reasons]}) by the collection flags,
        holds, the customers' open credits and the minimums of the company's
        policy step of this kind."""
        step = self.company_id.debt_collection_policy_id.step_ids.filtered(
            lambda s: s.action == self.kind
        )[:1]
        skipped, kept = defaultdict(list), self.env["account.move.line"]
        for item in items:
            move = item.move_id
            partner = item.partner_id.commercial_partner_id
            reason = None
            if not (move.debt_collection_subject and partner.debt_collection_subject):
                reason = _(
                    "%(document)s is excluded from collection.", document=move.name
                )
            elif (
                move.debt_collection_hold_until
                and move.debt_collection_hold_until >= self.date
            ):
                reason = _(
                    "%(document)s is on hold until %(date)s.",
                    document=move.name,
                    date=move.debt_collection_hold_until,
                )
            elif step and item.amount_residual < step.min_item_amount:
                reason = _(
                    "%(document)s: the amount due is below the minimum per document.",
                    document=move.name,
                )
            if reason:
                skipped[partner].append(reason)
            else:
                kept |= item
        kept = self._net_credits(kept, skipped)
        if step and step.min_partner_amount:
            credits = self.env["debt.collection.ledger"]._open_credits(
                self.company_id, kept.partner_id.commercial_partner_id.ids
            )
            for partner in kept.partner_id.commercial_partner_id:
                partner_items = kept.filtered(
                    lambda i, p=partner: i.partner_id.commercial_partner_id == p
                )
                net = sum(partner_items.mapped("amount_residual")) - sum(
                    float(c.amount) for c in credits.get(partner.id, [])
                )
                if net < step.min_partner_amount:
                    skipped[partner].append(
                        _("The total due is below the minimum per customer.")
                    )
                    kept -= partner_items
        return kept, skipped

    def _net_credits(self, items, skipped):
        """Leave out the items of a customer and currency that its open
        credits in that currency cover: reconcile them instead."""
        credits = self.env["debt.collection.ledger"]._open_credits(
            self.company_id, items.partner_id.commercial_partner_id.ids
        )
        for partner in items.partner_id.commercial_partner_id:
            for currency in {c.currency_id for c in credits.get(partner.id, [])}:
                covered = items.filtered(
                    lambda i, p=partner, cur=currency: (
                        i.partner_id.commercial_partner_id == p
                        and (i.currency_id or i.company_currency_id).id == cur
                    )
                )
                credit = sum(
                    c.amount_currency
                    for c in credits[partner.id]
                    if c.currency_id == currency
                )
                due = sum(to_decimal(i.amount_residual_currency) for i in covered)
                if covered and due <= credit:
                    skipped[partner].append(
                        _(
                            "Its open credits cover %(documents)s: reconcile them "
                            "instead (To Do, Reconcile Credits).",
                            documents=", ".join(covered.move_id.mapped("name")),
                        )
                    )
                    items -= covered
        return items

    def action_create(self):
        self.ensure_one()
        items = self._get_items()
        if not items:
            raise UserError(
                _("Nothing selected is overdue on %(date)s.", date=self.date)
            )
        kept, skipped = self._split_items(items)
        for move in self.move_ids - items.move_id:
            skipped[move.debt_collection_partner_id].append(
                _("%(document)s is not overdue, or is paid.", document=move.name)
            )
        if not kept:
            raise UserError(
                _(
                    "No demand can be prepared: %(reasons)s",
                    reasons=" ".join(
                        reason for reasons in skipped.values() for reason in reasons
                    ),
                )
            )
        demands = self.env["debt.collection.demand"]._create_for_items(
            self.company_id,
            self.kind,
            kept,
            date=self.date,
            include_interest=self.include_interest,
        )
        self.write(
            {
                "state": "done",
                "demand_ids": [fields.Command.set(demands.ids)],
                "skipped": skipped_html(skipped),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_demands(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_demand.action_debt_collection_demand"
        )
        action["domain"] = [("id", "in", self.demand_ids.ids)]
        action["context"] = {}
        return action
