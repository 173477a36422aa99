from odoo import fields, models
from odoo.tools.misc import formatLang

# Characters Odoo puts in formatted amounts that are not in the GSM alphabet.
_NON_GSM_SPACES = str.maketrans({"\xa0": " ", "\u202f": " "})


class DebtCollectionNotice(models.Model):
    _inherit = "debt.collection.notice"

    demand_id = fields.Many2one(
        "debt.collection.demand",
        string="Payment Demand Announced",
        readonly=True,
        index="btree_not_null",
    )
    interest_note_id = fields.Many2one(
        "debt.collection.interest.note",
        string="Interest Note Announced",
        readonly=True,
        index="btree_not_null",
    )

    # The demand or interest note an SMS announces.

    def _sms_announced_number(self):
        self.ensure_one()
        return (self.demand_id or self.interest_note_id).name or ""

    def _sms_announced_amount(self):
        """What the demand asks (per currency), or what is still due on the
        interest note."""
        self.ensure_one()
        if self.demand_id:
            return " + ".join(
                self._sms_amount(total, currency)
                for currency, total, _words in self.demand_id._get_totals()
            )
        note = self.interest_note_id
        return self._sms_amount(
            abs(note.move_id.amount_residual) if note.move_id else note.amount_total,
            note.currency_id,
        )

    def _sms_announced_pay_by(self):
        self.ensure_one()
        return self.demand_id.pay_by_date or self.interest_note_id.date_due

    # Helpers of the SMS templates (short texts, GSM alphabet where possible).

    def _sms_document_numbers(self, limit=2):
        """The documents' numbers, the first ``limit`` and "+N more" after."""
        self.ensure_one()
        names = sorted(set(self.event_ids.move_id.mapped("name")))
        if len(names) <= limit:
            return ", ".join(names)
        return self.env._(
            "%(names)s +%(count)s more",
            names=", ".join(names[:limit]),
            count=len(names) - limit,
        )

    def _sms_amount_due(self):
        """The amount still due per document currency, as "1,234.56 PLN"
        (ISO codes: currency symbols such as zł are not in the GSM alphabet);
        net of the open credits listed, which are named after it."""
        self.ensure_one()
        totals = self._get_totals()
        text = " + ".join(
            self._sms_amount(net, currency) for currency, _d, _c, net in totals
        )
        credits = [(currency, credit) for currency, _d, credit, _n in totals if credit]
        if credits:
            text = self.env._(
                "%(net)s (less your credits of %(credits)s)",
                net=text,
                credits=" + ".join(self._sms_amount(c, cur) for cur, c in credits),
            )
        return text

    def _sms_amount(self, amount, currency):
        return "{} {}".format(
            formatLang(self.env, amount, digits=currency.decimal_places).translate(
                _NON_GSM_SPACES
            ),
            currency.name,
        )

    def _sms_company_phone(self):
        self.ensure_one()
        return self.company_id.phone or self.company_id.mobile or ""
