"""The step actions of the core: reminders (e-mail) and activities."""

from datetime import timedelta

from odoo import fields, models

from .debt_collection_template import batch_formatters

# What messages and activity notes show of the events (read in one go).
EVENT_FIELDS_SHOWN = [
    "move_id",
    "move_line_id",
    "date_maturity",
    "days_overdue",
    "amount_residual",
    "amount_residual_currency",
    "amount_original_currency",
    "document_currency_id",
]


class DebtCollectionEngine(models.AbstractModel):
    # One model in four files on purpose, a stage of the pipeline each (see
    # ARCHITECTURE.md, "The engine: a pipeline").
    _inherit = "debt.collection.engine"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Step actions: one method per action, named _execute_action_<action>.
    # They receive [(partner, events)] and the StepContext (tools/context.py),
    # and return {event id: (reason, error)} for the events that failed; the
    # others are done.
    # ------------------------------------------------------------------

    def _execute_action_reminder(self, step, groups, context):
        return self._send_notices(step, groups, context.run_date, context.run)

    def _execute_action_activity(self, step, groups, context):
        run_date = context.run_date
        failures, vals_list, events_list = {}, [], []
        partner_model = self.env["ir.model"]._get_id("res.partner")
        activity_type = step.activity_type_id or self.env.ref(
            "mail.mail_activity_data_todo"
        )
        # What the activity notes show, read for all the customers at once.
        all_events = self.env["debt.collection.event"].concat(*(e for _p, e in groups))
        all_events.fetch(EVENT_FIELDS_SHOWN)
        all_events.move_id.fetch(["name"])
        partners = self.env["res.partner"].concat(*(p for p, _e in groups))
        users = self._get_activity_users(step, partners)
        self.env["res.users"].concat(*users.values()).mapped("lang")  # one read
        formats_by_lang = {}
        credits = self.env["debt.collection.ledger"]._open_credits(
            self.env.company, partners.ids
        )
        self.env["account.move"].browse(
            {c.move_id for cs in credits.values() for c in cs if c.move_id}
        ).fetch(["name"])
        for partner, events in groups:
            user = users[partner.id]
            if not user:
                failures.update({event.id: ("no_assignee", False) for event in events})
                continue
            # Written in the language of the collector who reads it.
            lang = user.lang or self.env.lang
            if lang not in formats_by_lang:
                formats_by_lang[lang] = batch_formatters(
                    self.with_context(lang=lang).env
                )
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "summary": step.activity_summary or step.name,
                    "note": self.env["ir.qweb"]
                    .with_context(lang=lang)
                    ._render(
                        "debt_collection.activity_note",
                        {
                            "events": events,
                            "run_date": run_date,
                            **self._get_activity_note_credits(
                                events, credits.get(partner.id, [])
                            ),
                            **formats_by_lang[lang],
                        },
                    ),
                    "user_id": user.id,
                    "date_deadline": run_date
                    + timedelta(days=step.activity_deadline_days),
                }
            )
            events_list.append(events)
        # sudo: a collector may assign an activity to another user on a
        # customer they may not edit; the step decided who gets it. No
        # "assigned to you" e-mail per activity: a run may open hundreds, and
        # they are listed in the collector's activities.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        for activity, events in zip(activities, events_list, strict=True):
            events.sudo().write({"activity_id": activity.id})  # sudo: history
        return failures

    def _get_activity_note_credits(self, events, open_credits):
        """What an activity note shows under its documents, as the e-mails
        do: the customer's open credits in the documents' currencies
        (``credits``, unsaved ``debt.collection.credit`` records) and the
        totals of the currencies with credits (``net_totals``, see
        ``_totals_less_credits``). A collector phoning about 1,230.00 must
        know 230.00 of it is already credited."""
        Credit = self.env["debt.collection.credit"]
        vals_list = Credit._prepare_vals_list(
            self.env.company, open_credits, set(events.document_currency_id.ids)
        )
        credits = Credit.concat(*(Credit.new(vals) for vals in vals_list))
        net_totals = [t for t in events._totals_less_credits(credits) if t[2]]
        return {"credits": credits, "net_totals": net_totals}

    def _get_activity_users(self, step, partners):
        """{customer id: res.users} who gets the step's activity, for all
        ``partners`` at once (an empty recordset: nobody); the desk gives
        each customer's case collector."""
        users = {}
        for partner in partners:
            if step.activity_user_rule == "fixed":
                user = step.activity_user_id
            elif step.activity_user_rule == "salesperson":
                user = partner.user_id
            else:
                user = partner.debt_collection_user_id
            users[partner.id] = (
                user
                or partner.company_id.debt_collection_user_id
                or self.env.company.debt_collection_user_id
            )
        return users

    # E-mail ---------------------------------------------------------------

    def _get_notice_recipients(self, step, partner):
        """(to, cc) partners of a message, by the step's rules (which live on
        the partner)."""
        return partner._debt_collection_recipients(
            step.recipient_rule, step.cc_collection_contacts, step.cc_responsible
        )

    def _get_letter_recipients(self, partner):
        """Kept for the addons that call it: the rule is on the partner
        (``res.partner._debt_collection_letter_recipients``)."""
        return partner._debt_collection_letter_recipients()

    def _get_responsible(self, partner):
        return partner._debt_collection_responsible()

    def _prepare_notice_vals(self, step, partner, events, run_date, run, to, cc):
        if step.pay_by_days:
            pay_by = run_date + timedelta(days=step.pay_by_days)
        else:
            pay_by = max(events.mapped("date_maturity"))
        return {
            "company_id": self.env.company.id,
            "partner_id": partner.id,
            "step_id": step.id,
            "run_id": run.id,
            "date": run_date,
            "pay_by_date": pay_by,
            "user_id": self._get_responsible(partner).id,
            "recipient_ids": [fields.Command.set(to.ids)],
            "cc_partner_ids": [fields.Command.set(cc.ids)],
        }

    def _send_notices(self, step, groups, run_date, run):
        """Queue one e-mail per customer listing its documents due for ``step``."""
        failures, vals_list, events_list = {}, [], []
        # Read the recipients of all the customers at once, not one by one.
        partners = self.env["res.partner"].concat(*(p for p, _e in groups))
        partners.fetch(
            [
                "email",
                "child_ids",
                "debt_collection_contact_ids",
                "debt_collection_user_id",
            ]
        )
        (partners.child_ids | partners.debt_collection_contact_ids).fetch(
            ["type", "email"]
        )
        self.env["debt.collection.event"].concat(*(e for _p, e in groups)).fetch(
            EVENT_FIELDS_SHOWN
        )
        for partner, events in groups:
            to, cc = self._get_notice_recipients(step, partner)
            if not to:
                failures.update({event.id: ("no_recipient", False) for event in events})
                continue
            vals_list.append(
                self._prepare_notice_vals(step, partner, events, run_date, run, to, cc)
            )
            events_list.append(events)
        if not vals_list:
            return failures
        # sudo: the engine records what it sends; users cannot create messages.
        notices = self.env["debt.collection.notice"].sudo().create(vals_list)
        for notice, events in zip(notices, events_list, strict=True):
            events.sudo().write({"notice_id": notice.id})  # sudo: history
        if step.net_credits:
            self.env["debt.collection.credit"]._attach(notices, "notice_id")
        # No notification layout: the template is the whole letter, without
        # Odoo's "view record" buttons or follower footer.
        mails = step.mail_template_id._debt_collection_queue_mails(notices.ids)
        for notice, mail in zip(notices, mails, strict=True):
            notice.mail_message_id = mail.mail_message_id
        if step.attach_invoices:
            self.env["account.move"]._debt_collection_attach_invoices(
                notices, mails, lambda notice: notice.event_ids.move_id
            )
        self.env["debt.collection.delivery"]._track_mails(mails, events_list)
        return failures
