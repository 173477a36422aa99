from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.debt_collection.wizards.selection import (
    selection_defaults,
    skipped_html,
)


class DebtCollectionInterestWizard(models.TransientModel):
    """Propose interest notes: one draft per customer for what is not charged."""

    _name = "debt.collection.interest.wizard"
    _description = "Propose Interest Notes"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        "Calculation Date",
        required=True,
        default=fields.Date.context_today,
        help="Interest on what is still unpaid is charged up to this date.",
    )
    partner_ids = fields.Many2many("res.partner", string="Customers")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('company_id', '=', company_id), ('state', '=', 'posted')]",
    )
    due_from = fields.Date(help="Only documents due on or after this date.")
    due_to = fields.Date(help="Only documents due on or before this date.")
    state = fields.Selection([("choose", "Choose"), ("done", "Done")], default="choose")
    note_ids = fields.Many2many(
        "debt.collection.interest.note",
        "debt_collection_interest_wizard_note_rel",
        string="Notes",
    )
    skipped = fields.Html(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        values.update(selection_defaults(self.env))
        return values

    def action_propose(self):
        self.ensure_one()
        if self.due_from and self.due_to and self.due_from > self.due_to:
            raise UserError(_("The due date range ends before it starts."))
        if self.date > fields.Date.context_today(self):
            raise UserError(
                _("Interest cannot be charged for days that have not come yet.")
            )
        notes, skipped, problems = self.env["debt.collection.interest.note"]._propose(
            self.company_id,
            self.date,
            partners=self.partner_ids,
            invoices=self.move_ids,
            due_from=self.due_from,
            due_to=self.due_to,
        )
        for partner, reasons in problems.items():
            skipped[partner] += reasons
        if not notes:
            reasons = "; ".join(
                f"{p.display_name}: {' '.join(r)}" for p, r in skipped.items()
            )
            raise UserError(
                _(
                    "No interest to charge on %(date)s. %(reasons)s",
                    date=self.date,
                    reasons=reasons,
                )
            )
        if not skipped:
            return self._open_notes_action(notes)
        # Some customers were left out: say which and why, with the notes made.
        self.write(
            {
                "state": "done",
                "note_ids": [fields.Command.set(notes.ids)],
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

    def action_open_notes(self):
        return self._open_notes_action(self.note_ids)

    def _open_notes_action(self, notes):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection_interest.action_debt_collection_interest_note"
        )
        action["domain"] = [("id", "in", notes.ids)]
        action["context"] = {}
        return action
