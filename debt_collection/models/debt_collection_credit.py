from collections import defaultdict

from odoo import api, fields, models


class DebtCollectionCredit(models.Model):
    """An open credit of the customer (unreconciled credit note, unapplied
    payment or advance) as a collection message or a demand listed it: under
    the documents, subtracted from their total. Kept as it was shown."""

    _name = "debt.collection.credit"
    _description = "Open Credit Listed"
    _order = "date, id"

    notice_id = fields.Many2one(
        "debt.collection.notice", ondelete="cascade", index="btree_not_null"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", ondelete="set null"
    )
    move_id = fields.Many2one("account.move", string="Document", ondelete="set null")
    kind = fields.Selection(
        [
            ("credit_note", "Credit note"),
            ("payment", "Payment not yet applied"),
            ("other", "Other credit"),
        ],
        required=True,
    )
    date = fields.Date(required=True)
    currency_id = fields.Many2one("res.currency", required=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount = fields.Monetary(help="Open amount in the document currency.")
    amount_company = fields.Monetary(
        "Amount (Company Currency)", currency_field="company_currency_id"
    )

    @api.model
    def _attach(self, records, field_name):
        """List under ``records`` (messages or demands, one customer each) the
        customers' open credits in the currencies of their documents (one
        query per company)."""
        vals_list = []
        for company in records.company_id:
            company_records = records.filtered(lambda r, c=company: r.company_id == c)
            credits = self.env["debt.collection.ledger"]._open_credits(
                company, company_records.partner_id.ids
            )
            for record in company_records:
                vals_list += [
                    dict(vals, **{field_name: record.id})
                    for vals in self._prepare_vals_list(
                        company,
                        credits.get(record.partner_id.id, []),
                        set(record._get_document_currencies().ids),
                    )
                ]
        # sudo: the credits listed are part of what was sent; users do not
        # edit them.
        return self.sudo().create(vals_list)

    @api.model
    def _prepare_vals_list(self, company, credits, currency_ids=None):
        """Values of the credits (``OpenCredit`` of the ledger) in
        ``currency_ids`` (all when None)."""
        credits = [
            c for c in credits if currency_ids is None or c.currency_id in currency_ids
        ]
        return [
            {
                "company_id": company.id,
                "partner_id": credit.partner_id,
                "move_line_id": credit.line_id,
                "move_id": credit.move_id,
                "kind": credit.kind,
                "date": credit.date,
                "currency_id": credit.currency_id,
                "amount": float(credit.amount_currency),
                "amount_company": float(credit.amount),
            }
            for credit in credits
        ]

    def _totals_by_currency(self):
        """{currency: total in that currency} of these credits."""
        totals = defaultdict(float)
        for credit in self:
            totals[credit.currency_id] += credit.amount
        return totals
