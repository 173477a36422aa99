from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from ..models.debt_collection_calendar_mixin import WEEKDAY_FIELDS
from ..models.debt_collection_policy import set_name_translations

_lt = LazyTranslate(__name__)


class DebtCollectionSetupWizard(models.TransientModel):
    """Switch collection on in three steps; writes the company's default policy.

    Steps it creates carry a ``setup_role`` so that running the wizard again
    updates them in place instead of duplicating them (their history keeps
    pointing at the same steps).
    """

    _name = "debt.collection.setup.wizard"
    _inherit = ["debt.collection.calendar.mixin"]
    _description = "Debt Collection Setup"

    state = fields.Selection(
        [
            ("predue", "Pre-due reminders"),
            ("overdue", "Overdue"),
            ("calendar", "Sending"),
        ],
        default="predue",
        required=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # 1. Pre-due reminders
    predue_enabled = fields.Boolean("Send Pre-due Reminders", default=True)
    predue_days = fields.Integer("Days Before Due Date", default=3)
    predue_min_amount = fields.Monetary("Minimum Per Document (Pre-due)")
    # 2. Overdue
    overdue_min_amount = fields.Monetary(
        "Minimum Debt", help="Customers owing less than this are not chased."
    )
    overdue_days = fields.Integer("First Reminder (Days After Due)", default=7)
    overdue_repeat_interval = fields.Integer("Repeat Every (Days)", default=7)
    overdue_repeat_max = fields.Integer("Repeat At Most", default=2)
    # 3. Sending
    existing = fields.Selection(
        selection=lambda self: (
            self.env["res.company"]
            ._fields["debt_collection_existing"]
            ._description_selection(self.env)
        ),
        string="Existing Open Documents",
        default="none",
        required=True,
    )
    existing_due_from = fields.Date("Due From")
    send_report = fields.Boolean(
        "E-mail Me a Report After Each Run",
        default=lambda self: (
            self.env.user in self.env.company.debt_collection_report_user_ids
            or not self.env.company.debt_collection_policy_id
        ),
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env.company
        for name in (*WEEKDAY_FIELDS, "debt_collection_send_hour"):
            if name in fields_list:
                values[name] = company[name]
        return values

    def _reopen(self, state):
        self.state = state
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check_predue(self):
        if self.predue_enabled and self.predue_days < 1:
            raise UserError(
                _("Pre-due reminders go out at least 1 day before the due date.")
            )
        if self.predue_min_amount < 0:
            raise UserError(_("The minimum amount cannot be negative."))

    def _check_overdue(self):
        if self.overdue_min_amount < 0:
            raise UserError(_("The minimum debt cannot be negative."))
        if self.overdue_days < 0:
            raise UserError(_("The first reminder cannot come before the due date."))
        if self.overdue_repeat_interval < 0 or self.overdue_repeat_max < 0:
            raise UserError(_("Repeats cannot be negative."))
        if self.overdue_repeat_interval and self.overdue_repeat_max < 1:
            raise UserError(_("When reminders repeat, they repeat at least once."))

    def action_next(self):
        self.ensure_one()
        if self.state == "predue":
            self._check_predue()
            return self._reopen("overdue")
        self._check_overdue()
        return self._reopen("calendar")

    def action_back(self):
        self.ensure_one()
        return self._reopen("overdue" if self.state == "calendar" else "predue")

    def _prepare_steps_vals(self):
        """{setup role: step values}; roles left out are archived."""
        steps = {}
        template = self.env["debt.collection.step"]._default_template
        if self.predue_enabled:
            steps["predue"] = {
                "name": _lt("Pre-due reminder"),
                "days": -self.predue_days,
                "action": "reminder",
                "min_item_amount": self.predue_min_amount,
                "mail_template_id": template("reminder", -1).id,
            }
        steps["overdue"] = {
            "name": _lt("Overdue reminder"),
            "days": self.overdue_days,
            "action": "reminder",
            "repeat_interval": self.overdue_repeat_interval,
            "repeat_max": self.overdue_repeat_max
            if self.overdue_repeat_interval
            else 0,
            "min_partner_amount": self.overdue_min_amount,
            "pay_by_days": 7,
            "mail_template_id": template("reminder", 1).id,
        }
        return steps

    def action_finish(self):
        self.ensure_one()
        self._check_predue()
        self._check_overdue()
        if self.existing == "from_due_date" and not self.existing_due_from:
            raise UserError(
                _("Give the due date from which existing documents are collected.")
            )
        # sudo: only Settings administrators may write companies, and this
        # wizard is for Debt Collection Managers (its ACL); it writes only the
        # company's collection settings.
        company = self.company_id.sudo()
        policy = self._get_policy()
        self._write_steps(policy)
        calendar = {
            name: self[name] for name in (*WEEKDAY_FIELDS, "debt_collection_send_hour")
        }
        company.write(
            {
                **calendar,
                "debt_collection_policy_id": policy.id,
                "debt_collection_existing": self.existing,
                "debt_collection_existing_due_from": self.existing_due_from,
            }
        )
        command = fields.Command.link if self.send_report else fields.Command.unlink
        company.debt_collection_report_user_ids = [command(self.env.user.id)]
        company._debt_collection_switch_on()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_policy"
        )
        action.update(
            {"res_id": policy.id, "view_mode": "form", "views": [(False, "form")]}
        )
        return action

    def _get_policy(self):
        """The policy the wizard writes: the company's default when the wizard
        made it (or it is empty), else a new one, leaving hand-made steps alone."""
        policy = self.company_id.debt_collection_policy_id
        hand_made = policy.with_context(active_test=False).step_ids.filtered(
            lambda s: not s.setup_role
        )
        if policy and not hand_made:
            return policy
        Policy = self.env["debt.collection.policy"]
        name = _lt("Standard collection")
        if Policy.with_context(active_test=False).search_count(
            [("company_id", "=", self.company_id.id), ("name", "=", str(name))]
        ):
            name = _lt(
                "Standard collection (%(date)s)", date=fields.Date.context_today(self)
            )
        policy = Policy.create({"name": str(name), "company_id": self.company_id.id})
        set_name_translations(policy, name)
        return policy

    def _write_steps(self, policy):
        wanted = self._prepare_steps_vals()
        existing = {
            step.setup_role: step
            for step in policy.with_context(active_test=False).step_ids
            if step.setup_role
        }
        # Archive them all, then reactivate in trigger order, so that the order
        # constraint never sees a half-updated policy.
        for step in existing.values():
            step.active = False
        Step = self.env["debt.collection.step"]
        for sequence, (role, vals) in enumerate(wanted.items(), start=1):
            name = vals["name"]  # in every language
            vals = dict(
                vals,
                name=str(name),
                sequence=sequence * 10,
                setup_role=role,
                active=True,
            )
            step = existing.get(role)
            if step:
                step.write(vals)
            else:
                step = Step.create(dict(vals, policy_id=policy.id))
            set_name_translations(step, name)
