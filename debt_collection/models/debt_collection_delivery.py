from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL, html2plaintext

from ..tools import delivery as delivery_rules

COLLECTION_MAIL_MODELS = ("debt.collection.notice",)


class DebtCollectionDelivery(models.Model):
    """One collection message on its way to the customer: an e-mail or a
    letter (an SMS with debt_collection_sms).

    It is *queued* until its channel confirms it, then *sent* or *failed*
    with the reason; the collection events it carries follow it (queued,
    done, failed). It keeps what left as it left: sender, addresses, subject,
    body and attachments, so the history shows exactly what the customer got.
    Only the engine writes deliveries (with sudo); users read them.
    """

    _name = "debt.collection.delivery"
    _description = "Collection Message Delivery"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Letter")], required=True, index=True
    )
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
        required=True,
        default="queued",
        index=True,
    )
    failure = fields.Selection(
        [
            (delivery_rules.REFUSED, "Recipient refused"),
            (delivery_rules.INVALID_ADDRESS, "Invalid or missing address"),
            (delivery_rules.BOUNCE, "Bounced"),
            (delivery_rules.EXPIRED, "Not delivered within the retry period"),
            (delivery_rules.ERROR, "Error"),
        ],
        string="Why It Failed",
    )
    error = fields.Text("Details", help="What the server or the gateway answered.")
    attempts = fields.Integer(help="Attempts that failed for a passing reason.")
    next_retry = fields.Datetime("Next Attempt")
    retry_until = fields.Datetime(
        help="Passing failures are retried until this moment (the company's "
        "retry period, counted from the first failure)."
    )
    sent_date = fields.Datetime("Sent On", index=True)
    failed_date = fields.Datetime("Failed On", index=True)
    step_id = fields.Many2one("debt.collection.step", ondelete="set null")
    notice_id = fields.Many2one(
        "debt.collection.notice", string="Message", index="btree_not_null"
    )
    event_ids = fields.One2many(
        "debt.collection.event", "delivery_id", string="Collection Actions"
    )
    move_ids = fields.Many2many(
        "account.move", string="Documents", compute="_compute_move_ids"
    )
    activity_id = fields.Many2one(
        "mail.activity", string="Follow-up Activity", ondelete="set null"
    )
    # What left. The mail.mail is kept (not auto-deleted) for the technical
    # menu; the copy below is what users read.
    mail_id = fields.Many2one(
        "mail.mail",
        string="Outgoing E-mail",
        ondelete="set null",
        index="btree_not_null",
        groups="base.group_system",
    )
    mail_message_id = fields.Many2one(
        "mail.message", ondelete="set null", index="btree_not_null"
    )
    email_from = fields.Char("From")
    email_to = fields.Char("To")
    email_cc = fields.Char("Cc")
    subject = fields.Char()
    body_html = fields.Text(
        "Body as Sent", help="The HTML that left, byte for byte (for disputes)."
    )
    body = fields.Html(compute="_compute_body", sanitize=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "debt_collection_delivery_attachment_rel",
        "delivery_id",
        "attachment_id",
        string="Attachments",
    )

    @api.depends("event_ids.move_id")
    def _compute_move_ids(self):
        for delivery in self:
            delivery.move_ids = delivery.event_ids.move_id

    @api.depends("body_html")
    def _compute_body(self):
        for delivery in self:
            delivery.body = delivery.body_html

    @api.depends("channel", "partner_id", "create_date")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for delivery in self:
            delivery.display_name = " - ".join(
                filter(
                    None,
                    [
                        channels.get(delivery.channel),
                        delivery.partner_id.display_name,
                        delivery.subject,
                    ],
                )
            )

    # Creating -------------------------------------------------------------

    @api.model
    def _track_mails(self, mails, events_list):
        """Deliveries of collection e-mails just queued (``mails``, with the
        events each one carries): the events are queued until the mail
        server takes the e-mail; the e-mail is kept after sending."""
        mails = mails.sudo()  # sudo: mail.mail is for administrators
        mails.auto_delete = False
        self._prefetch_events(events_list)
        sources = self._get_sources(mails.mapped(lambda m: (m.model, m.res_id)))
        vals_list = []
        for mail, events in zip(mails, events_list, strict=True):
            vals_list.append(
                {
                    **self._prepare_source_vals(sources[mail.model, mail.res_id]),
                    "channel": "email",
                    "step_id": events.step_id[:1].id,
                    "mail_id": mail.id,
                    "mail_message_id": mail.mail_message_id.id,
                    "email_from": mail.email_from,
                    "email_to": mail.email_to,
                    "email_cc": mail.email_cc,
                    "subject": mail.subject,
                    "body_html": mail.body_html,
                    "attachment_ids": [fields.Command.set(mail.attachment_ids.ids)],
                }
            )
        # sudo: deliveries are written by the engine only (no ACL for users).
        deliveries = self.sudo().create(vals_list)
        deliveries._link_events(events_list)
        # The mail queue runs hourly: ask it to send these now.
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return deliveries

    @api.model
    def _track_letters(self, demands, events_list, state="queued"):
        """Letter deliveries of ``demands``: queued until printed for posting
        (``state="sent"`` when they are being printed now)."""
        now = fields.Datetime.now()
        self._prefetch_events(events_list)
        vals_list = [
            {
                **self._prepare_source_vals(demand.sudo()),  # sudo: as below
                "channel": "letter",
                "state": state,
                "sent_date": now if state == "sent" else False,
                "step_id": events.step_id[:1].id,
                "subject": demand.display_name,
            }
            for demand, events in zip(demands, events_list, strict=True)
        ]
        # sudo: deliveries are written by the engine only (no ACL for users).
        deliveries = self.sudo().create(vals_list)
        deliveries._link_events(events_list)
        return deliveries

    def _get_sources(self, references):
        """{(model, id): record} of the messages' documents (notices and
        demands), read together."""
        ids_by_model = defaultdict(list)
        for model, res_id in references:
            ids_by_model[model].append(res_id)
        return {
            (model, record.id): record
            for model, ids in ids_by_model.items()
            # sudo: the engine records what it sends.
            for record in self.env[model].sudo().browse(ids)
        }

    def _prepare_source_vals(self, record):
        """Company, customer and source document of a message."""
        vals = {"company_id": record.company_id.id, "partner_id": record.partner_id.id}
        if record._name == "debt.collection.notice":
            vals["notice_id"] = record.id
        return vals

    def _prefetch_events(self, events_list):
        """Read what linking reads (and what the writes' recomputations
        need) for the events of all the messages at once."""
        self.env["debt.collection.event"].concat(*events_list).fetch(
            ["step_id", "state", "delivery_id", "run_id", "notice_id", "move_id"]
        )

    def _link_events(self, events_list):
        done = self.env["debt.collection.event"]
        for delivery, events in zip(self, events_list, strict=True):
            if not events:
                continue
            values = {"delivery_id": delivery.id}
            if delivery.state == "queued":
                values["state"] = "queued"
            elif delivery.state == "sent":
                values["state"] = "done"
                done |= events
            events.sudo().write(values)  # sudo: history
        done.sudo()._on_steps_done()  # sudo: as the history's writes above

    # Outcomes ---------------------------------------------------------------

    def _lock(self, states):
        """The deliveries still in ``states``, locked: two workers (the mail
        queue and the bounce handler, say) never record one outcome twice."""
        if not self:
            return self
        self.flush_recordset()
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM debt_collection_delivery
                    WHERE id = ANY(%s) AND state = ANY(%s)
                      FOR UPDATE""",
                self.ids,
                list(states),
            )
        )
        self.invalidate_recordset()
        return self.browse([row[0] for row in rows])

    def _mark_sent(self):
        """The channel took the messages: sent, and their actions done."""
        deliveries = self._lock(("queued", "failed"))
        if not deliveries:
            return deliveries
        deliveries.write(
            {
                "state": "sent",
                "sent_date": fields.Datetime.now(),
                "failure": False,
                "next_retry": False,
            }
        )
        # sudo: history
        done = deliveries.event_ids.sudo().filtered(
            lambda e: e.state in ("queued", "failed")
        )
        done.write({"state": "done", "reason": False, "error": False})
        done._on_steps_done()
        return deliveries

    def _retry_later(self, error):
        """A passing failure: try again after a pause, or give up when the
        company's retry period is over. Returns the deliveries retried."""
        now = fields.Datetime.now()
        retried = self.browse()
        expired = self.browse()
        for delivery in self._lock(("queued",)):
            retry_until = delivery.retry_until or delivery_rules.retry_deadline(
                now, delivery.company_id.debt_collection_retry_days
            )
            attempts = delivery.attempts + 1
            when = delivery_rules.next_attempt(now, attempts, retry_until)
            if when is None:
                expired |= delivery
                continue
            delivery.write(
                {
                    "attempts": attempts,
                    "retry_until": retry_until,
                    "next_retry": when,
                    "error": error,
                }
            )
            retried |= delivery
        retried._schedule_retry()
        if expired:
            expired._fail(
                delivery_rules.EXPIRED,
                _(
                    "Still not delivered at the end of the retry period. Last "
                    "error: %(error)s",
                    error=error,
                ),
            )
        return retried

    def _schedule_retry(self):
        """Put the e-mails back in Odoo's mail queue for their next attempt,
        and have the queue run then (once per moment, however many e-mails
        wait for it: an outage makes thousands)."""
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        triggered = self.env.cr.cache.setdefault("debt_collection_mail_retries", set())
        for delivery in self.filtered(lambda d: d.channel == "email"):
            delivery.sudo().mail_id.write(  # sudo: mail.mail, administrators
                {"state": "outgoing", "scheduled_date": delivery.next_retry}
            )
            if delivery.next_retry not in triggered:
                triggered.add(delivery.next_retry)
                cron._trigger(at=delivery.next_retry)

    def _fail(self, failure, error, reason="delivery_failed"):
        """Failed for good: the actions are failed with ``reason``, the
        collector gets an activity and the step's fallback channel takes
        over. Returns the deliveries that failed now."""
        deliveries = self._lock(("queued", "sent"))
        if not deliveries:
            return deliveries
        labels = dict(self._fields["failure"]._description_selection(self.env))
        deliveries.write(
            {
                "state": "failed",
                "failure": failure,
                "error": error,
                "failed_date": fields.Datetime.now(),
                "next_retry": False,
            }
        )
        text = f"{labels[failure]}: {error}" if error else labels[failure]
        deliveries.event_ids.sudo().filtered(
            lambda e: e.state in ("queued", "done")
        ).write({"state": "failed", "reason": reason, "error": text})  # sudo: history
        deliveries._revert_documents(text)
        deliveries._follow_up()
        return deliveries

    def _revert_documents(self, text):
        """Hook: the deliveries failed for good (``text`` says why); addons
        put the documents they carried back (e.g. a demand not sent)."""
        return True

    # Following up a failure ---------------------------------------------

    def _follow_up(self):
        """Failed for good: an activity for the collector of each delivery
        (a phone call when the step falls back to the phone), then the step's
        fallback channel."""
        groups = defaultdict(self.browse)
        for delivery in self:
            key = (delivery.company_id, delivery.step_id.fallback_channel)
            groups[key] |= delivery
        for (company, fallback), deliveries in groups.items():
            deliveries = deliveries.with_company(company)
            deliveries._open_failure_activities(phone=fallback == "phone")
            if fallback:
                getattr(deliveries, f"_fallback_{fallback}")()

    def _open_failure_activities(self, phone=False):
        activity_type = self.env.ref(
            "mail.mail_activity_data_call" if phone else "mail.mail_activity_data_todo"
        )
        summary = (
            _("Call the customer: a collection message was not delivered")
            if phone
            else _("Collection message not delivered")
        )
        engine = self.env["debt.collection.engine"]
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list, followed = [], self.browse()
        for delivery in self:
            user = engine._get_responsible(delivery.partner_id)
            if not user:
                continue
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": delivery.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": delivery._get_failure_note(),
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
            followed |= delivery
        # sudo: the collector gets the follow-up, whoever noticed the failure
        # (the mail queue, a bounce).
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for delivery, activity in zip(followed, activities, strict=True):
            delivery.activity_id = activity

    def _get_failure_note(self):
        self.ensure_one()
        note = Markup("<p>%s</p><p>%s</p>") % (
            self.display_name,
            self._get_failure_summary(),
        )
        if self.move_ids:
            documents = ", ".join(self.move_ids.mapped("name"))
            note += Markup("<p>%s</p>") % _(
                "Documents: %(documents)s", documents=documents
            )
        return note

    def _create_fallback_events(self, channel, state, values_by_delivery=None):
        """The actions taken instead of the failed ones: same documents,
        steps and amounts, no exactly-once key of their own (the failed
        actions keep it)."""
        values_by_delivery = values_by_delivery or {}
        vals_list = [
            event._prepare_fallback_vals(
                channel, state, **values_by_delivery.get(delivery.id, {})
            )
            for delivery in self
            for event in delivery.event_ids
        ]
        return self.env["debt.collection.event"]._log(vals_list)

    def _fallback_phone(self):
        """The collector calls: the call activity is the action."""
        self._create_fallback_events(
            "phone", "done", {d.id: {"activity_id": d.activity_id.id} for d in self}
        )

    # Odoo's mail queue and bounces ---------------------------------------

    @api.model
    @api.model
    def _get_collection_mail_models(self):
        """The models whose e-mails are followed to their delivery (other
        addons add theirs)."""
        return COLLECTION_MAIL_MODELS

    def _on_mails_processed(self, mails, failure_type=None):
        """Follow the collection e-mails Odoo just tried to send."""
        # sudo: the mail queue's outcome, whoever runs it.
        deliveries = self.sudo().search([("mail_id", "in", mails.ids)])
        for delivery in deliveries:
            delivery._apply_mail_outcome(failure_type or delivery.mail_id.failure_type)

    def _apply_mail_outcome(self, failure_type):
        """Sent, retried later or failed, as the state of the mail says."""
        self.ensure_one()
        mail = self.mail_id
        if mail.state == "sent":
            self._mark_sent()
        elif mail.state == "exception":
            error = mail.failure_reason or ""
            outcome = delivery_rules.classify_mail_failure(failure_type, error)
            if outcome.transient:
                self._retry_later(error)
            else:
                self._fail(outcome.failure, error)

    @api.model
    def _on_bounce(self, message, bounced_email, body):
        """A bounce of a collection e-mail (Odoo's bounce handling)."""
        # sudo: the mail gateway's outcome.
        deliveries = self.sudo().search([("mail_message_id", "=", message.id)])
        for delivery in deliveries:
            addresses = delivery_rules.split_addresses(delivery.email_to)
            if bounced_email and addresses and bounced_email not in addresses:
                # A copy bounced; the customer's own address did not.
                continue
            details = html2plaintext(body or "").strip()[:2000]
            delivery._fail(
                delivery_rules.BOUNCE,
                _(
                    "%(address)s: %(details)s",
                    address=bounced_email or _("unknown address"),
                    details=details,
                ),
            )

    @api.model
    def _cron_follow_up(self):
        """Every 15 minutes: e-mails Odoo left behind without an outcome (the
        worker stopped while sending, or someone cancelled or deleted them)."""
        # sudo: a system cron over every company.
        queued = self.sudo().search(
            [("channel", "=", "email"), ("state", "=", "queued")]
        )
        lost = queued.filtered(lambda d: not d.mail_id)
        lost._fail(
            delivery_rules.ERROR, _("The e-mail was deleted before it was sent.")
        )
        cancelled = queued.filtered(lambda d: d.mail_id.state == "cancel")
        cancelled._fail(
            delivery_rules.ERROR, _("The e-mail was cancelled before it was sent.")
        )
        for delivery in queued.filtered(
            lambda d: d.mail_id.state in ("exception", "sent")
        ):
            # No failure type: the worker stopped before Odoo recorded why,
            # the server never confirmed the e-mail; send it again.
            delivery._apply_mail_outcome(delivery.mail_id.failure_type or "mail_smtp")

    # Views ---------------------------------------------------------------

    def action_open_source(self):
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
        """The document the delivery carried (or its customer); addons with
        documents of their own put theirs first."""
        self.ensure_one()
        return self.notice_id or self.partner_id

    def _get_failure_summary(self):
        """One line per delivery for notes and reports."""
        labels = dict(self._fields["failure"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        return Markup("<br/>").join(
            Markup("%s: %s") % (channels.get(d.channel), labels.get(d.failure) or "")
            + (Markup(" (%s)") % d.error if d.error else "")
            for d in self
        )
