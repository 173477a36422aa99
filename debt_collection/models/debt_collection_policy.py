from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import get_translation


def set_name_translations(records, term):
    """Name ``records`` (policies, steps) ``term`` (an ``_lt``) in English and
    in every other installed language, as the code's translations say."""

    def say(lang):
        return get_translation(term._module, lang, term._source, term._args)

    records.with_context(lang="en_US").name = say("en_US")
    translations = {
        lang: say(lang)
        for lang, _name in records.env["res.lang"].get_installed()
        if lang != "en_US"
    }
    for record in records:
        record.update_field_translations("name", translations)


class DebtCollectionPolicy(models.Model):
    """An ordered list of collection steps used by a company."""

    _name = "debt.collection.policy"
    _inherit = ["debt.collection.calendar.mixin", "mail.thread"]
    _description = "Debt Collection Policy"
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    step_ids = fields.One2many(
        "debt.collection.step", "policy_id", string="Steps", copy=True
    )
    is_default = fields.Boolean(
        "Company Default",
        compute="_compute_is_default",
        inverse="_inverse_is_default",
        help="Used for every customer and document without a policy of its own.",
    )
    use_own_calendar = fields.Boolean(
        "Own Sending Calendar",
        help="Send on this policy's weekdays and hour instead of the company's.",
    )
    note = fields.Html("Description")

    _sql_constraints = [
        (
            "name_company_unique",
            "UNIQUE(company_id, name)",
            "A policy with this name already exists in the company.",
        ),
    ]

    def _debt_collection_calendar_applies(self):
        return self.use_own_calendar

    @api.depends("company_id.debt_collection_policy_id")
    def _compute_is_default(self):
        for policy in self:
            policy.is_default = policy.company_id.debt_collection_policy_id == policy

    def _inverse_is_default(self):
        for policy in self:
            # sudo: managers of collection may choose the default policy
            # without being allowed to edit the company itself.
            company = policy.company_id.sudo()
            if policy.is_default:
                company.debt_collection_policy_id = policy
            elif company.debt_collection_policy_id == policy:
                company.debt_collection_policy_id = False

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.env["debt.collection.event"].search_count(
            [("policy_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                _(
                    "This policy has already been applied to documents; archive it "
                    "instead of deleting it, so that the collection history stays "
                    "complete."
                )
            )

    def _check_usable_in(self, company):
        """Refuse to use this policy (if any) for another company's documents."""
        # sudo: the chosen policy may be unreadable for the user.
        policy = self.sudo()
        if policy and policy.company_id != company:
            raise ValidationError(
                _(
                    "Policy %(policy)s belongs to %(other)s: choose a policy of "
                    "%(company)s.",
                    policy=policy.name,
                    other=policy.company_id.name,
                    company=company.name,
                )
            )

    def _calendar_source(self):
        """The record whose weekdays and hour apply to this policy."""
        self.ensure_one()
        return self if self.use_own_calendar else self.company_id

    @api.constrains("use_own_calendar")
    def _check_own_calendar(self):
        self._check_debt_collection_calendar()
