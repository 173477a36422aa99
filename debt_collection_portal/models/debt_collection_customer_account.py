"""What a customer sees of its account: the open items and open credits of
the collection ledger (``debt.collection.ledger``), per company and currency,
with days late and the interest due to date. The portal page, the statement
PDF and the statement e-mail all read it here, so they always agree with
each other and with the collection engine."""

from collections import defaultdict
from dataclasses import dataclass, field

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.debt_collection.tools.overdue import days_overdue

# Why an item is not chased now, as the customer reads it.
HOLD_STATUSES = {"dispute": "dispute", "promise": "promise", "payment": "payment"}


@dataclass
class AccountItem:
    """An open item: one installment of one document."""

    line: object  # account.move.line
    move: object  # account.move
    date: object  # issue date
    date_maturity: object
    days_late: int
    amount: float  # the item, document currency
    amount_due: float  # still due, document currency
    amount_due_company: float
    interest: float = 0.0  # late-payment interest due to date, document currency
    compensation: float = 0.0  # EU compensation for recovery costs
    status: str = "due"  # due, overdue, promise, dispute, payment, hold
    hold_until: object = False
    payable: bool = False  # can be paid online


@dataclass
class AccountCredit:
    """An open credit: an unapplied payment, a credit note, an advance."""

    line_id: int
    move: object
    kind: str
    date: object
    amount: float  # positive, document currency


@dataclass
class AccountSection:
    """The customer's account in one company and one currency."""

    company: object
    currency: object
    items: list = field(default_factory=list)
    credits: list = field(default_factory=list)

    def _sum(self, values):
        return self.currency.round(sum(values))

    @property
    def total_due(self):
        return self._sum(item.amount_due for item in self.items)

    @property
    def total_overdue(self):
        return self._sum(item.amount_due for item in self.items if item.days_late)

    @property
    def total_credits(self):
        return self._sum(credit.amount for credit in self.credits)

    @property
    def net_due(self):
        return self.currency.round(self.total_due - self.total_credits)

    @property
    def total_interest(self):
        return self._sum(item.interest for item in self.items)

    @property
    def total_compensation(self):
        return self._sum(item.compensation for item in self.items)

    @property
    def overdue_payable(self):
        """The overdue items that can be paid online now."""
        return [item for item in self.items if item.days_late and item.payable]


class DebtCollectionCustomerAccount(models.AbstractModel):
    _name = "debt.collection.customer.account"
    _description = "Customer Account (portal and statements)"

    @api.model
    def _get_sections(self, partner, companies, include_interest=False):
        """[AccountSection] of the commercial partner of ``partner`` in
        ``companies`` (those with something open), company by company, the
        company currency first. Reads the ledger with SQL: the caller decides
        who may see which customer and company."""
        partner = partner.commercial_partner_id
        sections = []
        for company in companies.sorted(lambda c: (c.sequence, c.name)):
            sections += self._company_sections(partner, company, include_interest)
        return sections

    def _company_sections(self, partner, company, include_interest):
        ledger = self.env["debt.collection.ledger"]
        today = company._debt_collection_today()
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT * FROM (%s) items ORDER BY date_maturity, id",
                ledger._lines_sql(
                    company.ids,
                    SQL(
                        "%s AND cp.id = %s", ledger._open_items_condition(), partner.id
                    ),
                ),
            )
        )
        credits = ledger._open_credits(company, [partner.id]).get(partner.id, [])
        if not rows and not credits:
            return []
        # sudo: the ledger already chose the lines of this customer; the
        # visitor may be a portal user or not logged in.
        Move = self.env["account.move"].sudo()
        moves = Move.browse(
            {row["move_id"] for row in rows} | {c.move_id for c in credits}
        )
        # Records taken from the recordset share its prefetching (browse(id)
        # would read each one alone).
        move_by_id = {move.id: move for move in moves}
        lines = self.env["account.move.line"].sudo().browse(row["id"] for row in rows)
        interest, compensation = (
            self._interest_to_date(partner, company, today)
            if include_interest and rows
            else ({}, {})
        )
        pending = self._moves_in_payment(moves)
        currencies = self.env["res.currency"].browse(
            {row["currency_id"] for row in rows} | {c.currency_id for c in credits}
        )
        sections = {
            currency.id: AccountSection(company, currency) for currency in currencies
        }
        compensated = set()
        for row, line in zip(rows, lines, strict=True):
            move = move_by_id[row["move_id"]]
            item = AccountItem(
                line=line,
                move=move,
                date=move.invoice_date or row["date"],
                date_maturity=row["date_maturity"],
                days_late=days_overdue(row["date_maturity"], today),
                amount=row["amount_original"],
                amount_due=row["amount_residual_currency"],
                amount_due_company=row["amount_residual"],
                interest=interest.get(row["id"], 0.0),
            )
            # The compensation is owed once per invoice: on its first item.
            key = row["id"] if row["id"] in compensation else ("move", move.id)
            if key in compensation and key not in compensated:
                item.compensation = compensation[key]
                compensated.add(key)
            self._set_status(item, move, today, row["id"] in pending)
            sections[row["currency_id"]].items.append(item)
        for credit in credits:
            sections[credit.currency_id].credits.append(
                AccountCredit(
                    line_id=credit.line_id,
                    move=move_by_id[credit.move_id],
                    kind=credit.kind,
                    date=credit.date,
                    amount=float(credit.amount_currency),
                )
            )
        return sorted(
            sections.values(),
            key=lambda s: (s.currency != company.currency_id, s.currency.name),
        )

    def _set_status(self, item, move, today, in_payment):
        held = (
            move.debt_collection_hold_until and move.debt_collection_hold_until >= today
        )
        if in_payment:
            item.status = "payment"
        elif held:
            item.status = HOLD_STATUSES.get(move.debt_collection_hold_reason, "hold")
            item.hold_until = move.debt_collection_hold_until
        else:
            item.status = "overdue" if item.days_late else "due"
        item.payable = not in_payment and self._is_payable(move)

    def _is_payable(self, move):
        """Invoices and interest notes are paid online; other entries (an
        opening balance holds many customers) are not."""
        return move.move_type == "out_invoice" or bool(
            move.debt_collection_interest_note_id
        )

    def _moves_in_payment(self, moves):
        """Ids of the receivable lines of ``moves`` with an online payment
        under way (pending or authorized, or done but not booked yet)."""
        transactions = moves.transaction_ids.filtered(
            lambda tx: (
                tx.state in ("pending", "authorized")
                or (tx.state == "done" and not tx.is_post_processed)
            )
        )
        return set(
            transactions.invoice_ids.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).ids
        )

    def _interest_to_date(self, partner, company, today):
        """({item id: interest}, {item id or ("move", id): compensation}) due
        to date and not yet charged by an interest note (document currency)."""
        calculator = self.env["debt.collection.interest.calculator"].sudo()
        proposals, _capped, _problems = calculator.with_company(
            company
        )._compute_proposals(company, today, partners=partner)
        interest, compensation = defaultdict(float), {}
        for values_list in proposals.values():
            for values in values_list:
                if values["line_type"] == "interest":
                    interest[values["move_line_id"]] += values["amount"]
                else:
                    key = values["move_line_id"] or ("move", values["invoice_id"])
                    compensation[key] = values["amount"]
        return interest, compensation
