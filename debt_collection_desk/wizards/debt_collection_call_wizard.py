from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class DebtCollectionCallWizard(models.TransientModel):
    """The result of a call in one step: a note, a promise to pay or a
    dispute, and the next action."""

    _name = "debt.collection.call.wizard"
    _description = "Log a Collection Call"

    case_id = fields.Many2one("debt.collection.case", required=True)
    partner_id = fields.Many2one(related="case_id.partner_id")
    company_id = fields.Many2one(related="case_id.company_id")
    currency_id = fields.Many2one(related="case_id.currency_id")
    result = fields.Selection(
        [
            ("note", "Note only"),
            ("promise", "Promise to pay"),
            ("dispute", "Dispute"),
        ],
        required=True,
        default="note",
    )
    note = fields.Html(help="What was said.")
    move_ids = fields.Many2many(
        "account.move",
        string="Documents",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        domain="[('debt_collection_partner_id', '=', partner_id), "
        "('company_id', '=', company_id), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0)]",
        help="Promise: the documents it pays (put on hold until the promised "
        "date). Dispute: the disputed documents (on hold until resolved).",
    )
    promise_amount = fields.Monetary()
    promise_date = fields.Date()
    dispute_reason = fields.Text()
    next_action = fields.Char()
    next_action_date = fields.Date()

    @api.depends("case_id", "result")
    def _compute_move_ids(self):
        for wizard in self:
            if wizard.result != "promise" or not wizard.case_id:
                wizard.move_ids = False
                continue
            today = wizard.company_id._debt_collection_today()
            wizard.move_ids = self.env["account.move"].search(
                [
                    ("debt_collection_partner_id", "=", wizard.partner_id.id),
                    ("company_id", "=", wizard.company_id.id),
                    ("state", "=", "posted"),
                    ("amount_residual", ">", 0),
                    ("invoice_date_due", "<", today),
                ]
            )

    def action_log(self):
        self.ensure_one()
        case = self.case_id
        if self.result == "note" and is_html_empty(self.note):
            raise UserError(_("Write down what was said."))
        if self.next_action_date and not self.next_action:
            raise UserError(_("Say what the next action is."))
        today = case.company_id._debt_collection_today()
        if self.result == "promise":
            case._set_promise(
                self.promise_amount,
                self.promise_date,
                self.move_ids,
                note=None if is_html_empty(self.note) else self.note,
            )
        elif self.result == "dispute":
            case._set_dispute(self.move_ids, self.dispute_reason)
        if self.result != "promise" and not is_html_empty(self.note):
            # A note typed by the collector: written with their own rights.
            Event = self.env["debt.collection.event"]
            Event.create(
                Event._prepare_log_vals(
                    case.company_id,
                    case.partner_id,
                    "note",
                    channel="phone",
                    note=self.note,
                )
            )
        values = {"last_contact_date": today}
        if self.next_action:
            values.update(
                next_action=self.next_action, next_action_date=self.next_action_date
            )
        case.write(values)
        return {"type": "ir.actions.act_window_close"}
