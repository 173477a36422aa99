from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import code_translations

from .debt_collection_ageing_bucket import CREDIT_BUCKET, DEFAULT_BUCKETS


class ResCompany(models.Model):
    _inherit = "res.company"

    # Analysis
    debt_collection_recovery_days = fields.Integer(
        "Recovery Window (Days)",
        default=14,
        help="The collection activity report counts a payment as recovered by "
        "an action when it comes within this many days after the action.",
    )

    @api.constrains("debt_collection_recovery_days")
    def _check_debt_collection_recovery_days(self):
        for company in self:
            if not 1 <= company.debt_collection_recovery_days <= 365:
                raise ValidationError(
                    _("The recovery window must be between 1 and 365 days.")
                )

    debt_collection_bucket_ids = fields.One2many(
        "debt.collection.ageing.bucket",
        "company_id",
        string="Ageing Buckets",
        domain=[("credit", "=", False)],
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

    def _debt_collection_credit_bucket(self):
        """The ageing's column of the unapplied credits (not configurable)."""
        self.ensure_one()
        return self.env["debt.collection.ageing.bucket"].search(
            [("company_id", "=", self.id), ("credit", "=", True)], limit=1
        )

    def _debt_collection_ensure_buckets(self):
        """Give the companies without buckets the default ones, and each its
        column of unapplied credits."""
        missing = self.filtered(lambda c: not c.debt_collection_bucket_ids)
        no_credit = self.filtered(lambda c: not c._debt_collection_credit_bucket())
        vals = [
            {
                "company_id": company.id,
                "name": name._source,
                "days_to": limit or 0,
                "open_ended": limit is None,
            }
            for company in missing
            for name, limit in DEFAULT_BUCKETS
        ] + [
            {
                "company_id": company.id,
                "name": CREDIT_BUCKET._source,
                "credit": True,
                "open_ended": True,
            }
            for company in no_credit
        ]
        if not vals:
            return True
        # sudo: default configuration, created for any user whose action
        # first needs it (e.g. a collector opening the ageing).
        buckets = self.env["debt.collection.ageing.bucket"].sudo().create(vals)
        for lang, __ in self.env["res.lang"].get_installed():
            terms = code_translations.get_python_translations(
                "debt_collection_analysis", lang
            )
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
                    self.env.ref(
                        "debt_collection_analysis.res_company_view_form_debt_collection_ageing_buckets"
                    ).id,
                    "form",
                ]
            ],
            "target": "new",
        }
