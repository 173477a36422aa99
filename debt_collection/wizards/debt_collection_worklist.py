from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class DebtCollectionWorklist(models.TransientModel):
    """The operator's to-do list: what the engine plans for a date.

    For today it shows the actions that wait for approval and those the
    automatic run has not done yet; for another date it is a dry run.
    Nothing is written until an operator executes, postpones or skips lines.
    """

    _name = "debt.collection.worklist"
    _description = "Debt Collection To-Do List"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "debt.collection.worklist.line", "worklist_id", string="Lines"
    )

    @api.model
    def action_open_today(self):
        return self.create(
            {"date": self.env.company._debt_collection_today()}
        ).action_show()

    def action_show(self):
        """Plan for the chosen date and open the planned actions."""
        self.ensure_one()
        self.line_ids.unlink()
        plan = self.env["debt.collection.engine"]._plan(
            self.company_id, self.date, include_manual=True
        )
        self.env["debt.collection.worklist.line"].create(
            self._prepare_line_vals(plan) + self._prepare_failed_line_vals()
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_worklist_line"
        )
        action["domain"] = [("worklist_id", "=", self.id)]
        action["display_name"] = _("To do on %(date)s", date=self.date)
        return action

    def _prepare_line_vals(self, plan):
        vals_list = []
        for group in plan.groups:
            vals_list.append(
                self._prepare_group_line_vals(
                    group.partner_id, group.step_id, group.items, "to_do", False
                )
            )
        skipped = defaultdict(list)
        for item in plan.skipped:
            skipped[item.partner_id, item.step_id, item.reason].append(item)
        for (partner_id, step_id, reason), items in skipped.items():
            vals_list.append(
                self._prepare_group_line_vals(
                    partner_id, step_id, items, "skip", reason
                )
            )
        reconcilable = self.env["debt.collection.ledger"]._reconcilable(self.company_id)
        vals_list += [
            {
                "worklist_id": self.id,
                "partner_id": partner_id,
                "kind": "reconcile",
                "amount": amount,
            }
            for partner_id, amount in reconcilable.items()
        ]
        return vals_list

    def _prepare_failed_line_vals(self):
        """Today's list also shows the messages that could not be delivered
        and whose follow-up activity is still open."""
        if self.date != self.company_id._debt_collection_today():
            return []
        deliveries = self.env["debt.collection.delivery"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "failed"),
                ("activity_id", "!=", False),
                ("step_id", "!=", False),
            ]
        )
        return [
            {
                "worklist_id": self.id,
                "partner_id": delivery.partner_id.id,
                "step_id": delivery.step_id.id,
                "kind": "failed",
                "reason": "delivery_failed",
                "delivery_id": delivery.id,
                "move_ids": [fields.Command.set(delivery.move_ids.ids)],
                "amount": sum(delivery.event_ids.mapped("amount_residual")),
            }
            for delivery in deliveries
        ]

    def _prepare_group_line_vals(self, partner_id, step_id, items, kind, reason):
        return {
            "worklist_id": self.id,
            "partner_id": partner_id,
            "step_id": step_id,
            "kind": kind,
            "reason": reason,
            "item_ids": [fields.Command.set([i.item_id for i in items])],
            "move_ids": [fields.Command.set(list({i.move_id for i in items}))],
            "amount": sum(i.amount for i in items),
        }


class DebtCollectionWorklistLine(models.TransientModel):
    _name = "debt.collection.worklist.line"
    _description = "Planned Collection Action"
    _order = "partner_id, step_id"

    worklist_id = fields.Many2one(
        "debt.collection.worklist",
        string="To-Do List",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="worklist_id.company_id", store=True)
    date = fields.Date(related="worklist_id.date")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    step_id = fields.Many2one("debt.collection.step")
    channel = fields.Selection(related="step_id.channel")
    manual_approval = fields.Boolean(related="step_id.manual_approval")
    kind = fields.Selection(
        [
            ("to_do", "To Do"),
            ("skip", "Will Be Skipped"),
            ("failed", "Not Delivered"),
            ("reconcile", "Reconcile Credits"),
        ],
        required=True,
        help="Reconcile Credits: the customer has open credits (credit notes, "
        "unapplied payments) and open documents in the same currency; once "
        "reconciled, collection chases only what is really due.",
    )
    delivery_id = fields.Many2one("debt.collection.delivery", readonly=True)
    delivery_error = fields.Text(related="delivery_id.error", string="Why")
    reason = fields.Selection(
        selection=lambda self: (
            self.env["debt.collection.event"]
            ._fields["reason"]
            ._description_selection(self.env)
        )
    )
    move_ids = fields.Many2many("account.move", string="Documents")
    item_ids = fields.Many2many("account.move.line", string="Items")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary("Amount Due")
    recipients = fields.Char(compute="_compute_recipients", string="To")

    @api.depends("step_id", "partner_id")
    def _compute_recipients(self):
        engine = self.env["debt.collection.engine"]
        for line in self:
            if line.channel in ("email", "letter"):
                if line.channel == "email":
                    to, cc = engine._get_notice_recipients(
                        line.step_id, line.partner_id
                    )
                else:
                    to, cc = line.partner_id._debt_collection_letter_recipients()
                names = to.mapped("email")
                if cc:
                    names.append(_("Cc: %(cc)s", cc=", ".join(cc.mapped("email"))))
                line.recipients = ", ".join(names) or _("No e-mail address")
            elif line.channel == "activity":
                line.recipients = engine._get_activity_users(
                    line.step_id, line.partner_id
                )[line.partner_id.id].name or _("Nobody")
            else:
                line.recipients = False

    def _selection_plan(self):
        """Re-plan the selected lines now: only what is still due is kept."""
        if self.filtered(lambda line: line.kind == "reconcile"):
            raise UserError(
                _(
                    "Credits are reconciled on the customer's documents: use the "
                    "Reconcile button of the line."
                )
            )
        worklist = self.worklist_id
        if len(worklist) != 1:
            raise UserError(_("Select lines of one to-do list."))
        if worklist.date > worklist.company_id._debt_collection_today():
            raise UserError(
                _(
                    "This is a dry run for %(date)s: actions can only be taken on "
                    "the day they are due.",
                    date=worklist.date,
                )
            )
        selected = defaultdict(set)
        for line in self:
            selected[line.partner_id.id, line.step_id.id] |= set(line.item_ids.ids)
        engine = self.env["debt.collection.engine"].with_company(worklist.company_id)
        plan = engine._plan(
            worklist.company_id,
            worklist.date,
            include_manual=True,
            restrict=engine._restrict_partners(self.partner_id.ids),
        )
        for group in plan.groups:
            wanted = selected.get((group.partner_id, group.step_id), set())
            group.items = [i for i in group.items if i.item_id in wanted]
        plan.groups = [g for g in plan.groups if g.items]
        plan.skipped = [
            i
            for i in plan.skipped
            if i.item_id in selected.get((i.partner_id, i.step_id), ())
        ]
        return engine, plan

    def _done(self, message):
        self.unlink()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_execute(self):
        engine, plan = self._selection_plan()
        if not plan.groups and not plan.skipped:
            raise UserError(_("Nothing selected is still due: it was done or paid."))
        engine._execute_plan(plan, origin="manual")
        return self._done(_("The selected actions were executed."))

    def action_skip(self):
        engine, plan = self._selection_plan()
        engine._record_decision(plan, "skipped", plan.run_date, reason="operator")
        return self._done(_("The selected actions were skipped."))

    def action_reconcile_credits(self):
        """The customer's open invoices and credit notes: each open invoice
        shows the outstanding credits to add to it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [
            ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
            ("commercial_partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        action["context"] = {"default_move_type": "out_invoice"}
        action["name"] = _("Open documents of %s", self.partner_id.display_name)
        return action

    def action_postpone(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Postpone"),
            "res_model": "debt.collection.postpone.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_ids": [fields.Command.set(self.ids)]},
        }
