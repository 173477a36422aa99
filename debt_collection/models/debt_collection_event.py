from datetime import date

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.models import BaseModel
from odoo.tools import SQL, format_date
from odoo.tools.translate import LazyGettext, get_translation

from ..tools import delivery as delivery_rules
from ..tools.insert import insert_rows
from .html_fields import BatchHtml

# The addons split out of debt_collection in 18.0.1.3.0.
SPLIT_ADDONS = (
    "debt_collection_desk",
    "debt_collection_analysis",
    "debt_collection_interest",
    "debt_collection_demand",
)

# What a person may write on an event: a note (through the note wizards).
# Everything else is written by the engine and the documents' workflows.
USER_NOTE_FIELDS = frozenset(
    {"company_id", "partner_id", "move_id", "event_type", "channel", "note"}
)


class SelectionLabel:
    """A selection value in an event message: shown with its label in the
    reader's language (``value``, by default ``record[field]``)."""

    def __init__(self, record, field, value=None):
        self.model, self.field = record._name, field
        self.value = record[field] if value is None else value


class DebtCollectionEvent(models.Model):
    """What happened in collection: the audit trail and the exactly-once key.

    An automatic or manual step action is one event per item, step and
    occurrence; a partial unique index on those three makes every action
    happen once however many runs, retries or workers there are. Notes typed
    by people, holds and flag changes are events too, so the history of a
    customer is one list.
    """

    _name = "debt.collection.event"
    _description = "Debt Collection Event"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    move_id = fields.Many2one(
        "account.move", string="Document", index="btree_not_null", ondelete="set null"
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", index="btree_not_null", ondelete="set null"
    )
    step_id = fields.Many2one(
        "debt.collection.step", index="btree_not_null", ondelete="restrict"
    )
    policy_id = fields.Many2one("debt.collection.policy", ondelete="restrict")
    occurrence = fields.Integer(help="0 for the first time a step applies, then 1, 2…")
    event_type = fields.Selection(
        [
            ("action", "Collection action"),
            ("note", "Note"),
            ("hold", "Hold"),
            ("flag", "Collection switched on or off"),
            ("settings", "Collection settings changed"),
        ],
        string="Type",
        required=True,
        default="action",
    )
    channel = fields.Selection(
        [
            ("email", "E-mail"),
            ("letter", "Letter"),
            ("phone", "Phone"),
            ("activity", "Activity"),
            ("note", "Note"),
            ("system", "System"),
        ],
        required=True,
        default="system",
    )
    state = fields.Selection(
        [
            ("pending", "Postponed"),
            ("running", "In progress"),
            ("queued", "Queued"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        required=True,
        default="done",
        index=True,
    )
    reason = fields.Selection(
        [
            ("below_item_minimum", "Amount below the minimum per document"),
            ("below_partner_minimum", "Customer total below the minimum"),
            ("operator", "Skipped by an operator"),
            ("no_recipient", "No recipient with an e-mail address"),
            ("no_assignee", "Nobody to assign the activity to"),
            ("covered_by_credits", "Covered by the customer's open credits"),
            ("delivery_failed", "Delivery failed"),
            ("error", "Error"),
        ],
    )
    error = fields.Text()
    attempts = fields.Integer()
    retry_until = fields.Datetime(
        help="A failed action is retried by the collection runs until this "
        "moment (the company's retry period, from the first failure)."
    )
    next_retry = fields.Datetime(
        "Next Attempt", help="The runs leave a failed action alone until then."
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    scheduled_date = fields.Date(
        help="The day the action was planned for; for a postponed action, the "
        "day it waits for."
    )
    origin = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        required=True,
        default="manual",
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    run_id = fields.Many2one("debt.collection.run", index="btree_not_null")
    notice_id = fields.Many2one(
        "debt.collection.notice", string="Message", index="btree_not_null"
    )
    delivery_id = fields.Many2one(
        "debt.collection.delivery",
        index="btree_not_null",
        help="The e-mail, letter or SMS that carried this action, with what "
        "left, when and to whom.",
    )
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    # Not prefetched: the code reading events by thousands (the desk's cases,
    # the delivery) needs their links and states, not their notes.
    note = BatchHtml(prefetch=False)
    note_message = fields.Json(
        readonly=True,
        prefetch=False,
        help="The note as the code wrote it (message and values), so that it "
        "is shown in the reader's language.",
    )
    note_display = fields.Html(
        "Note in Your Language",
        compute="_compute_note_display",
        sanitize=False,
        help="The note in your language.",
    )
    hold_until = fields.Date()
    date_maturity = fields.Date("Due Date")
    days_overdue = fields.Integer()
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    amount_residual = fields.Monetary(
        "Amount Due", currency_field="company_currency_id"
    )
    document_currency_id = fields.Many2one("res.currency")
    amount_residual_currency = fields.Monetary(
        "Amount Due in Currency", currency_field="document_currency_id"
    )
    amount_original_currency = fields.Monetary(
        "Original Amount", currency_field="document_currency_id"
    )

    def init(self):
        # The exactly-once key of step actions (see the engine's _claim_events).
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS debt_collection_event_occurrence_uniq
                   ON debt_collection_event (move_line_id, step_id, occurrence)
                   WHERE move_line_id IS NOT NULL AND step_id IS NOT NULL"""
            )
        )
        return super().init()

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_user_note(vals)
                # A note is by its author, now.
                vals.update(user_id=self.env.uid, date=fields.Datetime.now())
        return super().create(self._complete_vals(vals_list))

    def _check_user_note(self, vals):
        if vals.get("event_type") != "note" or set(vals) - USER_NOTE_FIELDS:
            raise AccessError(
                _(
                    "Collection actions are recorded by the collection run and "
                    "the documents' buttons; you can only add notes."
                )
            )

    def write(self, vals):
        if not self.env.su:
            raise AccessError(_("The collection history cannot be changed."))
        return super().write(vals)

    @api.model
    def _prepare_log_vals(
        self,
        company,
        partner,
        event_type,
        message=None,
        html=None,
        channel="system",
        automatic=None,
        **values,
    ):
        """Values of one history event written by the code (not a step
        action of the engine, see its ``_claim_events``): ``message`` is an
        ``_lt`` term shown in the reader's language, ``html`` text typed by a
        user; ``automatic`` True: by the run (no user), False: by the current
        user, None: the defaults."""
        vals = {
            "company_id": company.id,
            "partner_id": partner.id,
            "event_type": event_type,
            "channel": channel,
            **values,
        }
        if automatic is not None:
            vals["origin"] = "automatic" if automatic else "manual"
            vals["user_id"] = False if automatic else self.env.uid
        if message is not None:
            vals.update(self._message_vals(message, html))
        return vals

    @api.model
    def _log(self, vals_list):
        """Record history events written by the code (see
        ``_prepare_log_vals``): inserted in one statement per thousand, as
        ``create`` would store them, without building each record in Python
        (a run logs a demand's every step on each of its documents)."""
        if not vals_list:
            return self.browse()
        vals_list = self._complete_vals([dict(vals) for vals in vals_list])
        names = set().union(*vals_list)
        if any(not self._fields[name].column_type for name in names):
            # sudo: see below
            return self.sudo().create(vals_list)
        # History written as superuser: the history records what a permitted
        # user, a document's workflow or the engine did; users cannot write it
        # themselves (this INSERT is that sudo()).
        return insert_rows(self, vals_list)

    @api.model
    def _complete_vals(self, vals_list):
        """Hook: complete the values of new events, whichever way they are
        written (``create`` or ``_log``); returns ``vals_list``."""
        return vals_list

    def _totals_less_credits(self, credits):
        """[(currency, documents, open credits, net due)] per currency of
        these events' documents, company currency first: what a message or
        an activity note totals under its documents (``credits``:
        ``debt.collection.credit`` records, saved or not)."""
        credited = credits._totals_by_currency()
        company_currency = self.company_id[:1].currency_id
        totals = []
        for currency in self.document_currency_id.sorted(
            lambda c: (c != company_currency, c.name)
        ):
            documents = sum(
                self.filtered(lambda e, c=currency: e.document_currency_id == c).mapped(
                    "amount_residual_currency"
                )
            )
            credit = credited.get(currency, 0.0)
            totals.append((currency, documents, credit, documents - credit))
        return totals

    def _on_steps_done(self):
        """Hook: these events record a finished collection step, an action
        done (by the engine once the handler succeeded, or by the delivery
        once the channel confirmed it) or a step of a document's workflow (a
        demand approved, sent, closed). Satellites extend it with super()
        (the desk moves its cases); it is called explicitly by whoever
        finished the step, whether the events were inserted by the engine's
        SQL or created by the ORM."""
        return True

    def _get_document_stage(self):
        """How far the collection document this event records has gone:
        "demand", "final_demand" or "legal" (handed over), or None. Addons of
        collection documents extend it; the desk moves its cases with it."""
        self.ensure_one()
        return None

    def _prepare_fallback_vals(self, channel, state, **values):
        """An action taken instead of this one, whose message failed: same
        document, step and amounts, no exactly-once key of its own."""
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "move_id": self.move_id.id,
            "step_id": self.step_id.id,
            "policy_id": self.policy_id.id,
            "event_type": "action",
            "channel": channel,
            "state": state,
            "origin": "automatic",
            "user_id": False,
            "scheduled_date": self.scheduled_date,
            "date_maturity": self.date_maturity,
            "days_overdue": self.days_overdue,
            "amount_residual": self.amount_residual,
            "document_currency_id": self.document_currency_id.id,
            "amount_residual_currency": self.amount_residual_currency,
            "amount_original_currency": self.amount_original_currency,
            "note": _("Instead of the message that could not be delivered."),
            **values,
        }

    @api.model
    def _get_failed_delivery_domain(self):
        """Actions whose message did not reach the customer (the "Failed
        deliveries" of the history, the customer, the document and the desk)."""
        return [("state", "=", "failed"), ("channel", "in", ("email", "letter", "sms"))]

    def _record_outcome(self, state, reason, error):
        """Failed or skipped actions; a failed one is retried by the next runs
        after a pause (15 min, 1 h, 4 h, then daily) until the company's retry
        period, counted from its first failure, is over."""
        vals = {"state": state, "reason": reason, "error": error}
        if state != "failed":
            return self.write(vals)
        now = fields.Datetime.now()
        days = self.company_id[:1].debt_collection_retry_days
        groups = {}
        for event in self:
            until = event.retry_until or delivery_rules.retry_deadline(now, days)
            when = delivery_rules.next_attempt(now, event.attempts, until)
            groups.setdefault((until, when), self.browse())
            groups[until, when] |= event
        for (until, when), events in groups.items():
            events.write(dict(vals, retry_until=until, next_retry=when))
        return True

    @api.depends("note", "note_message")
    @api.depends_context("lang")
    def _compute_note_display(self):
        for event in self:
            event.note_display = (
                event._render_message(event.note_message)
                if event.note_message
                else event.note
            )

    # Notes written by the code, in the reader's language ---------------------

    @api.model
    def _message_vals(self, message, html=None):
        """{note, note_message} of a note written by the code: ``message`` is
        an ``_lt`` term with its values (dates, records, selection labels,
        other terms); ``html`` is text typed by a user, added as it is. The
        note is kept in the writer's language, and shown (``note_display``)
        in the reader's."""
        note_message = {"message": _serialize(message)}
        if html:
            note_message["html"] = str(html)
        return {
            "note": self._render_message(note_message),
            "note_message": note_message,
        }

    @api.model
    def _render_message(self, note_message):
        text = self._render_value(note_message["message"])
        if note_message.get("html"):
            text = Markup("%s<br/>%s") % (text, Markup(note_message["html"]))
        return text

    @api.model
    def _translate_term(self, module, source):
        lang = self.env.lang or "en_US"
        translated = get_translation(module, lang, source, ())
        if translated == source and module == "debt_collection":
            # History written before 18.0.1.3.0 names debt_collection for
            # terms that left with the addons split out of it.
            for addon in SPLIT_ADDONS:
                translated = get_translation(addon, lang, source, ())
                if translated != source:
                    break
        return translated

    @api.model
    def _render_value(self, value):
        if not isinstance(value, dict):
            return value
        if "term" in value:
            module, source = value["term"]
            args = {key: self._render_value(v) for key, v in value["args"].items()}
            translated = escape(self._translate_term(module, source))
            return translated % args if args else translated
        if "date" in value:
            return format_date(self.env, value["date"])
        if "record" in value:
            model, record_id = value["record"]
            # sudo: a name quoted in the history, shown to whoever reads it.
            return self.env[model].sudo().browse(record_id).exists().display_name or ""
        if "selection" in value:
            model, field, key = value["selection"]
            labels = dict(
                self.env[model]._fields[field]._description_selection(self.env)
            )
            return labels.get(key, key or "")
        return value

    @api.depends("event_type", "step_id", "partner_id", "move_id")
    def _compute_display_name(self):
        types = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            what = event.step_id.name or types.get(event.event_type)
            target = event.move_id.name or event.partner_id.display_name
            event.display_name = f"{what} - {target}"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if not self.env.is_superuser() and self.filtered(
            lambda e: e.event_type != "note"
        ):
            raise UserError(
                _("The collection history cannot be deleted; only notes can.")
            )

    def action_open_source(self):
        """Open the document the event is about (or its customer)."""
        self.ensure_one()
        record = self._get_source_record()
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }

    def _get_source_record(self):
        """The document the event is about (or its customer); addons with
        documents of their own put theirs before the message."""
        self.ensure_one()
        return self.move_id or self.notice_id or self.partner_id


def _serialize(value):
    """A value of an event message as JSON (see ``_render_value``)."""
    if isinstance(value, LazyGettext):
        return {
            "term": [value._module, value._source],
            "args": {key: _serialize(v) for key, v in dict(value._args or {}).items()},
        }
    if isinstance(value, SelectionLabel):
        return {"selection": [value.model, value.field, value.value]}
    if isinstance(value, BaseModel):
        return {"record": [value._name, value.id]}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value
