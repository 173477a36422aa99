from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class DebtCollectionNoteWizard(models.TransientModel):
    """A note typed by a collector ("phoned, promised Friday")."""

    _name = "debt.collection.note.wizard"
    _description = "Add a Collection Note"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    move_ids = fields.Many2many(
        "account.move",
        string="Documents",
        domain="[('debt_collection_partner_id', '=', partner_id), ('state', '=', 'posted')]",
        help="Empty: the note is about the customer.",
    )
    channel = fields.Selection(
        [
            ("note", "Note"),
            ("phone", "Phone call"),
            ("email", "E-mail"),
            ("letter", "Letter"),
        ],
        default="phone",
        required=True,
    )
    note = fields.Html(required=True)

    @api.constrains("move_ids", "partner_id")
    def _check_moves_partner(self):
        for wizard in self:
            if wizard.move_ids.debt_collection_partner_id - wizard.partner_id:
                raise UserError(_("The documents must belong to the customer."))

    def action_add_note(self):
        self.ensure_one()
        if is_html_empty(self.note):
            raise UserError(_("Type the note before saving it."))
        partner = self.partner_id.commercial_partner_id
        Event = self.env["debt.collection.event"]
        base = Event._prepare_log_vals(
            self.env.company,
            partner,
            "note",
            channel=self.channel,
            note=self.note,
        )
        vals_list = [
            dict(base, move_id=move.id, company_id=move.company_id.id)
            for move in self.move_ids
        ] or [base]
        # A note typed by the user: written with their own rights.
        Event.create(vals_list)
        return {"type": "ir.actions.act_window_close"}
