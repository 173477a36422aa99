from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

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
CREDIT_BUCKET = _lt("Unapplied credits")


class DebtCollectionAgeingBucket(models.Model):
    """A time bucket of the ageing: its items are overdue by at most
    ``days_to`` days and by more than the previous bucket's limit.

    Only the upper limit is stored, so the buckets of a company are always
    contiguous and never overlap; the lower limit is shown, computed.
    """

    _name = "debt.collection.ageing.bucket"
    _description = "Ageing Bucket"
    _order = "company_id, credit, open_ended, days_to, id"

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
    credit = fields.Boolean(
        "Unapplied Credits",
        readonly=True,
        help="The column of the customers' open credits (credit notes and "
        "payments not yet reconciled): shown on their own, not subtracted from "
        "the buckets of what they owe.",
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
        """{company id: [(bucket id, upper limit or None), ...]} in order."""
        result = {}
        for company in companies:
            company._check_debt_collection_buckets()
            result[company.id] = [
                (bucket.id, None if bucket.open_ended else bucket.days_to)
                for bucket in company.debt_collection_bucket_ids.sorted(
                    lambda b: (b.open_ended, b.days_to)
                )
            ]
        return result
