from collections import Counter

from odoo import api, fields, models


class DebtCollectionRun(models.Model):
    """One pass of the engine over a company: what it did, for the report."""

    _name = "debt.collection.run"
    _description = "Debt Collection Run"
    _order = "id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Date("Run Date", required=True)
    origin = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual")],
        required=True,
        default="automatic",
    )
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    policy_ids = fields.Many2many(
        "debt.collection.policy",
        string="Policies",
        help="The policies whose sending calendar allowed this automatic run.",
    )
    batch_ids = fields.One2many("debt.collection.batch", "run_id", string="Batches")
    event_ids = fields.One2many("debt.collection.event", "run_id", string="Events")
    notice_ids = fields.One2many("debt.collection.notice", "run_id", string="Messages")
    done_count = fields.Integer("Done", compute="_compute_counts", store=True)
    queued_count = fields.Integer(
        "Queued",
        compute="_compute_counts",
        store=True,
        help="Messages handed to their channel that it has not confirmed yet.",
    )
    failed_count = fields.Integer("Failed", compute="_compute_counts", store=True)
    skipped_count = fields.Integer("Skipped", compute="_compute_counts", store=True)

    @api.depends("event_ids.state")
    def _compute_counts(self):
        counts = {
            (run.id, state): count
            for run, state, count in self.env["debt.collection.event"]._read_group(
                [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
            )
        }
        for run in self:
            run.done_count = counts.get((run.id, "done"), 0)
            run.queued_count = counts.get((run.id, "queued"), 0)
            run.failed_count = counts.get((run.id, "failed"), 0)
            run.skipped_count = counts.get((run.id, "skipped"), 0)

    @api.depends("date", "company_id")
    def _compute_display_name(self):
        for run in self:
            run.display_name = f"{run.company_id.name} {run.date}"

    def _finish(self):
        """Store the counts and send the report of automatic runs."""
        self._compute_counts()
        for run in self:
            if run.origin == "automatic" and run.event_ids:
                run._send_report()

    def _send_report(self):
        self.ensure_one()
        users = self.company_id.debt_collection_report_user_ids.filtered(
            lambda u: u.partner_id.email
        )
        if not users:
            return
        template = self.env.ref("debt_collection.mail_template_run_report")
        template.send_mail(
            self.id,
            email_values={"recipient_ids": [fields.Command.set(users.partner_id.ids)]},
        )

    def _counts_protected(self):
        """While workers record the events of a run, its counts are not
        recomputed (it is done once, when the run is finished): several
        workers writing the run's row at once would collide."""
        return self.env.protecting(
            [
                self._fields[name]
                for name in (
                    "done_count",
                    "queued_count",
                    "failed_count",
                    "skipped_count",
                )
            ],
            self,
        )

    def _get_report_lines(self):
        """[(step, channel label, state label, count)] for the report."""
        self.ensure_one()
        channels = dict(
            self.env["debt.collection.event"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        states = dict(
            self.env["debt.collection.event"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        counter = Counter(
            (event.step_id, event.channel, event.state) for event in self.event_ids
        )
        return [
            (step, channels.get(channel), states.get(state), count)
            for (step, channel, state), count in sorted(
                counter.items(), key=lambda kv: (kv[0][0].days, kv[0][0].id, kv[0][2])
            )
        ]

    def _get_failures(self):
        return self.event_ids.filtered(lambda e: e.state == "failed")

    def _get_delivery_failures(self):
        """Collection messages of the company that failed for good since the
        previous report: a run reports the failures that came after it."""
        self.ensure_one()
        previous = self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("origin", "=", "automatic"),
                ("id", "<", self.id),
            ],
            limit=1,
        )
        domain = [("company_id", "=", self.company_id.id), ("state", "=", "failed")]
        if previous:
            domain.append(("failed_date", ">=", previous.create_date))
        return self.env["debt.collection.delivery"].search(domain)

    def action_open_events(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "debt_collection.action_debt_collection_event"
        )
        action["domain"] = [("run_id", "in", self.ids)]
        action["context"] = {}
        return action
