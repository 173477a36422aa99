from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.money import to_decimal
from ..tools.schedule import StepRule

NOTICE_MODEL = "debt.collection.notice"


class DebtCollectionStep(models.Model):
    """One step of a policy: when, for how much, what and how."""

    _name = "debt.collection.step"
    _description = "Debt Collection Step"
    _order = "policy_id, sequence, days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    policy_id = fields.Many2one(
        "debt.collection.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # When
    days = fields.Integer(
        "Days After Due Date",
        help="When the step applies, in days after the due date; negative values "
        "are days before the due date (pre-due reminders).",
    )
    repeat_interval = fields.Integer(
        "Repeat Every (Days)",
        help="Send the step again every this many days; 0 sends it once.",
    )
    repeat_max = fields.Integer(
        "Repeat At Most",
        help="How many times the step is repeated after the first time.",
    )
    # For how much (company currency)
    min_item_amount = fields.Monetary(
        "Minimum Per Document",
        help="Documents whose amount still due is lower are skipped by this step.",
    )
    min_partner_amount = fields.Monetary(
        "Minimum Per Customer",
        help="The step is skipped when the customer's documents due for it total "
        "less than this.",
    )
    # What
    action = fields.Selection(
        [
            ("reminder", "E-mail reminder"),
            ("activity", "Collector activity"),
        ],
        required=True,
        default="reminder",
    )
    channel = fields.Selection(
        selection=lambda self: (
            self.env["debt.collection.event"]
            ._fields["channel"]
            ._description_selection(self.env)
        ),
        compute="_compute_channel",
    )
    net_credits = fields.Boolean(
        "Net Open Credits",
        default=True,
        help="Subtract the customer's open credits (unreconciled credit notes, "
        "unapplied payments and advances) in the same currency: the message lists "
        "them under the documents with the net total, the minimum per customer "
        "compares the net, and a customer whose credits cover what is due is not "
        "chased.",
    )
    combine_messages = fields.Boolean(
        "One Message Per Day",
        default=True,
        help="When other documents of the customer are due for a lower step on "
        "the same day, list them in this step's message instead of sending the "
        "customer one message per step. They do not get the lower step later.",
    )
    attach_invoices = fields.Boolean(
        "Attach Invoice Copies",
        help="The e-mail carries the PDF of each invoice it lists (once each, "
        "only those listed), and a printed demand encloses them after the "
        "letter.",
    )
    manual_approval = fields.Boolean(
        "Requires Approval",
        help="The automatic run does not execute this step: it waits on the "
        "collection to-do list for an operator.",
    )
    # How: e-mail
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", NOTICE_MODEL)],
        help="Reminders render on collection messages; demands on the demand "
        "documents (empty: the standard demand e-mail).",
    )
    recipient_rule = fields.Selection(
        [
            ("partner", "Customer"),
            ("invoice_contact", "Invoice address contacts"),
            ("collection_contacts", "Collection contacts"),
        ],
        string="Send To",
        default="invoice_contact",
        required=True,
        help="Invoice address and collection contacts fall back to the customer "
        "when it has none.",
    )
    cc_collection_contacts = fields.Boolean(
        "Copy to Collection Contacts",
        default=True,
        help="The customer's collection contacts receive a copy.",
    )
    cc_responsible = fields.Boolean(
        "Copy to Responsible",
        help="The collection responsible receives a copy.",
    )
    fallback_channel = fields.Selection(
        [("letter", "Letter by post"), ("phone", "Phone call by the collector")],
        string="If Not Delivered",
        help="When the message of this step cannot be delivered for good (the "
        "address is refused, invalid or bounces), the collector gets an "
        "activity and the customer is reached this way instead.",
    )
    pay_by_days = fields.Integer(
        "Pay Within (Days)",
        help="The message asks to pay within this many days from sending; 0 asks "
        "to pay by the latest due date of the listed documents.",
    )
    # How: activity
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        domain=[("res_model", "in", [False, "res.partner"])],
    )
    activity_summary = fields.Char()
    activity_user_rule = fields.Selection(
        [
            ("responsible", "Collection responsible"),
            ("salesperson", "Salesperson"),
            ("fixed", "A fixed user"),
        ],
        string="Assign To",
        default="responsible",
        required=True,
    )
    activity_user_id = fields.Many2one("res.users", string="Assigned User")
    setup_role = fields.Char(
        readonly=True, copy=False, help="Which setup wizard question made this step."
    )
    activity_deadline_days = fields.Integer(
        "Activity Deadline (Days)",
        help="The activity is due this many days after the run.",
    )

    def _get_action_channels(self):
        """Channel of each action; addons adding an action extend this."""
        return {
            "reminder": "email",
            "activity": "activity",
        }

    def _get_message_actions(self):
        """{action: message channel} of the actions that send the customer a
        message; a customer gets one message per channel and day (see
        ``combine_messages``). Addons adding such an action extend this."""
        return {"reminder": "mail"}

    def _is_payment_triggered(self):
        """Whether the step counts its days from a late payment instead of the
        due date (see the engine's ``_paid_late_candidates``)."""
        self.ensure_one()
        return False

    def _get_template_models(self):
        """The model of the e-mail template of each action that has one."""
        return {
            "reminder": NOTICE_MODEL,
        }

    def _get_email_actions(self):
        return {
            action
            for action, channel in self._get_action_channels().items()
            if channel == "email"
        }

    @api.depends("action")
    def _compute_channel(self):
        channels = self._get_action_channels()
        for step in self:
            step.channel = channels.get(step.action)

    @api.onchange("action", "days")
    def _onchange_action_template(self):
        if self.action in self._get_template_models():
            self.mail_template_id = self._default_template(self.action, self.days)

    @api.model
    def _default_template(self, action, days):
        xmlid = {
            "reminder": "debt_collection.mail_template_overdue_reminder",
        }.get(action)
        if action == "reminder" and days < 0:
            xmlid = "debt_collection.mail_template_predue_reminder"
        return self.env.ref(xmlid, raise_if_not_found=False) if xmlid else False

    @api.constrains("repeat_interval", "repeat_max")
    def _check_repeat(self):
        for step in self:
            if step.repeat_interval < 0 or step.repeat_max < 0:
                raise ValidationError(
                    _(
                        "Step %(step)s: the repeat interval and count cannot be "
                        "negative.",
                        step=step.name,
                    )
                )
            if step.repeat_interval and step.repeat_max < 1:
                raise ValidationError(
                    _(
                        "Step %(step)s repeats every %(days)s days: it must repeat "
                        "at least once.",
                        step=step.name,
                        days=step.repeat_interval,
                    )
                )
            if step.repeat_max and not step.repeat_interval:
                raise ValidationError(
                    _(
                        "Step %(step)s: give the number of days between repeats.",
                        step=step.name,
                    )
                )

    @api.constrains("min_item_amount", "min_partner_amount")
    def _check_minimums(self):
        for step in self:
            if step.min_item_amount < 0 or step.min_partner_amount < 0:
                raise ValidationError(
                    _(
                        "Step %(step)s: minimum amounts cannot be negative.",
                        step=step.name,
                    )
                )

    @api.constrains("pay_by_days", "activity_deadline_days")
    def _check_day_counts(self):
        for step in self:
            if step.pay_by_days < 0 or step.activity_deadline_days < 0:
                raise ValidationError(
                    _(
                        "Step %(step)s: the payment and activity deadlines cannot "
                        "be negative.",
                        step=step.name,
                    )
                )

    @api.constrains("action", "mail_template_id")
    def _check_mail_template(self):
        email_actions = self._get_email_actions()
        models = self._get_template_models()
        for step in self:
            if step.action in email_actions and not step.mail_template_id:
                raise ValidationError(
                    _(
                        "Step %(step)s sends an e-mail: choose its template.",
                        step=step.name,
                    )
                )
            expected = models.get(step.action)
            if step.mail_template_id and step.mail_template_id.model != expected:
                raise ValidationError(
                    _(
                        "Step %(step)s: template %(template)s is made for "
                        "%(model)s, not for %(expected)s.",
                        step=step.name,
                        template=step.mail_template_id.name,
                        model=step.mail_template_id.model_id.name,
                        expected=self.env["ir.model"]._get(expected).name
                        if expected
                        else _("this action"),
                    )
                )

    def _get_fallback_channels(self):
        """{action: fallback channels it may name}; addons extend this."""
        return {
            "reminder": {"phone"},
        }

    @api.constrains("action", "fallback_channel")
    def _check_fallback_channel(self):
        allowed = self._get_fallback_channels()
        channels = dict(
            self._fields["fallback_channel"]._description_selection(self.env)
        )
        for step in self.filtered("fallback_channel"):
            if step.fallback_channel not in allowed.get(step.action, ()):
                raise ValidationError(
                    _(
                        "Step %(step)s cannot fall back to %(channel)s: a letter "
                        "replaces only a payment demand or final demand, and only "
                        "steps that send a message have a fallback.",
                        step=step.name,
                        channel=channels[step.fallback_channel],
                    )
                )

    @api.constrains("action", "activity_user_rule", "activity_user_id")
    def _check_activity_user(self):
        for step in self:
            if (
                step.action == "activity"
                and step.activity_user_rule == "fixed"
                and not step.activity_user_id
            ):
                raise ValidationError(
                    _(
                        "Step %(step)s: choose the user who gets the activity.",
                        step=step.name,
                    )
                )

    @api.constrains("name", "days", "sequence", "policy_id", "active", "action")
    def _check_policy_order(self):
        for policy in self.policy_id.with_context(active_test=True):
            steps = policy.step_ids.sorted(lambda s: (s.sequence, s.days, s.id))
            names = steps.mapped("name")
            duplicates = {name for name in names if names.count(name) > 1}
            if duplicates:
                raise ValidationError(
                    _(
                        "Policy %(policy)s has several steps named %(name)s; give "
                        "each step its own name.",
                        policy=policy.name,
                        name=", ".join(sorted(duplicates)),
                    )
                )
            # Steps counted from a late payment stand outside the ladder.
            ladder = steps.filtered(lambda s: not s._is_payment_triggered())
            for previous, step in zip(ladder[:-1], ladder[1:], strict=True):
                if step.days <= previous.days:
                    raise ValidationError(
                        _(
                            "Policy %(policy)s: step %(step)s (day %(days)s) must "
                            "come after step %(previous)s (day %(previous_days)s). "
                            "Order the steps by increasing days.",
                            policy=policy.name,
                            step=step.name,
                            days=step.days,
                            previous=previous.name,
                            previous_days=previous.days,
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.env["debt.collection.event"].search_count(
            [("step_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                _(
                    "This step has already been applied to documents; archive it "
                    "instead of deleting it, so that the collection history stays "
                    "complete."
                )
            )

    def _schedule_rule(self):
        """The step as the pure scheduling core sees it."""
        self.ensure_one()
        return StepRule(
            id=self.id,
            days=self.days,
            repeat_interval=self.repeat_interval,
            repeat_max=self.repeat_max,
            min_item_amount=to_decimal(self.min_item_amount),
            min_partner_amount=to_decimal(self.min_partner_amount),
            message_channel=self._get_message_actions().get(self.action),
            combine=self.combine_messages,
            net_credits=self.net_credits and not self._is_payment_triggered(),
        )
