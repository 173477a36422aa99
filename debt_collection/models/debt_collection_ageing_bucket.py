from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate, code_translations

_lt = LazyTranslate(__name__)

# (name, upper limit in days overdue) — the last one has no upper limit.
DEFAULT_BUCKETS = [
    (_lt("Not yet due"), 0),
    (_lt("1-30 days"), 30),
    (_lt("31-60 days"), 60),
    (_lt("61-90 days"), 90),
    (_lt("91-180 days"), 180),
    (_lt("Over 180 days"), None),
]


class DebtCollectionAgeingBucket(models.Model):
    """A time bucket of the ageing: its items are overdue by at most
    ``days_to`` days and by more than the previous bucket's limit.

    Only the upper limit is stored, so the buckets of a company are always
    contiguous and never overlap; the lower limit is shown, computed.
    """

    _name = "debt.collection.ageing.bucket"
    _description = "Ageing Bucket"
    _order = "company_id, open_ended, days_to, id"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, ondelete="cascade", index=True
    )
    days_to = fields.Integer(
        "Up To (Days Overdue)",
        help="Items overdue by at most this many days (0: not yet due, "
        "negative: due in more than that many days).",
    )
    open_ended = fields.Boolean(
        "No Upper Limit", help="The last bucket: everything overdue for longer."
    )
    days_from = fields.Integer(
        "From (Days Overdue)",
        compute="_compute_days_from",
        help="Empty for the first bucket: everything up to its limit.",
    )
    has_lower_limit = fields.Boolean(compute="_compute_days_from")

    @api.depends("company_id", "days_to", "open_ended")
    def _compute_days_from(self):
        for bucket in self:
            lower = bucket.company_id.debt_collection_bucket_ids.filtered(
                lambda b, bucket=bucket: (
                    not b.open_ended
                    and b.id != bucket.id
                    and (bucket.open_ended or b.days_to < bucket.days_to)
                )
            )
            bucket.has_lower_limit = bool(lower)
            bucket.days_from = max(lower.mapped("days_to"), default=0) + 1

    @api.model
    def _bounds_by_company(self, companies):
        """{company id: [(bucket id, lower or None, upper or None), ...]}."""
        result = {}
        for company in companies:
            company._check_debt_collection_buckets()
            bounds, lower = [], None
            for bucket in company.debt_collection_bucket_ids.sorted(
                lambda b: (b.open_ended, b.days_to)
            ):
                upper = None if bucket.open_ended else bucket.days_to
                bounds.append((bucket.id, lower, upper))
                lower = None if upper is None else upper + 1
            result[company.id] = bounds
        return result


class ResCompany(models.Model):
    _inherit = "res.company"

    debt_collection_bucket_ids = fields.One2many(
        "debt.collection.ageing.bucket", "company_id", string="Ageing Buckets"
    )

    @api.constrains("debt_collection_bucket_ids")
    def _check_debt_collection_buckets(self):
        for company in self:
            buckets = company.debt_collection_bucket_ids
            if not buckets:
                continue
            if len(buckets) < 2:
                raise ValidationError(
                    _("The ageing needs at least two buckets (%s).", company.name)
                )
            if any(not (bucket.name or "").strip() for bucket in buckets):
                raise ValidationError(_("Every ageing bucket needs a name."))
            open_ended = buckets.filtered("open_ended")
            if len(open_ended) != 1:
                raise ValidationError(
                    _(
                        "Exactly one ageing bucket must have no upper limit: the "
                        "last one, for everything overdue for longer (%s).",
                        company.name,
                    )
                )
            limits = buckets.filtered(lambda b: not b.open_ended).mapped("days_to")
            if len(set(limits)) != len(limits):
                raise ValidationError(
                    _(
                        "Two ageing buckets end at %(days)s days: buckets must not "
                        "overlap, each must end later than the one before.",
                        days=next(d for d in limits if limits.count(d) > 1),
                    )
                )

    def _debt_collection_ensure_buckets(self):
        """Give the companies without buckets the default ones."""
        missing = self.filtered(lambda c: not c.debt_collection_bucket_ids)
        if not missing:
            return True
        vals = [
            {
                "company_id": company.id,
                "name": name._source,
                "days_to": limit or 0,
                "open_ended": limit is None,
            }
            for company in missing
            for name, limit in DEFAULT_BUCKETS
        ]
        # sudo: default configuration, created for any user whose action
        # first needs it (e.g. a collector opening the ageing).
        buckets = self.env["debt.collection.ageing.bucket"].sudo().create(vals)
        for lang, __ in self.env["res.lang"].get_installed():
            terms = code_translations.get_python_translations("debt_collection", lang)
            for bucket in buckets:
                if bucket.name in terms:
                    bucket.with_context(lang=lang).name = terms[bucket.name]
        return True

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._debt_collection_ensure_buckets()
        return companies

    def action_debt_collection_buckets(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Ageing Buckets"),
            "res_model": "res.company",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                [
                    self.env.ref("debt_collection.view_company_ageing_buckets_form").id,
                    "form",
                ]
            ],
            "target": "new",
        }
