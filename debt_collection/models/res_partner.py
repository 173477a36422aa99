from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import formatLang
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# The customer's collection settings: only collection users and managers
# change them, and every change goes to the collection history.
DEBT_COLLECTION_SETTINGS = (
    "debt_collection_subject",
    "debt_collection_policy_id",
    "debt_collection_contact_ids",
    "debt_collection_b2b",
)


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
        help="Overdue documents less the customer's open credits in the same "
        "currency (net).",
    )
    debt_collection_credit_amount = fields.Monetary(
        "Open Credits",
        currency_field="debt_collection_currency_id",
        compute="_compute_debt_collection_summary",
        help="Unreconciled credit notes, unapplied payments and advances of the "
        "customer: reconcile them with its documents.",
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

    @api.depends("is_company")
    def _compute_debt_collection_b2b(self):
        for partner in self:
            partner.debt_collection_b2b = partner.is_company

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
            partner.debt_collection_credit_amount = values.get("credits", 0.0)
            partner.debt_collection_oldest_days = values.get("oldest_days", 0)
            partner.debt_collection_stage_id = values.get("stage")
            partner.debt_collection_next_step_id = values.get("next_step")
            partner.debt_collection_next_date = values.get("next_date")

    debt_collection_settings_editable = fields.Boolean(
        compute="_compute_debt_collection_settings_editable"
    )
    debt_collection_failed_count = fields.Integer(
        "Failed Deliveries",
        compute="_compute_debt_collection_failed_count",
        help="Collection messages to this customer that could not be delivered.",
    )

    @api.depends_context("uid")
    def _compute_debt_collection_settings_editable(self):
        editable = self.env.user.has_group("debt_collection.group_debt_collection_user")
        for partner in self:
            partner.debt_collection_settings_editable = editable

    @api.depends_context("company")
    def _compute_debt_collection_failed_count(self):
        counts = dict(
            self.env["debt.collection.event"]._read_group(
                self.env["debt.collection.event"]._get_failed_delivery_domain()
                + [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.debt_collection_failed_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_debt_collection_failed_deliveries(self):
        action = self.action_debt_collection_events()
        action["domain"] += self.env[
            "debt.collection.event"
        ]._get_failed_delivery_domain()
        return action

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            self._debt_collection_sets_settings(vals) for vals in vals_list
        ):
            self._check_debt_collection_settings_access()
        return super().create(vals_list)

    @api.model
    def _debt_collection_settings_fields(self):
        """The customer's collection settings (guarded and logged); addons
        with settings of their own extend this."""
        return DEBT_COLLECTION_SETTINGS

    @api.model
    def _debt_collection_sets_settings(self, vals):
        """Whether creating with ``vals`` sets a collection setting to other
        than its default."""
        defaults = {
            "debt_collection_subject": True,
            "debt_collection_b2b": bool(vals.get("is_company")),
        }
        for name in self._debt_collection_settings_fields():
            if name not in vals:
                continue
            if name == "debt_collection_contact_ids":
                if any(
                    command[0] != fields.Command.SET or command[2]
                    for command in vals[name] or ()
                ):
                    return True
            elif bool(vals[name]) != defaults.get(name, False):
                return True
        return False

    def _check_debt_collection_settings_access(self):
        if not self.env.user.has_group("debt_collection.group_debt_collection_user"):
            raise AccessError(
                _(
                    "Only debt collection users and managers may change a "
                    "customer's collection settings (subject to collection, "
                    "policy, contacts, interest terms, business customer)."
                )
            )

    def _debt_collection_settings_snapshot(self, names):
        """{partner id: {field: (value, text)}} of the collection settings."""
        snapshot = {}
        for partner in self:
            values = {}
            for name in names:
                field, value = self._fields[name], partner[name]
                if field.type in ("many2one", "many2many"):
                    values[name] = (
                        tuple(sorted(value.ids)),
                        ", ".join(value.mapped("display_name")) or _("none"),
                    )
                elif field.type == "selection":
                    labels = dict(field._description_selection(self.env))
                    values[name] = (value, labels.get(value) or _("none"))
                elif field.type == "boolean":
                    values[name] = (value, _("yes") if value else _("no"))
                else:  # numbers (e.g. interest rates)
                    digits = field.get_digits(self.env)[1]
                    values[name] = (value, formatLang(self.env, value, digits=digits))
            snapshot[partner.id] = values
        return snapshot

    def write(self, vals):
        names = [
            name for name in self._debt_collection_settings_fields() if name in vals
        ]
        if not names:
            return super().write(vals)
        before = self._debt_collection_settings_snapshot(names)
        # A savepoint: a refused change leaves nothing written.
        with self.env.cr.savepoint():
            result = super().write(vals)
            after = self._debt_collection_settings_snapshot(names)
            changed = {
                partner.id: [
                    name
                    for name in names
                    if before[partner.id][name][0] != after[partner.id][name][0]
                ]
                for partner in self
            }
            if not self.env.su and any(changed.values()):
                self._check_debt_collection_settings_access()
        self._debt_collection_log_settings(before, after, changed)
        return result

    def _debt_collection_log_settings(self, before, after, changed):
        """History events of the customers whose settings changed: switching
        collection on or off, and one event listing the other changes."""
        Event = self.env["debt.collection.event"]
        vals_list = []
        for partner in self.filtered(lambda p: p.is_company or not p.parent_id):
            names = changed[partner.id]
            if "debt_collection_subject" in names:
                vals_list.append(
                    Event._prepare_log_vals(
                        self.env.company,
                        partner,
                        "flag",
                        _lt("Collection switched on again for this customer.")
                        if partner.debt_collection_subject
                        else _lt("Collection switched off for this customer."),
                        user_id=self.env.uid,
                    )
                )
            lines = [
                Markup("%s: %s → %s")
                % (
                    self._fields[name]._description_string(self.env),
                    before[partner.id][name][1],
                    after[partner.id][name][1],
                )
                for name in names
                if name != "debt_collection_subject"
            ]
            if lines:
                vals_list.append(
                    Event._prepare_log_vals(
                        self.env.company,
                        partner,
                        "settings",
                        user_id=self.env.uid,
                        note=Markup("<br/>").join(lines),
                    )
                )
        # The history records what a permitted user changed.
        Event._log(vals_list)

    # Recipients of collection messages ---------------------------------------

    def _debt_collection_responsible(self):
        """The collector answering for this customer (in the current
        company)."""
        return self.debt_collection_user_id or self.env.company.debt_collection_user_id

    def _debt_collection_recipients(
        self, rule="partner", cc_collection_contacts=False, cc_responsible=False
    ):
        """(to, cc) partners of a collection e-mail to this customer: ``rule``
        ("partner", "invoice_contact", "collection_contacts") picks the
        addressees, the customer when they have no e-mail address; the
        collection contacts and the responsible collector in copy on
        request."""
        if not self:  # a document without its customer yet
            return self, self
        self.ensure_one()
        invoice_contacts = self.child_ids.filtered(
            lambda c: c.type == "invoice" and c.email
        )
        collection_contacts = (
            self.debt_collection_contact_ids.filtered("email") or invoice_contacts
        )
        to = {
            "partner": self,
            "invoice_contact": invoice_contacts,
            "collection_contacts": collection_contacts,
        }[rule]
        to = to.filtered("email") or self.filtered("email")
        cc = self.browse()
        if cc_collection_contacts:
            cc |= collection_contacts
        if cc_responsible:
            cc |= self._debt_collection_responsible().partner_id.filtered("email")
        return to, cc - to

    def _debt_collection_letter_recipients(self):
        """(to, cc) of formal letters (demands): the invoice contacts (else the
        customer), the collection contacts in copy."""
        return self._debt_collection_recipients(
            "invoice_contact", cc_collection_contacts=True
        )

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

    def action_debt_collection_events(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_event"
        )
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action
