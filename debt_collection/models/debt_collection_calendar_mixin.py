from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAY_FIELDS = (
    "debt_collection_send_mon",
    "debt_collection_send_tue",
    "debt_collection_send_wed",
    "debt_collection_send_thu",
    "debt_collection_send_fri",
    "debt_collection_send_sat",
    "debt_collection_send_sun",
)


class DebtCollectionCalendarMixin(models.AbstractModel):
    """Weekdays and hour at which the automatic collection run may send."""

    _name = "debt.collection.calendar.mixin"
    _description = "Debt Collection Sending Calendar"

    debt_collection_send_mon = fields.Boolean("Monday", default=True)
    debt_collection_send_tue = fields.Boolean("Tuesday", default=True)
    debt_collection_send_wed = fields.Boolean("Wednesday", default=True)
    debt_collection_send_thu = fields.Boolean("Thursday", default=True)
    debt_collection_send_fri = fields.Boolean("Friday", default=True)
    debt_collection_send_sat = fields.Boolean("Saturday")
    debt_collection_send_sun = fields.Boolean("Sunday")
    debt_collection_send_hour = fields.Integer(
        "Send From Hour",
        default=8,
        help="The automatic run sends on allowed days from this hour on "
        "(0-23, in the company's collection time zone).",
    )

    def _debt_collection_calendar_applies(self):
        """Whether this record's own calendar is used (the company's always is)."""
        return True

    @api.constrains(*WEEKDAY_FIELDS, "debt_collection_send_hour")
    def _check_debt_collection_calendar(self):
        for record in self.filtered(lambda r: r._debt_collection_calendar_applies()):
            if not any(record[name] for name in WEEKDAY_FIELDS):
                raise ValidationError(
                    _("Choose at least one weekday on which reminders may be sent.")
                )
            if not 0 <= record.debt_collection_send_hour <= 23:
                raise ValidationError(
                    _(
                        "The sending hour must be between 0 and 23, not %(hour)s.",
                        hour=record.debt_collection_send_hour,
                    )
                )

    def _debt_collection_weekdays(self):
        """ISO weekday numbers (1 = Monday) on which sending is allowed."""
        self.ensure_one()
        return {
            index for index, name in enumerate(WEEKDAY_FIELDS, start=1) if self[name]
        }
