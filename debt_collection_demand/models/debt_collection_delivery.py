from odoo import _, api, fields, models

from .debt_collection_step import DEMAND_MODEL


class DebtCollectionDelivery(models.Model):
    _inherit = "debt.collection.delivery"

    demand_id = fields.Many2one(
        "debt.collection.demand", index="btree_not_null", ondelete="set null"
    )

    @api.depends("demand_id.line_ids.move_id")
    def _compute_move_ids(self):
        result = super()._compute_move_ids()
        for delivery in self:
            delivery.move_ids |= delivery.demand_id.line_ids.move_id
        return result

    @api.model
    def _get_collection_mail_models(self):
        return super()._get_collection_mail_models() + (DEMAND_MODEL,)

    def _prepare_source_vals(self, record):
        vals = super()._prepare_source_vals(record)
        if record._name == DEMAND_MODEL:
            vals["demand_id"] = record.id
        return vals

    def _get_source_record(self):
        return self.demand_id or super()._get_source_record()

    def _revert_documents(self, text):
        """A demand whose e-mail never arrived was not sent: it goes back to
        approved, to be sent again or posted."""
        result = super()._revert_documents(text)
        demands = self.filtered(lambda d: d.channel == "email").demand_id
        # sudo: the outcome of a delivery, whoever's action noticed it.
        demands = demands.sudo().filtered(
            lambda d: d.state == "sent" and d.sent_by == "email"
        )
        if demands:
            demands._apply_transition(
                "undelivered",
                {"sent_by": False},
                _("E-mail not delivered (%(reason)s).", reason=text),
                "email",
            )
        return result

    def _fallback_letter(self):
        """The demand goes by post: a letter waits to be printed for posting."""
        deliveries = self.filtered("demand_id")
        demands = self.env["debt.collection.demand"].concat(
            *(delivery.demand_id for delivery in deliveries)
        )
        letters = self._track_letters(
            demands, [self.env["debt.collection.event"]] * len(demands)
        )
        for delivery, letter in zip(deliveries, letters, strict=True):
            letter.step_id = delivery.step_id
        deliveries._create_fallback_events(
            "letter",
            "queued",
            {
                d.id: {"delivery_id": letter.id}
                for d, letter in zip(deliveries, letters, strict=True)
            },
        )
        demands.sudo()._log_event(  # sudo: history
            _("E-mail not delivered: print it and send it by post.")
        )
