"""A ledger as a Polish company has it, walked over 120 days.

A company on the Polish chart of accounts (l10n_pl) in PLN invoices with 23 %
VAT; its ledger holds installments (30/70), partial payments, an open and a
reconciled credit note, an unapplied payment, an advance, an opening-balance
entry with the balances of several customers and an EUR invoice paid at
another rate. A Billing clerk and an accountant do the accounting while the
collection runs every day; every customer's messages, demands and skips are
checked to the grosz.
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import requires_addon
from .test_credits import CreditsCase

D = date.fromisoformat


def _clerk(env, company, login, name, group):
    return new_test_user(
        env,
        login=login,
        name=name,
        email=f"{login}@windykacja.example.com",
        groups=f"base.group_user,{group}",
        company_id=company.id,
        company_ids=[Command.set(company.ids)],
    )


class LedgerCase(CreditsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = _clerk(
            cls.env,
            cls.company,
            "billing_ewa",
            "Billing Ewa",
            "account.group_account_invoice",
        )
        cls.accountant = _clerk(
            cls.env,
            cls.company,
            "accountant_piotr",
            "Accountant Piotr",
            "account.group_account_user",
        )

    def _register(self, invoice, amount, on, user, currency=None):
        """``user`` registers a payment of ``amount`` for ``invoice`` on ``on``."""
        values = {"amount": amount, "payment_date": on}
        if currency:
            values["currency_id"] = currency.id
        with freeze_time(f"{on} 11:00:00"):
            return (
                self.env["account.payment.register"]
                .with_user(user)
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(values)
                ._create_payments()
            )

    def _assign_credit(self, invoice, credit_move, user):
        """``user`` adds an outstanding credit to ``invoice`` (the widget)."""
        line = credit_move.line_ids.filtered(
            lambda x: x.account_id.account_type == "asset_receivable"
        )
        invoice.with_user(user).js_assign_outstanding_line(line.id)

    def _statement_payment(self, invoice, amount, on, user):
        """``user`` books a bank statement line and reconciles it with the
        invoice's receivable."""
        with freeze_time(f"{on} 11:00:00"):
            line = (
                self.env["account.bank.statement.line"]
                .with_user(user)
                .create(
                    {
                        "payment_ref": invoice.name,
                        "journal_id": self.company_data["default_journal_bank"].id,
                        "partner_id": invoice.partner_id.id,
                        "amount": amount,
                        "date": on,
                    }
                )
            )
            _liquidity, suspense, _other = line._seek_for_lines()
            receivable = invoice.line_ids.filtered(
                lambda x: x.account_id.account_type == "asset_receivable"
            )
            suspense.with_user(user).account_id = receivable.account_id
            (suspense | receivable).with_user(user).reconcile()
        return line


@tagged("post_install_l10n", "post_install", "-at_install")
class TestPolishLedger(LedgerCase):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("pl")
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.vat23 = cls.env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount", "=", 23),
                ("amount_type", "=", "percent"),
            ],
            limit=1,
        )
        assert company.chart_template == "pl" and cls.vat23, "the Polish chart"
        for day, pln in (("2026-02-01", 4.30), ("2026-03-20", 4.20)):
            cls.env["res.currency.rate"].create(
                {
                    "currency_id": cls.eur.id,
                    "company_id": company.id,
                    "name": day,
                    "company_rate": 1 / pln,
                }
            )
        cls.terms_30_70 = cls.env["account.payment.term"].create(
            {
                "name": "30 % w 14 dni, 70 % w 44 dni",
                "company_id": company.id,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30, "nb_days": 14}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70, "nb_days": 44}
                    ),
                ],
            }
        )
        partner = cls._partner
        cls.alfa = partner("Alfa Sp. z o.o.", vat="PL5260250274")
        cls.alfa_books = cls.env["res.partner"].create(
            {
                "name": "Księgowość Alfa",
                "type": "invoice",
                "parent_id": cls.alfa.id,
                "email": "ksiegowosc@alfa.example.com",
            }
        )
        cls.beta = partner("Beta S.A.")
        cls.gamma = partner("Gamma Sp. j.")
        cls.delta = partner("Delta Sp. z o.o.")
        cls.epsilon = partner("Epsilon S.A.")
        cls.zeta = partner("Zeta Sp. k.")
        cls.euro = partner("Euro Handel GmbH")
        cls.eta = partner("Eta Sp. z o.o.")
        cls.theta = partner("Theta Sp. z o.o.")

    @classmethod
    def _vat_invoice(cls, partner, net, invoice_date, due=None, **values):
        """An invoice of ``net`` + 23 % VAT issued on ``invoice_date``."""
        move = cls.env["account.move"].create(
            {
                "move_type": values.pop("move_type", "out_invoice"),
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Towar",
                            "quantity": 1,
                            "price_unit": net,
                            "tax_ids": [Command.set(cls.vat23.ids)],
                        }
                    )
                ],
                **values,
            }
        )
        move.action_post()
        return move

    def _notice_rows(self, partner):
        """(date, step, {currency: (listed, credits, net)}) of its messages."""
        return [
            (
                str(notice.date),
                notice.step_id.name,
                {c.name: (d, cr, n) for c, d, cr, n in notice._get_totals()},
            )
            for notice in self._notices(partner)
        ]

    def _demand_rows(self, partner):
        return [
            (
                str(demand.date),
                demand.kind,
                demand.state,
                {t[0].name: t[1] for t in demand._get_totals()},
                sorted(demand.line_ids.mapped("amount_due")),
                demand.credit_ids.mapped("amount"),
            )
            for demand in self._demands(partner)
        ]

    def _activity_rows(self, partner):
        """(deadline, assignee, note as text) of the collection activities
        opened on ``partner``, done ones included."""
        activities = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)],
                order="id",
            )
        )
        return [
            (
                str(activity.date_deadline),
                activity.user_id.login,
                " ".join(html2plaintext(activity.note).split()),
            )
            for activity in activities
        ]

    def _skips(self, partner):
        return [
            (str(e.scheduled_date), e.step_id.name, e.reason)
            for e in self._events(partner_id=partner.id, state="skipped")
        ]

    @requires_addon("debt_collection_demand")
    def test_120_days_of_collection_on_a_real_ledger(self):
        # Documents issued before the walk.
        alfa_invoice = self._vat_invoice(self.alfa, 1000.00, "2026-02-24", "2026-03-10")
        alfa_credit = self._vat_invoice(
            self.alfa, 186.99, "2026-03-05", "2026-03-05", move_type="out_refund"
        )
        beta_invoice = self._vat_invoice(self.beta, 500.00, "2026-02-24", "2026-03-10")
        gamma_invoice = self._vat_invoice(
            self.gamma,
            2000.00,
            "2026-03-01",
            invoice_payment_term_id=self.terms_30_70.id,
        )
        entry = self._entry(
            [
                (self.delta, 3000.00, "2026-02-15"),
                (self.epsilon, 1500.00, "2026-02-15"),
                (self.zeta, -200.00, "2026-02-15"),
            ]
        )
        euro_invoice = self._vat_invoice(
            self.euro,
            1000.00,
            "2026-02-24",
            "2026-03-10",
            currency_id=self.eur.id,
            fiscal_position_id=False,
        )
        euro_invoice.button_draft()
        euro_invoice.invoice_line_ids.tax_ids = False  # export of services
        euro_invoice.action_post()
        self._payment(self.eta, 2000.00, "2026-02-20", memo="Zaliczka")
        eta_invoice = self._vat_invoice(self.eta, 1000.00, "2026-02-24", "2026-03-10")
        theta_invoice = self._vat_invoice(
            self.theta, 1000.00, "2026-02-24", "2026-03-10"
        )
        theta_credit = self._vat_invoice(
            self.theta, 1000.00, "2026-03-05", "2026-03-05", move_type="out_refund"
        )
        self._assign_credit(theta_invoice, theta_credit, self.billing)

        # Amounts as the accounting made them.
        self.assertEqual(alfa_invoice.amount_total, 1230.00)
        self.assertEqual(alfa_credit.amount_total, 230.00)
        self.assertEqual(
            sorted(
                gamma_invoice.line_ids.filtered("date_maturity").mapped(
                    lambda x: (str(x.date_maturity), x.balance)
                )
            ),
            [("2026-03-15", 738.00), ("2026-04-14", 1722.00)],
        )
        self.assertEqual(euro_invoice.amount_residual_signed, 4300.00)

        # Accounting during the walk, by the users who do it.
        beta_payment = []
        accounting = {
            "2026-03-12": lambda: beta_payment.append(
                self._payment(self.beta, 615.00, "2026-03-12")
            ),
            "2026-04-01": lambda: self._assign_credit(
                beta_invoice, beta_payment[0].move_id, self.accountant
            ),
            "2026-03-20": lambda: self._register(
                gamma_invoice, 500.00, "2026-03-20", self.billing
            ),
            "2026-03-25": lambda: self._register(
                euro_invoice, 400.00, "2026-03-25", self.billing, currency=self.eur
            ),
            "2026-06-01": lambda: (
                self._assign_credit(alfa_invoice, alfa_credit, self.billing),
                self._statement_payment(
                    alfa_invoice, 1000.00, "2026-06-01", self.accountant
                ),
            ),
        }
        todo_beta = None
        for day in self._days("2026-03-01", "2026-06-28"):
            if str(day) in accounting:
                accounting[str(day)]()
            if str(day) == "2026-03-20":
                todo_beta = self._todo(day).filtered(
                    lambda line: line.partner_id == self.beta
                )
            self._run(day)

        # Alfa: every message and demand nets the open credit note (230.00)
        # and goes to the invoice address contact.
        alfa_net = {"PLN": (1230.00, 230.00, 1000.00)}
        self.assertEqual(
            self._notice_rows(self.alfa),
            [
                ("2026-03-07", "Pre-due reminder", alfa_net),
                ("2026-03-17", "Overdue reminder", alfa_net),
                ("2026-03-24", "Overdue reminder", alfa_net),
                ("2026-03-31", "Overdue reminder", alfa_net),
            ],
        )
        self.assertEqual(self._notices(self.alfa).recipient_ids, self.alfa_books)
        self.assertEqual(
            self._demand_rows(self.alfa),
            [
                (
                    "2026-04-19",
                    "demand",
                    "closed",
                    {"PLN": 1000.00},
                    [1230.00],
                    [230.00],
                ),
                (
                    "2026-05-19",
                    "final_demand",
                    "closed",
                    {"PLN": 1000.00},
                    [1230.00],
                    [230.00],
                ),
            ],
        )
        # The collector's call, 50 days overdue (29 April, to be made within
        # two days):
        # the note nets the open credit note as the messages do, so that the
        # collector asks for 1,000.00, not 1,230.00.
        collector = self.collector.login
        self.assertEqual(
            self._activity_rows(self.alfa),
            [
                (
                    "2026-05-01",
                    collector,
                    f"Documents: {alfa_invoice.name}: 1,230.00 zł, due 03/10/2026"
                    " (50 days overdue)"
                    f" Less: credit note {alfa_credit.name}: -\ufeff230.00 zł"
                    " Net amount due PLN: 1,000.00 zł",
                )
            ],
        )
        first, final = self._demands(self.alfa)
        self.assertEqual(first.close_reason, "escalated")
        # Paid on 1 June by the credit note and the bank: the accountant's
        # reconciliation closed the final demand, in the history by name.
        self.assertEqual(final.close_reason, "paid")
        self.assertEqual(final.closed_by_id, self.accountant)
        self.assertEqual(alfa_invoice.payment_state, "paid")

        # Beta: reminded before the due date; its payment of 12 March covers
        # the invoice: skipped once, then the to-do list asked to reconcile.
        self.assertEqual(
            self._notice_rows(self.beta),
            [("2026-03-07", "Pre-due reminder", {"PLN": (615.00, 0.0, 615.00)})],
        )
        self.assertEqual(
            self._skips(self.beta),
            [("2026-03-17", "Overdue reminder", "covered_by_credits")],
        )
        self.assertEqual(todo_beta.kind, "reconcile")
        self.assertEqual(todo_beta.amount, 615.00)
        self.assertFalse(self._demands(self.beta))
        self.assertEqual(beta_invoice.amount_residual, 0.0)  # the accountant

        # Gamma: each installment on its own due date; the partial payment
        # of 500.00 lowered the first one to 238.00 (its third reminder, due
        # on Easter Sunday 5 April, waits for Tuesday after Easter Monday: a
        # Polish company's public holidays). On 24 May, Pentecost Sunday, the
        # first reaches the final demand and the second the demand: on Monday
        # 25 May one final demand lists both.
        self.assertEqual(
            self._notice_rows(self.gamma),
            [
                ("2026-03-12", "Pre-due reminder", {"PLN": (738.00, 0.0, 738.00)}),
                ("2026-03-22", "Overdue reminder", {"PLN": (238.00, 0.0, 238.00)}),
                ("2026-03-29", "Overdue reminder", {"PLN": (238.00, 0.0, 238.00)}),
                ("2026-04-07", "Overdue reminder", {"PLN": (238.00, 0.0, 238.00)}),
                ("2026-04-11", "Pre-due reminder", {"PLN": (1722.00, 0.0, 1722.00)}),
                ("2026-04-21", "Overdue reminder", {"PLN": (1722.00, 0.0, 1722.00)}),
                ("2026-04-28", "Overdue reminder", {"PLN": (1722.00, 0.0, 1722.00)}),
                ("2026-05-05", "Overdue reminder", {"PLN": (1722.00, 0.0, 1722.00)}),
            ],
        )
        self.assertEqual(
            self._demand_rows(self.gamma),
            [
                ("2026-04-24", "demand", "closed", {"PLN": 238.00}, [238.00], []),
                (
                    "2026-05-25",
                    "final_demand",
                    "sent",
                    {"PLN": 1960.00},
                    [238.00, 1722.00],
                    [],
                ),
            ],
        )

        # One call, for the first installment (4 May); the second reaches 50
        # days on 3 June, after the final demand listed it: no document goes
        # back to an earlier step.
        self.assertEqual(
            self._activity_rows(self.gamma),
            [
                (
                    "2026-05-06",
                    collector,
                    f"Documents: {gamma_invoice.name}: 238.00 zł, due 03/15/2026"
                    " (50 days overdue)",
                )
            ],
        )

        # The opening entry: Delta and Epsilon each demanded their own
        # balance; Zeta, who holds a credit only, is never contacted.
        for partner, amount in ((self.delta, 3000.00), (self.epsilon, 1500.00)):
            lines = entry.line_ids.filtered(lambda x, p=partner: x.partner_id == p)
            self.assertEqual(
                [(r[0], r[1], r[3]) for r in self._demand_rows(partner)],
                [
                    ("2026-03-27", "demand", {"PLN": amount}),
                    ("2026-04-26", "final_demand", {"PLN": amount}),
                ],
            )
            self.assertEqual(self._demands(partner).line_ids.move_line_id, lines)
            self.assertEqual(
                [n[0] for n in self._notice_rows(partner)],
                ["2026-03-01", "2026-03-08", "2026-03-15"],
            )
            # Called on Tuesday 7 April, as Easter Monday is a holiday.
            self.assertEqual(
                self._activity_rows(partner),
                [
                    (
                        "2026-04-09",
                        collector,
                        f"Documents: {entry.name}: {amount:,.2f} zł, due 02/15/2026"
                        " (51 days overdue)",
                    )
                ],
            )
        self.assertFalse(self._events(partner_id=self.zeta.id))

        # Euro Handel: in EUR, 400.00 paid on 25 March at 4.20.
        self.assertEqual(
            [(n[0], n[2]) for n in self._notice_rows(self.euro)],
            [
                ("2026-03-07", {"EUR": (1000.00, 0.0, 1000.00)}),
                ("2026-03-17", {"EUR": (1000.00, 0.0, 1000.00)}),
                ("2026-03-24", {"EUR": (1000.00, 0.0, 1000.00)}),
                ("2026-03-31", {"EUR": (600.00, 0.0, 600.00)}),
            ],
        )
        self.assertEqual(
            self._activity_rows(self.euro),
            [
                (
                    "2026-05-01",
                    collector,
                    f"Documents: {euro_invoice.name}: 600.00 €, due 03/10/2026"
                    " (50 days overdue)",
                )
            ],
        )
        demand = self._demands(self.euro)[0]
        self.assertEqual(demand._get_totals()[0][:2], (self.eur, 600.00))
        # The company-currency amount follows the invoice's rate (4.30); the
        # exchange difference of the payment is booked apart.
        self.assertEqual(demand.amount_due, 2580.00)

        # Eta's advance covers its invoice: skipped once, never contacted;
        # Theta's credit note settled its invoice: nothing at all.
        self.assertEqual(
            self._skips(self.eta),
            [("2026-03-07", "Pre-due reminder", "covered_by_credits")],
        )
        self.assertFalse(self._mails(self.eta))
        self.assertFalse(self._activity_rows(self.eta))
        self.assertFalse(self._events(partner_id=self.theta.id))
        self.assertFalse(eta_invoice.debt_collection_stage_id)


@tagged("post_install", "-at_install")
class TestAccountingNeverBlocked(LedgerCase):
    """Demands and interest notes exist for an invoice: Billing clerks and
    accountants do their work as if they did not (the desk's tests add cases
    and sales blocks)."""

    def setUp(self):
        super().setUp()
        if not self.has_demands:
            self.skipTest("debt_collection_demand is not installed")
        self.invoice = self._invoice(self.customer, "2026-01-21", 1000.00)
        self.other = self._invoice(self.customer, "2026-01-21", 500.00)
        self._run(D("2026-03-02"))  # the demand step: approved and e-mailed
        self.demand = self._demands(self.customer)
        self.assertEqual(self.demand.state, "sent")

    def test_billing_clerk_registers_payments_and_credit_notes(self):
        self._register(self.invoice, 1000.00, "2026-03-03", self.billing)
        refund = self._invoice(
            self.customer, "2026-03-03", 500.00, move_type="out_refund"
        )
        self._assign_credit(self.other, refund, self.billing)
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertEqual(self.other.payment_state, "reversed")  # by the credit note
        self.assertEqual(self.demand.state, "closed")
        self.assertEqual(self.demand.close_reason, "paid")
        self.assertEqual(self.demand.closed_by_id, self.billing)
        # Unreconcile the credit note, reset the invoice to draft, cancel it.
        partial = self.other.line_ids.matched_credit_ids
        self.other.with_user(self.billing).js_remove_outstanding_partial(partial.id)
        self.assertEqual(self.other.payment_state, "not_paid")
        self.other.with_user(self.billing).button_draft()
        self.other.with_user(self.billing).button_cancel()
        self.assertEqual(self.other.state, "cancel")

    def test_accountant_reconciles_a_bank_statement_line_and_edits_a_draft(self):
        self._statement_payment(self.invoice, 1000.00, "2026-03-03", self.accountant)
        self.assertEqual(self.invoice.amount_residual, 0.0)
        self.other.with_user(self.accountant).button_draft()
        # Rewriting a draft invoice replaces its receivable line: the demand
        # keeps the amounts it listed.
        with freeze_time("2026-03-03 12:00:00"):
            self.other.with_user(self.accountant).write(
                {
                    "invoice_date_due": "2026-03-31",
                    "invoice_line_ids": [
                        Command.update(
                            self.other.invoice_line_ids.id, {"price_unit": 450.00}
                        )
                    ],
                }
            )
            self.other.with_user(self.accountant).action_post()
        self.assertEqual(self.other.amount_total, 450.00)
        line = self.demand.line_ids.filtered(lambda x: x.amount_due == 500.00)
        self.assertEqual(line.amount_due, 500.00)
        self.other.with_user(self.accountant).button_draft()
        self.other.with_user(self.accountant).unlink()
        self.assertFalse(self.other.exists())
        self.assertTrue(line.exists())
