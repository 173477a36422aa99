from datetime import date, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.float_utils import float_compare
from odoo.tools.misc import formatLang
from odoo.tools.translate import LazyTranslate

from odoo.addons.debt_collection.models.debt_collection_event import SelectionLabel

_lt = LazyTranslate(__name__)

CASE_STAGES = [
    ("new", "New"),
    ("reminded", "Reminded"),
    ("demanded", "Demanded"),
    ("final_demand", "Final demand"),
    ("promise", "Promise to pay"),
    ("disputed", "Disputed"),
    ("legal", "Handed over for legal action"),
    ("closed", "Closed"),
]
# Stages the engine moves a case through, in order; it never moves a case
# out of the others (promise, dispute, legal action) nor backwards.
AUTOMATIC_STAGES = ["new", "reminded", "demanded", "final_demand"]
# A dispute holds its documents until it is resolved.
DISPUTE_HOLD_UNTIL = date(9999, 12, 31)


class DebtCollectionCase(models.Model):
    """The collector's desk: one case per customer with something overdue,
    with a stage, a collector and a next action."""

    _name = "debt.collection.case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Collection Case"
    _order = "next_action_date, oldest_days desc, id"
    _check_company_auto = True
    _rec_name = "partner_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
    )
    stage = fields.Selection(
        CASE_STAGES,
        required=True,
        default="new",
        index=True,
        tracking=True,
        group_expand=True,
    )
    stage_before_hold = fields.Selection(
        CASE_STAGES,
        readonly=True,
        help="The stage the case goes back to when a promise is broken or a "
        "dispute is resolved.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Gets the case's activities, including those of the policy's "
        "activity steps.",
    )
    next_action = fields.Char()
    next_action_date = fields.Date(index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    overdue_amount = fields.Monetary(
        readonly=True, help="Company currency, as of the last collection run."
    )
    oldest_days = fields.Integer("Oldest Overdue (Days)", readonly=True)
    last_contact_date = fields.Date(readonly=True)
    date_closed = fields.Date(readonly=True)
    blocked = fields.Boolean(
        "Sales Blocked", compute="_compute_blocked", search="_search_blocked"
    )
    # Promise to pay
    promise_amount = fields.Monetary(readonly=True)
    promise_date = fields.Date(readonly=True)
    promise_state = fields.Selection(
        [("open", "Awaiting payment"), ("kept", "Kept"), ("broken", "Broken")],
        readonly=True,
        tracking=True,
    )
    promise_residual = fields.Monetary(
        readonly=True, help="What the promised documents still owed when promised."
    )
    promise_move_ids = fields.Many2many(
        "account.move",
        "debt_collection_case_promise_move_rel",
        "case_id",
        "move_id",
        string="Promised Documents",
        readonly=True,
    )
    dispute_move_ids = fields.Many2many(
        "account.move",
        string="Disputed Documents",
        compute="_compute_dispute_move_ids",
    )
    event_ids = fields.One2many(
        "debt.collection.event",
        compute="_compute_event_ids",
        string="Collection History",
    )

    failed_delivery_count = fields.Integer(
        "Undelivered Messages",
        compute="_compute_failed_delivery_count",
        search="_search_failed_delivery_count",
        help="Collection messages that could not be delivered and whose "
        "follow-up activity is still open.",
    )

    def init(self):
        # One open case per customer and company.
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS debt_collection_case_open_uniq
                   ON debt_collection_case (partner_id, company_id)
                   WHERE stage != 'closed'"""
            )
        )
        return super().init()

    @api.depends_context("company")
    def _compute_blocked(self):
        for case in self:
            case.blocked = case.partner_id.with_company(
                case.company_id
            ).debt_collection_blocked

    def _search_blocked(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        # sudo: blocks are read for the filter only; cases are company-ruled.
        blocks = self.env["debt.collection.block"].sudo().search([])
        domain = expression.OR(
            [
                [
                    ("partner_id", "=", b.partner_id.id),
                    ("company_id", "=", b.company_id.id),
                ]
                for b in blocks
            ]
            or [expression.FALSE_DOMAIN]
        )
        positive = (operator == "=") == bool(value)
        return domain if positive else ["!", *domain]

    def _get_unhandled_failures_domain(self):
        return [("state", "=", "failed"), ("activity_id", "!=", False)]

    def _compute_failed_delivery_count(self):
        counts = {
            (partner.id, company.id): count
            for partner, company, count in self.env[
                "debt.collection.delivery"
            ]._read_group(
                self._get_unhandled_failures_domain()
                + [("partner_id", "in", self.partner_id.ids)],
                ["partner_id", "company_id"],
                ["__count"],
            )
        }
        for case in self:
            case.failed_delivery_count = counts.get(
                (case.partner_id.id, case.company_id.id), 0
            )

    def _search_failed_delivery_count(self, operator, value):
        if operator != ">" or value != 0:
            return NotImplemented
        groups = self.env["debt.collection.delivery"]._read_group(
            self._get_unhandled_failures_domain(), ["partner_id", "company_id"]
        )
        return expression.OR(
            [
                [("partner_id", "=", partner.id), ("company_id", "=", company.id)]
                for partner, company in groups
            ]
            or [expression.FALSE_DOMAIN]
        )

    def action_open_failed_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_delivery"
        )
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            *self._get_unhandled_failures_domain(),
        ]
        return action

    def _compute_dispute_move_ids(self):
        moves = self.env["account.move"].search(
            [
                ("debt_collection_partner_id", "in", self.partner_id.ids),
                ("debt_collection_hold_reason", "=", "dispute"),
                ("debt_collection_hold_until", "!=", False),
                ("state", "=", "posted"),
            ]
        )
        for case in self:
            case.dispute_move_ids = moves.filtered(
                lambda m, c=case: (
                    m.debt_collection_partner_id == c.partner_id
                    and m.company_id == c.company_id
                )
            )

    def _compute_event_ids(self):
        events = self.env["debt.collection.event"].search(
            [("partner_id", "in", self.partner_id.ids)], limit=500
        )
        for case in self:
            case.event_ids = events.filtered(
                lambda e, c=case: (
                    e.partner_id == c.partner_id and e.company_id == c.company_id
                )
            )[:100]

    # Stages ---------------------------------------------------------------

    def write(self, vals):
        if "stage" not in vals:
            return super().write(vals)
        automatic = self.env.context.get("debt_collection_case_automatic")
        if not automatic:
            self._check_manual_stage(vals["stage"])
        before = {case.id: case.stage for case in self}
        if vals["stage"] == "closed":
            vals = dict(vals, date_closed=fields.Date.context_today(self))
        result = super().write(vals)
        if not automatic:
            # A collector's decision goes to the customer's collection history;
            # the engine's moves are tracked in the case's chatter only, so
            # that runs do not flood the history.
            self._log(
                "case",
                {
                    case.id: _lt(
                        "Stage: %(old)s → %(new)s",
                        old=SelectionLabel(case, "stage", before[case.id]),
                        new=SelectionLabel(case, "stage"),
                    )
                    for case in self
                    if before[case.id] != case.stage
                },
            )
        return result

    def _check_manual_stage(self, stage):
        if stage in ("promise", "disputed"):
            raise UserError(
                _(
                    "Record a promise to pay or a dispute with Log a Call: it says "
                    "which documents are on hold and until when."
                )
            )
        if stage == "closed" and self.filtered(
            lambda c: c.currency_id.compare_amounts(c.overdue_amount, 0) > 0
        ):
            raise UserError(
                _(
                    "A case with overdue documents cannot be closed: it closes by "
                    "itself once nothing is overdue."
                )
            )

    def _log(self, event_type, notes, automatic=False, moves=None):
        """One event per case (``notes``: {case id: an ``_lt`` term, or (term,
        text typed by the user)}), shown in the reader's language."""
        Event = self.env["debt.collection.event"]
        vals_list = []
        for case in self.filtered(lambda c: c.id in notes):
            message, html = (
                notes[case.id]
                if isinstance(notes[case.id], tuple)
                else (notes[case.id], None)
            )
            base = Event._prepare_log_vals(
                case.company_id,
                case.partner_id,
                event_type,
                message,
                html,
                automatic=automatic,
            )
            vals_list += [dict(base, move_id=m.id) for m in moves or ()] or [base]
        if vals_list:
            Event._log(vals_list)

    @api.model
    def _open_for(self, company, partners):
        """The open cases of ``partners`` (commercial) in ``company``, created
        where missing."""
        partners = partners.commercial_partner_id
        # sudo: cases are opened by the engine, whoever runs it.
        Case = self.sudo().with_company(company)
        cases = Case.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("stage", "!=", "closed"),
            ]
        )
        missing = partners - cases.partner_id
        if missing:
            # A run may open hundreds: no "created" message nor followers
            # per case (the stage history starts with the first move).
            new = Case.with_context(tracking_disable=True).create(
                [
                    {
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "user_id": (
                            partner.debt_collection_user_id
                            or company.debt_collection_user_id
                        ).id,
                    }
                    for partner in missing
                ]
            )
            cases |= new
        return cases

    @api.model
    def _advance(self, company, stage_by_partner):
        """Move the cases forward from the engine's events: {commercial
        partner id: stage}. Never backwards, never out of a promise, a
        dispute or legal action."""
        if not stage_by_partner:
            return
        partners = self.env["res.partner"].browse(list(stage_by_partner))
        cases = self._open_for(company, partners)
        by_stage = {}
        for case in cases:
            target = stage_by_partner[case.partner_id.id]
            if (
                case.stage in AUTOMATIC_STAGES
                and target in AUTOMATIC_STAGES
                and AUTOMATIC_STAGES.index(target) > AUTOMATIC_STAGES.index(case.stage)
            ) or (target == "legal" and case.stage != "legal"):
                by_stage.setdefault(target, self.browse())
                by_stage[target] |= case
        for target, to_move in by_stage.items():
            to_move.with_context(debt_collection_case_automatic=True).write(
                {"stage": target}
            )

    # Promise to pay and dispute -------------------------------------------

    def _set_promise(self, amount, promise_date, moves, note=None):
        self.ensure_one()
        today = self.company_id._debt_collection_today()
        currency = self.currency_id
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(_("The promised amount must be positive."))
        if not promise_date or promise_date < today:
            raise UserError(_("The promised payment date cannot be in the past."))
        if not moves:
            raise UserError(_("Choose the documents the customer promises to pay."))
        self._check_own_moves(moves)
        residual = sum(moves.mapped("amount_residual_signed"))
        if currency.compare_amounts(amount, residual) > 0:
            raise UserError(
                _(
                    "The promised amount is more than the documents still owe "
                    "(%(residual)s).",
                    residual=_format_amount(self.env, residual, currency),
                )
            )
        self.write(
            {
                "promise_amount": amount,
                "promise_date": promise_date,
                "promise_state": "open",
                "promise_residual": residual,
                "promise_move_ids": [fields.Command.set(moves.ids)],
                "stage_before_hold": self._stage_to_return_to(),
            }
        )
        # Held through the grace days: the payment may take a while to arrive.
        grace = self.company_id.debt_collection_promise_grace_days
        moves.write(
            {
                "debt_collection_hold_until": promise_date + timedelta(days=grace),
                "debt_collection_hold_reason": "promise",
            }
        )
        self.with_context(debt_collection_case_automatic=True).write(
            {"stage": "promise"}
        )
        text = _lt(
            "Promise to pay %(amount)s by %(date)s.",
            amount=_format_amount(self.env, amount, currency),
            date=promise_date,
        )
        self._log("promise", {self.id: (text, note)}, moves=moves)

    def _set_dispute(self, moves, reason):
        self.ensure_one()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Give the reason of the dispute."))
        if not moves:
            raise UserError(_("Choose the disputed documents."))
        self._check_own_moves(moves)
        if self.stage not in ("disputed",):
            self.stage_before_hold = self._stage_to_return_to()
        moves.write(
            {
                "debt_collection_hold_until": DISPUTE_HOLD_UNTIL,
                "debt_collection_hold_reason": "dispute",
            }
        )
        self.with_context(debt_collection_case_automatic=True).write(
            {"stage": "disputed"}
        )
        self._log(
            "dispute",
            {self.id: _lt("Disputed: %(reason)s", reason=reason)},
            moves=moves,
        )

    def action_resolve_dispute(self):
        """The dispute is settled: its documents go back to collection."""
        for case in self:
            moves = case.dispute_move_ids
            if not moves:
                raise UserError(_("No document of this customer is disputed."))
            moves.write(
                {
                    "debt_collection_hold_until": False,
                    "debt_collection_hold_reason": False,
                }
            )
            case._log("dispute", {case.id: _lt("Dispute resolved.")}, moves=moves)
            if case.stage == "disputed":
                case.with_context(debt_collection_case_automatic=True).write(
                    {"stage": case.stage_before_hold or "new"}
                )

    def _stage_to_return_to(self):
        return (
            self.stage
            if self.stage not in ("promise", "disputed")
            else self.stage_before_hold or "new"
        )

    def _check_own_moves(self, moves):
        if moves.debt_collection_partner_id - self.partner_id or (
            moves.company_id - self.company_id
        ):
            raise UserError(_("The documents must belong to the case's customer."))

    def _check_promises(self, today):
        """Kept promises lift their hold; promises not paid by their date plus
        the grace days are broken: the hold lifts, the case goes back to
        collection and the collector gets an activity."""
        for case in self.filtered(lambda c: c.promise_state == "open"):
            currency = case.currency_id
            residual = sum(case.promise_move_ids.mapped("amount_residual_signed"))
            paid = case.promise_residual - residual
            grace = case.company_id.debt_collection_promise_grace_days
            if (
                float_compare(
                    paid, case.promise_amount, precision_rounding=currency.rounding
                )
                >= 0
            ):
                case._end_promise(
                    "kept",
                    _lt(
                        "Promise kept: %(amount)s paid.",
                        amount=_format_amount(self.env, paid, currency),
                    ),
                )
            elif today > case.promise_date + timedelta(days=grace):
                case._end_promise(
                    "broken",
                    _lt(
                        "Promise broken: %(promised)s promised by %(date)s, "
                        "%(paid)s paid.",
                        promised=_format_amount(
                            self.env, case.promise_amount, currency
                        ),
                        date=case.promise_date,
                        paid=_format_amount(self.env, max(paid, 0.0), currency),
                    ),
                )
                case._schedule_broken_promise_activity(today)

    def _end_promise(self, state, message):
        self.ensure_one()
        held = self.promise_move_ids.filtered(
            lambda m: (
                m.debt_collection_hold_reason == "promise"
                and m.debt_collection_hold_until
            )
        )
        held.write(
            {"debt_collection_hold_until": False, "debt_collection_hold_reason": False}
        )
        self.promise_state = state
        self._log("promise", {self.id: message}, automatic=True)
        if self.stage == "promise":
            self.with_context(debt_collection_case_automatic=True).write(
                {"stage": self.stage_before_hold or "new"}
            )

    def _schedule_broken_promise_activity(self, today):
        self.ensure_one()
        user = self.user_id or self.company_id.debt_collection_user_id
        if not user:
            return
        # sudo: the engine assigns the collector's activity.
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=today,
            summary=_("Broken promise to pay: call the customer"),
            note=_(
                "%(customer)s did not pay %(amount)s promised by %(date)s.",
                customer=self.partner_id.display_name,
                amount=_format_amount(self.env, self.promise_amount, self.currency_id),
                date=self.promise_date,
            ),
            user_id=user.id,
        )

    # Actions --------------------------------------------------------------

    def action_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Log a Call"),
            "res_model": "debt.collection.call.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }


def _format_amount(env, amount, currency):
    return formatLang(env, amount, currency_obj=currency)
