"""Payment demands and final demands as documents: the preparation wizard,
the approval workflow and its rights, numbering, frozen amounts, closing when
paid, escalation, the engine steps, the printed letter, print batches and the
registered-mail dispatch list, companies and access rights.

Unless a test says otherwise: the documents are due on Monday 2 March 2026
and the demands are dated Monday 13 April 2026 (42 days later); the company
asks to pay within 7 days of the demand's date (20 April 2026); 1 EUR is
4 PLN (the company rate of tests/common.py).
"""

import io
import subprocess
import threading
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time
from lxml import html

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import Cursor
from odoo.tests import new_test_user, tagged
from odoo.tools.pdf import OdooPdfFileReader

from odoo.addons.debt_collection.tests.common import DebtCollectionCase
from odoo.addons.debt_collection_demand.models.debt_collection_demand import _split_pdf

DAY = "2026-04-13"
ADDRESS = "ul. Długa 5, 00-950 Warszawa"


def _squash(text):
    """Collapse every run of whitespace (also non-breaking spaces) to one space."""
    return " ".join((text or "").split())


def _text(markup):
    """What a reader sees of an HTML fragment or page."""
    if isinstance(markup, bytes):
        markup = markup.decode()
    if not markup or not str(markup).strip():
        return ""
    return _squash(html.fromstring(str(markup)).text_content())


class DemandCase(DebtCollectionCase):
    """The common fixture plus customer addresses and contacts, a second and
    a third customer, a company address and bank account, and an invoicing
    user who is not a collector."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.poland = cls.env.ref("base.pl")
        cls.company.partner_id.write(
            {
                "street": "ul. Prosta 1",
                "zip": "00-001",
                "city": "Warszawa",
                "country_id": cls.poland.id,
            }
        )
        cls.env["res.partner.bank"].create(
            {
                "acc_number": "PL61 1090 1014 0000 0712 1981 2874",
                "partner_id": cls.company.partner_id.id,
                "company_id": cls.company.id,
            }
        )
        cls.customer.write(
            {
                "street": "ul. Długa 5",
                "zip": "00-950",
                "city": "Warszawa",
                "country_id": cls.poland.id,
            }
        )
        cls.invoice_contact = cls.env["res.partner"].create(
            {
                "name": "Księgowość",
                "parent_id": cls.customer.id,
                "type": "invoice",
                "email": "faktury@kowalski.example.com",
            }
        )
        cls.collection_contact = cls.env["res.partner"].create(
            {
                "name": "Jan Kowalski",
                "parent_id": cls.customer.id,
                "type": "contact",
                "email": "jan@kowalski.example.com",
            }
        )
        cls.customer.debt_collection_contact_ids = [
            Command.set(cls.collection_contact.ids)
        ]
        cls.nowak = cls._customer(
            "Sklep Nowak Sp. j.",
            "sklep@nowak.example.com",
            street="ul. Krótka 7",
            zip="30-001",
            city="Kraków",
        )
        cls.maly = cls._customer(
            "Kiosk Mały", "kiosk@maly.example.com", street="Rynek 1", zip="50-001"
        )
        cls.invoice_user = new_test_user(
            cls.env,
            login="invoicing",
            name="Invoicing Iza",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _customer(cls, name, email_address, lang="en_US", **values):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email_address,
                "lang": lang,
                "city": values.pop("city", "Wrocław"),
                "country_id": cls.env.ref("base.pl").id,
                **values,
            }
        )

    @classmethod
    def _invoice_in(cls, company, partner, due, amount):
        return cls._invoice(
            partner,
            due,
            amount,
            invoice_date="2026-02-02",
            currency=company.currency_id,
            company=company,
        )

    # Helpers -------------------------------------------------------------

    def _prepare(self, records=None, day=DAY, user=None, companies=None, **values):
        """Run the wizard on ``day`` launched from ``records`` (invoices or
        customers); (wizard, the demands it prepared)."""
        Wizard = self.env["debt.collection.demand.wizard"]
        if user:
            Wizard = Wizard.with_user(user)
        if "company_id" in values:
            Wizard = Wizard.with_context(allowed_company_ids=[values["company_id"]])
        if companies:
            Wizard = Wizard.with_context(allowed_company_ids=companies.ids)
        if records is not None:
            Wizard = Wizard.with_context(
                active_model=records._name, active_ids=records.ids
            )
        with freeze_time(f"{day} 09:00:00"):
            wizard = Wizard.create({"date": day, **values})
            wizard.action_create()
        return wizard, wizard.demand_ids

    def _demand(self, invoices, day=DAY, **values):
        """One demand for ``invoices`` (of one customer), prepared by the
        collector."""
        _wizard, demand = self._prepare(invoices, day, user=self.collector, **values)
        self.assertEqual(len(demand), 1)
        return demand

    def _approved(self, invoices, day=DAY, **values):
        demand = self._demand(invoices, day, **values)
        with freeze_time(f"{day} 10:00:00"):
            demand.with_user(self.manager).action_approve()
        return demand

    def _sent(self, invoices, day=DAY):
        demand = self._approved(invoices, day)
        with freeze_time(f"{day} 11:00:00"):
            demand.with_user(self.manager).action_send_email()
        return demand

    def _receivable(self, invoice):
        return invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _all_demands(self):
        return self.env["debt.collection.demand"].sudo().search([])

    def _history(self, demand):
        """[(document, user, text)] of the demand's collection events."""
        events = self.env["debt.collection.event"].search(
            [("demand_id", "=", demand.id), ("event_type", "=", "demand")],
            order="id",
        )
        return [(e.move_id, e.user_id, _text(e.note)) for e in events]

    def _demand_mails(self, demands):
        return self.env["mail.mail"].search(
            [("model", "=", "debt.collection.demand"), ("res_id", "in", demands.ids)],
            order="id",
        )

    def _html(self, demands, report="debt_collection_demand.action_report_demand"):
        content, content_type = self.env["ir.actions.report"]._render_qweb_html(
            report, demands.ids
        )
        self.assertEqual(content_type, "html")
        return _text(content)


@tagged("post_install", "-at_install")
class TestDemandWizard(DemandCase):
    """Preparing demands for many customers at once."""

    def test_batch_for_several_customers_in_two_currencies(self):
        """Invoices of three customers selected in the overdue-invoices list:
        Kowalski gets one demand listing its two PLN and its EUR invoice
        (totals per currency, in words); Nowak one demand for the one document
        that may be demanded (the others are excluded, on hold or below the
        50.00 minimum per document); Mały none: 60.00 is below the 100.00
        minimum per customer. The not yet due invoice is not demanded."""
        self.step_demand.min_item_amount = 50
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00, "2026-02-02")
        k2 = self._invoice(self.customer, "2026-03-09", 250.50, "2026-02-09")
        k3 = self._invoice(
            self.customer, "2026-03-16", 300.00, "2026-02-16", currency=self.eur
        )
        k4 = self._invoice(self.customer, "2026-04-20", 400.00)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        n2 = self._invoice(self.nowak, "2026-03-02", 40.00)
        n3 = self._invoice(self.nowak, "2026-03-02", 700.00)
        n3.debt_collection_hold_until = "2026-04-30"
        n4 = self._invoice(self.nowak, "2026-03-02", 900.00)
        n4.debt_collection_subject = False
        m1 = self._invoice(self.maly, "2026-03-02", 60.00)

        wizard, demands = self._prepare(
            k1 + k2 + k3 + k4 + n1 + n2 + n3 + n4 + m1, user=self.collector
        )

        self.assertEqual(wizard.state, "done")
        self.assertEqual(demands.partner_id, self.customer + self.nowak)
        kowalski = demands.filtered(lambda d: d.partner_id == self.customer)
        nowak = demands - kowalski
        self.assertRecordValues(
            kowalski + nowak,
            [
                {
                    "kind": "demand",
                    "state": "draft",
                    "name": "/",
                    "display_name": "Payment demand Draft",
                    "company_id": self.company.id,
                    "date": date(2026, 4, 13),
                    "pay_by_date": date(2026, 4, 20),
                    "user_id": self.collector.id,
                    "amount_due": 2450.50,  # 1,000.00 + 250.50 + 300 EUR x 4
                    "include_interest": False,
                },
                {
                    "kind": "demand",
                    "state": "draft",
                    "name": "/",
                    "display_name": "Payment demand Draft",
                    "company_id": self.company.id,
                    "date": date(2026, 4, 13),
                    "pay_by_date": date(2026, 4, 20),
                    "user_id": self.collector.id,
                    "amount_due": 500.00,
                    "include_interest": False,
                },
            ],
        )
        self.assertRecordValues(
            kowalski.line_ids,
            [
                {
                    "move_id": k1.id,
                    "invoice_date": date(2026, 2, 2),
                    "date_maturity": date(2026, 3, 2),
                    "currency_id": self.pln.id,
                    "amount_original": 1000.00,
                    "amount_due": 1000.00,
                    "amount_due_company": 1000.00,
                    "days_overdue": 42,
                    "interest": 0.0,
                    "compensation": 0.0,
                },
                {
                    "move_id": k2.id,
                    "invoice_date": date(2026, 2, 9),
                    "date_maturity": date(2026, 3, 9),
                    "currency_id": self.pln.id,
                    "amount_original": 250.50,
                    "amount_due": 250.50,
                    "amount_due_company": 250.50,
                    "days_overdue": 35,
                    "interest": 0.0,
                    "compensation": 0.0,
                },
                {
                    "move_id": k3.id,
                    "invoice_date": date(2026, 2, 16),
                    "date_maturity": date(2026, 3, 16),
                    "currency_id": self.eur.id,
                    "amount_original": 300.00,
                    "amount_due": 300.00,
                    "amount_due_company": 1200.00,
                    "days_overdue": 28,
                    "interest": 0.0,
                    "compensation": 0.0,
                },
            ],
        )
        self.assertEqual(
            kowalski._get_totals(),
            [
                (self.eur, 300.00, "three hundred euros 00/100"),
                (
                    self.pln,
                    1250.50,
                    "one thousand, two hundred and fifty zlotys 50/100",
                ),
            ],
        )
        self.assertEqual(
            _text(kowalski.totals_html),
            _squash(
                f"{self.eur.format(300.00)} (three hundred euros 00/100)"
                f"{self.pln.format(1250.50)} "
                "(one thousand, two hundred and fifty zlotys 50/100)"
            ),
        )
        self.assertIn("1,250.50", _text(kowalski.totals_html))
        # The letter the collector prints: each document in its own currency,
        # the amounts as Odoo formats them, one total per currency.
        letter, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.collector)
            ._render_qweb_html(
                "debt_collection_demand.action_report_demand", kowalski.ids
            )
        )
        letter = _text(letter)
        for row in (
            f"{k1.name} 02/02/2026 03/02/2026 42 1,000.00 zł 1,000.00 zł",
            f"{k2.name} 02/09/2026 03/09/2026 35 250.50 zł 250.50 zł",
            _squash(
                f"{k3.name} 02/16/2026 03/16/2026 28 "
                f"{self.eur.format(300.00)} {self.eur.format(300.00)}"
            ),
            _squash(f"Total to pay {self.eur.format(300.00)}"),
            "Total to pay 1,250.50 zł",
        ):
            self.assertIn(row, letter)
        self.assertEqual(nowak.line_ids.move_id, n1)
        self.assertEqual(
            nowak._get_totals(), [(self.pln, 500.00, "five hundred zlotys 00/100")]
        )

        # The skipped documents, with the reason, per customer.
        skipped = _text(wizard.skipped)
        for reason in (
            f"{n2.name}: the amount due is below the minimum per document.",
            f"{n3.name} is on hold until 2026-04-30.",
            f"{n4.name} is excluded from collection.",
            "Kiosk Mały: The total due is below the minimum per customer.",
        ):
            self.assertIn(reason, skipped)
        self.assertIn("Sklep Nowak Sp. j.:", skipped)
        # A selected document that is not overdue yet is named, not demanded.
        self.assertIn(f"{self.customer.name}: ", skipped)
        self.assertIn("is not overdue, or is paid.", skipped)

        # Prepared: one event per document, on the customer and the document.
        self.assertEqual(
            self._history(kowalski),
            [
                (move, self.collector, "Payment demand Draft: Prepared.")
                for move in (k1, k2, k3)
            ],
        )
        for move in (k1, k2, k3):
            event = move.debt_collection_event_ids.filtered(
                lambda e: e.event_type == "demand"
            )
            self.assertEqual(event.partner_id, self.customer)
            self.assertEqual(event.demand_id, kowalski)
        self.assertEqual(
            self.customer.debt_collection_event_ids.filtered(
                lambda e: e.event_type == "demand"
            ).demand_id,
            kowalski,
        )

        # "Open the demands" lists exactly these.
        action = wizard.action_open_demands()
        self.assertEqual(
            self.env["debt.collection.demand"].search(action["domain"]), demands
        )

    def test_from_customers(self):
        """Launched from the customers list (a contact stands for its
        company): every overdue document of the chosen customers; not those
        of customers not chosen, nor paid or not yet due ones."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-04-06", 80.00)
        paid = self._invoice(self.customer, "2026-03-02", 300.00)
        self._pay(paid, 300.00, "2026-03-20")
        self._invoice(self.customer, "2026-04-13", 700.00)  # due today: not overdue
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        self._invoice(self.maly, "2026-03-02", 5000.00)

        _wizard, demands = self._prepare(
            self.collection_contact + self.nowak, user=self.collector
        )

        self.assertEqual(
            {d.partner_id: (d.line_ids.move_id, d.amount_due) for d in demands},
            {self.customer: (k1 + k2, 1080.00), self.nowak: (n1, 500.00)},
        )

    def test_final_demands_from_the_wizard(self):
        """The wizard prepares final demands too, with the minimum per
        document of the final demand step (600.00 here)."""
        self.step_final.min_item_amount = 600
        big = self._invoice(self.customer, "2026-03-02", 1000.00)
        small = self._invoice(self.customer, "2026-03-02", 500.00)
        wizard, demand = self._prepare(
            big + small, user=self.collector, kind="final_demand"
        )
        self.assertEqual(demand.kind, "final_demand")
        self.assertEqual(demand.display_name, "Final demand Draft")
        self.assertEqual(demand.line_ids.move_id, big)
        self.assertIn("below the minimum per document", _text(wizard.skipped))

    def test_bad_input_creates_nothing(self):
        """No overdue document, nothing selected, another company's document
        or only documents that may not be demanded: a clear message, and no
        demand."""
        self.step_demand.min_item_amount = 50
        not_due = self._invoice(self.customer, "2026-04-20", 400.00)
        paid = self._invoice(self.customer, "2026-03-02", 300.00)
        self._pay(paid, 300.00, "2026-03-20")
        draft = self._invoice(self.customer, "2026-03-02", 300.00, post=False)
        small = self._invoice(self.maly, "2026-03-02", 60.00)
        tiny = self._invoice(self.nowak, "2026-03-02", 40.00)
        on_hold = self._invoice(self.nowak, "2026-03-02", 700.00)
        on_hold.debt_collection_hold_until = "2026-04-13"
        overdue = self._invoice(self.customer, "2026-03-02", 1000.00)
        other_company = self.setup_other_company(name="Firma Beta S.A.")["company"]
        foreign = self._invoice_in(other_company, self.customer, "2026-03-02", 900.00)
        # A manager of both companies, working in this one, selects invoices
        # of both.
        self.manager.company_ids = [Command.link(other_company.id)]
        before = self._all_demands()

        cases = [
            (not_due, r"Nothing selected is overdue on 2026-04-13\."),
            (paid + draft, r"Nothing selected is overdue on 2026-04-13\."),
            (self.maly.browse(), "Choose the customers or the documents"),
            (None, "Choose the customers or the documents"),
            (
                small,
                "No demand can be prepared: The total due is below the minimum "
                "per customer.",
            ),
            (
                tiny + on_hold,
                f"No demand can be prepared: {tiny.name}: the amount due is below "
                f"the minimum per document. {on_hold.name} is on hold until "
                "2026-04-13.",
            ),
        ]
        for records, message in cases:
            with (
                self.subTest(records=records),
                self._refused(UserError, message),
            ):
                self._prepare(records, user=self.collector)
            self.assertEqual(self._all_demands(), before)
        with self._refused(
            UserError,
            f"{foreign.name} belongs to Firma Beta S.A.: prepare its demand in "
            "that company",
        ):
            self._prepare(
                foreign + overdue,
                user=self.manager,
                companies=self.company + other_company,
            )
        self.assertEqual(self._all_demands(), before)


@tagged("post_install", "-at_install")
class TestDemandWorkflow(DemandCase):
    """States, rights, who and when, numbering."""

    def test_life_of_a_demand(self):
        """Prepared and submitted by the collector, approved (numbered) and
        e-mailed by the manager, handed over for legal action; each step
        records who and when, on the demand and as an event on the customer
        and each document."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        demand = self._demand(k1 + k2)

        with freeze_time("2026-04-13 10:00:00"):
            demand.with_user(self.collector).action_submit()
        self.assertRecordValues(
            demand,
            [
                {
                    "state": "to_approve",
                    "name": "/",
                    "submitted_by_id": self.collector.id,
                    "submitted_date": datetime(2026, 4, 13, 10, 0),
                    "approved_by_id": False,
                }
            ],
        )

        # Only a manager approves; nobody writes the state directly.
        with self._refused(
            UserError, "Only Debt Collection Managers may approve or send demands"
        ):
            demand.with_user(self.collector).action_approve()
        for user in (self.collector, self.manager):
            for values in (
                {"state": "approved"},
                {"approved_by_id": user.id},
                {"name": "WZ/2026/99999"},
            ):
                with (
                    self.subTest(user=user.login, values=values),
                    self._refused(
                        UserError, "The state of a demand changes only with its buttons"
                    ),
                ):
                    demand.with_user(user).write(values)
        self.assertRecordValues(
            demand, [{"state": "to_approve", "name": "/", "approved_by_id": False}]
        )

        with freeze_time("2026-04-14 08:30:00"):
            demand.with_user(self.manager).action_approve()
        self.assertRecordValues(
            demand,
            [
                {
                    "state": "approved",
                    "name": "WZ/2026/00001",
                    "display_name": "Payment demand WZ/2026/00001",
                    "approved_by_id": self.manager.id,
                    "approved_date": datetime(2026, 4, 14, 8, 30),
                    "sent_by_id": False,
                }
            ],
        )
        # Approved: the content is frozen.
        with self._refused(UserError, "An approved demand cannot be changed"):
            demand.with_user(self.manager).date = "2026-04-14"
        with self._refused(UserError, "An approved demand cannot be changed"):
            demand.with_user(self.manager).line_ids = [Command.clear()]

        # Only a manager sends.
        with self._refused(
            UserError, "Only Debt Collection Managers may approve or send demands"
        ):
            demand.with_user(self.collector).action_send_email()
        self.assertFalse(self._demand_mails(demand))

        with freeze_time("2026-04-14 09:00:00"):
            demand.with_user(self.manager).action_send_email()
        self.assertRecordValues(
            demand,
            [
                {
                    "state": "sent",
                    "sent_by": "email",
                    "sent_by_id": self.manager.id,
                    "sent_date": datetime(2026, 4, 14, 9, 0),
                }
            ],
        )
        mail = self._demand_mails(demand)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(
            mail.subject, "Windykacja Sp. z o.o.: demand for payment WZ/2026/00001"
        )
        # To the invoice contact, the collection contact in copy.
        self.assertEqual(self._to(mail), ["faktury@kowalski.example.com"])
        self.assertEqual(self._cc(mail), ["jan@kowalski.example.com"])
        self.assertEqual(
            mail.attachment_ids.mapped("name"), ["Payment demand WZ-2026-00001.pdf"]
        )
        self.assertEqual(mail.attachment_ids.mimetype, "application/pdf")
        self.assertIn("WZ/2026/00001", _text(mail.attachment_ids.raw))
        self.assertIn(k1.name, _text(mail.body_html))

        with freeze_time("2026-04-30 12:00:00"):
            demand.with_user(self.manager).action_hand_over()
        self.assertRecordValues(
            demand,
            [
                {
                    "state": "closed",
                    "close_reason": "legal",
                    "closed_by_id": self.manager.id,
                    "closed_date": datetime(2026, 4, 30, 12, 0),
                }
            ],
        )

        name = "Payment demand WZ/2026/00001"
        self.assertEqual(
            self._history(demand),
            [
                (move, user, text)
                for user, text in (
                    (self.collector, "Payment demand Draft: Prepared."),
                    (self.collector, "Payment demand Draft: Submitted for approval."),
                    (self.manager, f"{name}: Approved."),
                    (self.manager, f"{name}: Sent by e-mail."),
                    (self.manager, f"{name}: Closed: handed over for legal action."),
                )
                for move in (k1, k2)
            ],
        )
        events = self.env["debt.collection.event"].search(
            [("demand_id", "=", demand.id)]
        )
        self.assertEqual(set(events.mapped("event_type")), {"demand"})
        self.assertEqual(events.partner_id, self.customer)
        self.assertEqual(
            len(k1.debt_collection_event_ids.filtered("demand_id")), 5, "on k1"
        )
        self.assertEqual(
            len(k2.debt_collection_event_ids.filtered("demand_id")), 5, "on k2"
        )

    def test_wrong_state_and_missing_address_refused(self):
        """Buttons in the wrong state, or sending by e-mail to a customer
        without any e-mail address: a clear message, nothing changes."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        demand = self._demand(k1)
        manager = demand.with_user(self.manager)
        with self._refused(UserError, "cannot be sent: it is Draft; approve it first"):
            manager.action_send_email()
        with self._refused(UserError, "cannot be escalated: it is Draft"):
            manager.action_escalate()
        with self._refused(UserError, "cannot be printed for posting: it is Draft"):
            manager.action_print_batch()
        with self._refused(UserError, "cannot be reset to draft: it is Draft"):
            manager.action_reset_draft()
        demand.with_user(self.collector).action_submit()
        with self._refused(UserError, "cannot be submitted for approval"):
            demand.with_user(self.collector).action_submit()
        demand.with_user(self.collector).action_reset_draft()
        self.assertEqual(demand.state, "draft")
        demand.with_user(self.manager).action_approve()

        # A customer without an e-mail address (nor contacts with one).
        self.nowak.email = False
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        no_email = self._approved(n1)
        with self._refused(
            UserError,
            "No e-mail address for Sklep Nowak Sp. j.: add one on the customer or "
            "its invoice contact, or send by post",
        ):
            (demand + no_email).with_user(self.manager).action_send_email()
        self.assertEqual(no_email.state, "approved")
        self.assertFalse(self._demand_mails(demand + no_email))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "debt.collection.demand")]
            )
        )

    def test_approved_content_cannot_be_changed_through_its_lines(self):
        """The amounts frozen at approval cannot be rewritten, nor documents
        removed or added, by editing the demand's lines directly."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        demand = self._approved(k1)
        lines = demand.line_ids.with_user(self.collector)
        with self._refused(UserError, "An approved demand cannot be changed"):
            lines.write({"amount_due": 1.00})
        with self._refused(UserError, "An approved demand cannot be changed"):
            lines.unlink()
        with self._refused(UserError, "An approved demand cannot be changed"):
            self.env["debt.collection.demand.line"].with_user(self.collector).create(
                {
                    "demand_id": demand.id,
                    "move_line_id": self._receivable(k2).id,
                }
            )
        self.assertRecordValues(
            demand.line_ids, [{"move_id": k1.id, "amount_due": 1000.00}]
        )
        self.assertEqual(demand.amount_due, 1000.00)

    def test_collector_cannot_create_an_approved_demand(self):
        """Approval is a manager's: a collector cannot create a demand that
        is already approved and numbered."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        before = self._all_demands()
        with self._refused((UserError, AccessError), ""):
            self.env["debt.collection.demand"].with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "state": "approved",
                    "name": "WZ/2026/00042",
                    "approved_by_id": self.manager.id,
                    "line_ids": [
                        Command.create({"move_line_id": self._receivable(k1).id})
                    ],
                }
            )
        self.assertEqual(self._all_demands(), before)

    def test_cancel_and_delete(self):
        """The collector cancels a draft; only a manager cancels an approved
        demand; who and when are recorded; only drafts are deleted."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        draft = self._demand(k1)
        with freeze_time("2026-04-13 15:00:00"):
            draft.with_user(self.collector).action_cancel()
        self.assertRecordValues(
            draft,
            [
                {
                    "state": "cancelled",
                    "cancelled_by_id": self.collector.id,
                    "cancelled_date": datetime(2026, 4, 13, 15, 0),
                }
            ],
        )
        with self._refused(UserError, "cannot be approved: it is Cancelled"):
            draft.with_user(self.manager).action_approve()
        with self._refused(UserError, "Only draft demands can be deleted"):
            draft.with_user(self.manager).unlink()

        approved = self._approved(n1)
        with self._refused(UserError, "Only Debt Collection Managers"):
            approved.with_user(self.collector).action_cancel()
        self.assertEqual(approved.state, "approved")
        with freeze_time("2026-04-14 07:00:00"):
            approved.with_user(self.manager).action_cancel()
        self.assertRecordValues(
            approved,
            [
                {
                    "state": "cancelled",
                    "cancelled_by_id": self.manager.id,
                    "cancelled_date": datetime(2026, 4, 14, 7, 0),
                }
            ],
        )
        self.assertEqual(
            self._history(approved)[-1],
            (n1, self.manager, "Payment demand WZ/2026/00001: Cancelled."),
        )

        # A draft can be deleted by its collector.
        again = self._demand(k1)
        again.with_user(self.collector).unlink()
        self.assertFalse(again.exists())

    def test_numbering_per_kind_year_and_company(self):
        """Numbers are given at approval: WZ/2026/00001, 00002 … for demands,
        WO/2026/00001 for final demands, again 00001 in a new year and in
        another company."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        m1 = self._invoice(self.maly, "2026-03-02", 5000.00)
        kowalski = self._demand(k1)
        nowak = self._demand(n1)
        final = self._demand(m1, kind="final_demand")
        self.assertEqual((kowalski + nowak + final).mapped("name"), ["/", "/", "/"])

        nowak.with_user(self.manager).action_approve()
        final.with_user(self.manager).action_approve()
        kowalski.with_user(self.manager).action_approve()
        self.assertEqual(nowak.name, "WZ/2026/00001")
        self.assertEqual(kowalski.name, "WZ/2026/00002")
        self.assertEqual(final.name, "WO/2026/00001")

        next_year = self._demand(k1, day="2027-01-05")
        next_year.with_user(self.manager).action_approve()
        self.assertEqual(next_year.name, "WZ/2027/00001")

        company_b = self.setup_other_company(name="Firma Beta S.A.")["company"]
        self.manager.company_ids = [Command.link(company_b.id)]
        customer_b = self._customer("Beta Klient", "klient@beta.example.com")
        invoice_b = self._invoice_in(company_b, customer_b, "2026-03-02", 900.00)
        _wizard, demand_b = self._prepare(
            invoice_b, user=self.manager, company_id=company_b.id
        )
        demand_b.with_user(self.manager).with_context(
            allowed_company_ids=company_b.ids
        ).action_approve()
        self.assertEqual(demand_b.company_id, company_b)
        self.assertEqual(demand_b.name, "WZ/2026/00001")


@tagged("post_install", "-at_install")
class TestDemandAmounts(DemandCase):
    """Amounts follow payments until approval, then stay as approved; a
    demand whose documents are all paid closes by itself."""

    def test_amounts_follow_payments_until_approval_then_frozen(self):
        """1,000.00 + 250.50 demanded on 13 April; 200.00 paid before the
        submission and 100.00 before the approval: the approved demand asks
        for 950.50. A payment after approval leaves it unchanged; paying
        everything closes it as paid."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        demand = self._demand(k1 + k2)
        self.assertEqual(demand.amount_due, 1250.50)

        self._pay(k1, 200.00, "2026-04-14")
        with freeze_time("2026-04-15 09:00:00"):
            demand.with_user(self.collector).action_submit()
        self.assertEqual(demand.amount_due, 1050.50)
        self.assertEqual(demand.line_ids.mapped("amount_due"), [800.00, 250.50])
        # Days overdue stay those of the demand's date.
        self.assertEqual(demand.line_ids.mapped("days_overdue"), [42, 35])

        self._pay(k1, 100.00, "2026-04-15")
        with freeze_time("2026-04-16 09:00:00"):
            demand.with_user(self.manager).action_approve()
        self.assertEqual(demand.amount_due, 950.50)
        self.assertEqual(demand.line_ids.mapped("amount_due"), [700.00, 250.50])
        self.assertEqual(demand.line_ids.mapped("amount_original"), [1000.00, 250.50])
        self.assertEqual(
            demand._get_totals(),
            [(self.pln, 950.50, "nine hundred and fifty zlotys 50/100")],
        )

        # After approval: frozen.
        self._pay(k1, 300.00, "2026-04-17")
        self._pay(k2, 250.50, "2026-04-17")  # k2 paid in full, k1 not yet
        demand.invalidate_recordset()
        self.assertEqual(demand.state, "approved")
        self.assertEqual(demand.amount_due, 950.50)
        self.assertEqual(demand.line_ids.mapped("amount_due"), [700.00, 250.50])
        with freeze_time("2026-04-17 09:00:00"):
            demand.with_user(self.manager).action_send_email()
        self.assertEqual(demand.amount_due, 950.50)

        # The last payment closes the demand.
        with freeze_time("2026-04-20 12:00:00"):
            self._pay(k1, 400.00, "2026-04-20")
        self.assertRecordValues(
            demand,
            [
                {
                    "state": "closed",
                    "close_reason": "paid",
                    "closed_by_id": self.env.user.id,
                    "closed_date": datetime(2026, 4, 20, 12, 0),
                    "amount_due": 950.50,
                }
            ],
        )
        self.assertEqual(
            self._history(demand)[-2:],
            [
                (
                    move,
                    self.env.user,
                    "Payment demand WZ/2026/00001: Closed: everything listed is paid.",
                )
                for move in (k1, k2)
            ],
        )

    def test_cancelled_demand_stays_cancelled_when_paid(self):
        """Only approved or sent demands close as paid: a cancelled demand
        whose document is then paid stays cancelled."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        cancelled = self._approved(k1)
        cancelled.with_user(self.manager).action_cancel()
        self._pay(k1, 1000.00, "2026-04-20")
        self.assertEqual(cancelled.state, "cancelled")
        self.assertFalse(cancelled.close_reason)

    def test_interest_and_compensation_to_date(self):
        """Demand of 31 March 2026 with interest shown (14.00 % a year from
        1 January 2026, a test fixture; 1 EUR = 4.00 PLN on Friday 27 February,
        the last business day before the due month):

        - 10,000.00 PLN due 2 March: interest 3-31 March = 29 days
          = 10,000 x 0.14 x 29 / 365 = 111.2328… = 111.23; compensation
          70 EUR (5,000 < 10,000 < 50,000) x 4.00 = 280.00;
        - 3,000.00 PLN due 16 March, 1,000.00 paid on 20 March: interest
          3,000 x 0.14 x 4 / 365 (17-20 March) + 2,000 x 0.14 x 11 / 365
          (21-31 March) = 4,760 / 365 = 13.0410… = 13.04; compensation
          40 EUR (3,000 <= 5,000) x 4.00 = 160.00;

        total 10,000.00 + 2,000.00 + 111.23 + 13.04 + 280.00 + 160.00
        = 12,564.27. A private person (not a business) gets no compensation:
        1,000.00 due 2 March, interest 1,000 x 0.14 x 29 / 365 = 11.1232… =
        11.12, total 1,011.12."""
        Rate = self.env["debt.collection.interest.rate"]
        Rate.search([("date_from", ">", "2025-11-06")]).unlink()
        Rate.create(
            {
                "rate_type": "statutory_commercial",
                "date_from": "2026-01-01",
                "rate": 14.00,
                "note": "test fixture",
            }
        )
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.eur.id,
                "company_id": self.company.id,
                "name": "2026-02-27",
                "company_rate": 0.25,
            }
        )
        person = self.env["res.partner"].create(
            {"name": "Jan Nowak", "is_company": False, "email": "jan@example.com"}
        )
        big = self._invoice(self.customer, "2026-03-02", 10000.00)
        partly_paid = self._invoice(self.customer, "2026-03-16", 3000.00)
        self._pay(partly_paid, 1000.00, "2026-03-20")
        private = self._invoice(person, "2026-03-02", 1000.00)

        _wizard, demands = self._prepare(
            big + partly_paid + private,
            day="2026-03-31",
            user=self.collector,
            include_interest=True,
        )

        business = demands.filtered(lambda d: d.partner_id == self.customer)
        self.assertTrue(business.include_interest)
        self.assertRecordValues(
            business.line_ids,
            [
                {
                    "move_id": big.id,
                    "amount_due": 10000.00,
                    "days_overdue": 29,
                    "interest": 111.23,
                    "compensation": 280.00,
                },
                {
                    "move_id": partly_paid.id,
                    "amount_due": 2000.00,
                    "days_overdue": 15,
                    "interest": 13.04,
                    "compensation": 160.00,
                },
            ],
        )
        self.assertEqual(business.amount_due, 12000.00)
        self.assertEqual(
            business._get_totals(),
            [
                (
                    self.pln,
                    12564.27,
                    "twelve thousand, five hundred and sixty-four zlotys 27/100",
                )
            ],
        )
        personal = demands - business
        self.assertRecordValues(
            personal.line_ids,
            [{"move_id": private.id, "interest": 11.12, "compensation": 0.0}],
        )
        self.assertEqual(
            personal._get_totals(),
            [(self.pln, 1011.12, "one thousand and eleven zlotys 12/100")],
        )
        # Interest is shown as of the demand's date, also when approved later.
        with freeze_time("2026-04-10 09:00:00"):
            business.with_user(self.manager).action_approve()
        self.assertEqual(business.line_ids.mapped("interest"), [111.23, 13.04])
        text = self._html(business)
        self.assertIn("Interest to date", text)
        self.assertIn(
            "twelve thousand, five hundred and sixty-four zlotys 27/100", text
        )

    def test_interest_with_automatic_approval(self):
        """With the company's automatic approval, the wizard's demands with
        interest are approved with their interest (not refused as changed
        after approval)."""
        self.company.debt_collection_demand_auto_approve = True
        person = self.env["res.partner"].create(
            {"name": "Jan Nowak", "is_company": False, "email": "jan@example.com"}
        )
        # Known rates only (the shipped table): due 2 June 2025, 15.25 %
        # from 1 July 2025, 15.75 % before; demand of 30 June 2025:
        # 1,000 x 0.1575 x 28 / 365 = 12.0821… = 12.08.
        private = self._invoice(person, "2025-06-02", 1000.00)
        _wizard, demand = self._prepare(
            private, day="2025-06-30", user=self.collector, include_interest=True
        )
        self.assertRecordValues(
            demand,
            [{"state": "approved", "name": "WZ/2025/00001", "include_interest": True}],
        )
        self.assertEqual(demand.line_ids.interest, 12.08)


@tagged("post_install", "-at_install")
class TestDemandEscalation(DemandCase):
    def test_escalate_to_final_demand_then_legal(self):
        """A sent demand for 1,000.00 and 250.50: 250.50 paid and 300.00 of the
        1,000.00; the manager escalates on 27 April: a final demand for the
        700.00 still due of the first invoice, the demand closed as escalated
        and linked to it. The final demand cannot be escalated again; handed
        over for legal action it closes as 'legal'."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        demand = self._sent(k1 + k2)
        self._pay(k2, 250.50, "2026-04-20")
        self._pay(k1, 300.00, "2026-04-21")
        self.assertEqual(demand.state, "sent")

        with self._refused(UserError, "Only Debt Collection Managers"):
            demand.with_user(self.collector).action_escalate()
        with freeze_time("2026-04-27 09:00:00"):
            action = demand.with_user(self.manager).action_escalate()
        final = self.env["debt.collection.demand"].search(action["domain"])
        self.assertRecordValues(
            demand,
            [
                {
                    "state": "closed",
                    "close_reason": "escalated",
                    "final_demand_id": final.id,
                    "closed_by_id": self.manager.id,
                    "closed_date": datetime(2026, 4, 27, 9, 0),
                }
            ],
        )
        self.assertRecordValues(
            final,
            [
                {
                    "kind": "final_demand",
                    "state": "draft",
                    "name": "/",
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "date": date(2026, 4, 27),
                    "pay_by_date": date(2026, 5, 4),
                    "user_id": self.collector.id,
                    "amount_due": 700.00,
                }
            ],
        )
        self.assertRecordValues(
            final.line_ids,
            [
                {
                    "move_id": k1.id,
                    "amount_original": 1000.00,
                    "amount_due": 700.00,
                    "days_overdue": 56,
                }
            ],
        )
        self.assertEqual(
            self._history(demand)[-1],
            (
                k2,
                self.manager,
                "Payment demand WZ/2026/00001: Closed: escalated to a final demand.",
            ),
        )
        self.assertEqual(
            self._history(final),
            [
                (
                    k1,
                    self.manager,
                    "Final demand Draft: Created from Payment demand WZ/2026/00001.",
                )
            ],
        )

        final.with_user(self.manager).action_approve()
        self.assertEqual(final.name, "WO/2026/00001")
        with self._refused(
            UserError, "Only payment demands escalate to a final demand"
        ):
            final.with_user(self.manager).action_escalate()
        self.assertEqual(final.state, "approved")
        self.assertFalse(final.final_demand_id)

        with freeze_time("2026-05-20 09:00:00"):
            final.with_user(self.manager).action_hand_over()
        self.assertRecordValues(
            final,
            [
                {
                    "state": "closed",
                    "close_reason": "legal",
                    "closed_by_id": self.manager.id,
                    "closed_date": datetime(2026, 5, 20, 9, 0),
                }
            ],
        )
        with self._refused(UserError, "cannot be handed over for legal action"):
            final.with_user(self.manager).action_hand_over()


@tagged("post_install", "-at_install")
class TestDemandEngine(DemandCase):
    """The engine's payment demand steps prepare demand documents."""

    def test_step_without_automatic_approval_waits_for_the_manager(self):
        """Without automatic approval the run of 13 April (42 days after the
        due date) prepares a demand waiting for approval and sends nothing;
        the following runs do not prepare it again."""
        self.step_demand.demand_auto_approve = False
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00, "2026-02-02")

        self._run("2026-04-13")

        demand = self.env["debt.collection.demand"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            demand,
            [
                {
                    "kind": "demand",
                    "state": "to_approve",
                    "name": "/",
                    "date": date(2026, 4, 13),
                    "pay_by_date": date(2026, 4, 20),
                    "user_id": self.collector.id,
                    "amount_due": 1000.00,
                    "approved_by_id": False,
                    "sent_by": False,
                }
            ],
        )
        self.assertEqual(demand.line_ids.move_id, invoice)
        self.assertFalse(self._demand_mails(demand))
        event = self._events(step_id=self.step_demand.id)
        self.assertEqual(event.demand_id, demand)
        self.assertEqual(event.state, "done")
        # Prepared and submitted by the run at once: one step of the history.
        self.assertEqual(
            [(move, text) for move, _user, text in self._history(demand)],
            [(invoice, "Payment demand Draft: Prepared and submitted for approval.")],
        )

        for day in ("2026-04-14", "2026-04-20"):
            self._run(day)
        self.assertEqual(
            self.env["debt.collection.demand"].search(
                [("partner_id", "=", self.customer.id)]
            ),
            demand,
        )

        # The manager approves and sends it.
        demand.with_user(self.manager).action_approve()
        demand.with_user(self.manager).action_send_email()
        self.assertEqual(
            self._demand_mails(demand).attachment_ids.mapped("name"),
            ["Payment demand WZ-2026-00001.pdf"],
        )

    def test_automatic_approval_sends_the_pdf_once(self):
        """With automatic approval (the fixture's steps) the demand is
        approved, numbered and e-mailed with its PDF; the final demand of
        day 70 likewise; no run repeats them."""
        invoice = self._invoice(self.customer, "2026-03-02", 1000.00)

        self._run("2026-04-13")

        demand = self.env["debt.collection.demand"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            demand,
            [
                {
                    "kind": "demand",
                    "state": "sent",
                    "name": "WZ/2026/00001",
                    "sent_by": "email",
                    "approved_by_id": self.env.user.id,
                    "amount_due": 1000.00,
                }
            ],
        )
        mail = self._demand_mails(demand)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            mail.attachment_ids.mapped("name"), ["Payment demand WZ-2026-00001.pdf"]
        )
        self.assertEqual(self._to(mail), ["faktury@kowalski.example.com"])
        self.assertEqual(self._cc(mail), ["jan@kowalski.example.com"])
        self.assertEqual(
            [text for _move, _user, text in self._history(demand)],
            [
                # Prepared and approved at once: one step of the history.
                "Payment demand WZ/2026/00001: Prepared and approved.",
                "Payment demand WZ/2026/00001: Sent by e-mail.",
            ],
        )
        self.assertEqual({move for move, _u, _t in self._history(demand)}, {invoice})

        for day in ("2026-04-14", "2026-04-15"):
            self._run(day)
        self.assertEqual(len(self._demand_mails(demand)), 1)

        self._run("2026-05-11")  # due date + 70: the final demand
        demands = self.env["debt.collection.demand"].search(
            [("partner_id", "=", self.customer.id)], order="id"
        )
        final = demands - demand
        self.assertRecordValues(
            final,
            [
                {
                    "kind": "final_demand",
                    "state": "sent",
                    "name": "WO/2026/00001",
                    "date": date(2026, 5, 11),
                    "pay_by_date": date(2026, 5, 16),
                }
            ],
        )
        self.assertEqual(
            self._demand_mails(final).attachment_ids.mapped("name"),
            ["Final demand WO-2026-00001.pdf"],
        )
        self._run("2026-05-12")
        self.assertEqual(
            self.env["debt.collection.demand"].search(
                [("partner_id", "=", self.customer.id)]
            ),
            demands,
        )

    def test_customer_without_email_gets_an_approved_demand_to_post(self):
        """No e-mail address anywhere: the demand is approved (to be posted),
        not sent, and the history says to post it; no run repeats it."""
        self.nowak.email = False
        invoice = self._invoice(self.nowak, "2026-03-02", 500.00)

        self._run("2026-04-13")

        demand = self.env["debt.collection.demand"].search(
            [("partner_id", "=", self.nowak.id)]
        )
        self.assertRecordValues(
            demand,
            [{"state": "approved", "name": "WZ/2026/00001", "sent_by": False}],
        )
        self.assertFalse(self._demand_mails(demand))
        self.assertEqual(
            self._history(demand)[-1],
            (
                invoice,
                self.env.user,
                "Payment demand WZ/2026/00001: No e-mail address: print it and "
                "send it by post.",
            ),
        )
        self._run("2026-04-14")
        self.assertEqual(
            self.env["debt.collection.demand"].search(
                [("partner_id", "=", self.nowak.id)]
            ),
            demand,
        )


@tagged("post_install", "-at_install")
class TestDemandOutput(DemandCase):
    """The letter, print batches and the dispatch list."""

    def _pdf_text(self, demands):
        content, content_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "debt_collection_demand.action_report_demand", demands.ids
            )
        )
        self.assertEqual(content_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        reader = OdooPdfFileReader(io.BytesIO(content), strict=False)
        return _squash("".join(page.extract_text() for page in reader.pages))

    def test_pdf_renders(self):
        """Forced rendering with wkhtmltopdf gives one PDF of the selected
        letters (a demand and a final demand), with the numbers and the
        totals in words."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        demand = self._approved(k1 + k2)
        final = self._approved(n1, kind="final_demand")
        text = self._pdf_text(demand)
        self.assertIn("Payment demand WZ/2026/00001", text)
        self.assertIn(
            "In words: one thousand, two hundred and fifty zlotys 50/100", text
        )
        self.assertNotIn("WO/2026/00001", text)
        text = self._pdf_text(demand + final)
        self.assertIn("Payment demand WZ/2026/00001", text)
        self.assertIn("WO/2026/00001", text)
        self.assertIn("In words: five hundred zlotys 00/100", text)

    def test_emailed_pdfs_rendered_in_one_pass_are_split_per_demand(self):
        """Two demands e-mailed together, one of them two pages long: each
        e-mail carries its own demand's PDF."""
        long = self.env["account.move"]
        for day in range(1, 29):
            long |= self._invoice(self.customer, f"2026-02-{day:02d}", 100.00 + day)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        demands = self._approved(long) + self._approved(n1)
        demands.with_user(self.manager).with_context(
            force_report_rendering=True
        ).action_send_email()

        pages, texts = {}, {}
        for demand in demands:
            attachment = self._demand_mails(demand).attachment_ids
            self.assertTrue(attachment.raw.startswith(b"%PDF"), demand.name)
            reader = OdooPdfFileReader(io.BytesIO(attachment.raw), strict=False)
            pages[demand.name] = len(reader.pages)
            texts[demand.name] = _squash(
                "".join(page.extract_text() for page in reader.pages)
            )
        self.assertEqual(
            [demand.name for demand in demands], ["WZ/2026/00001", "WZ/2026/00002"]
        )
        self.assertGreater(pages["WZ/2026/00001"], 1)
        self.assertEqual(pages["WZ/2026/00002"], 1)
        self.assertIn("Hurtownia Kowalski", texts["WZ/2026/00001"])
        self.assertNotIn("Sklep Nowak", texts["WZ/2026/00001"])
        self.assertIn("Sklep Nowak", texts["WZ/2026/00002"])
        self.assertNotIn("Hurtownia Kowalski", texts["WZ/2026/00002"])

    def _print(self, demands):
        """The demands' printed PDF, the text of each of its pages, and how
        many wkhtmltopdf processes printed it."""
        with patch("subprocess.Popen", wraps=subprocess.Popen) as popen:
            content, _content_type = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(
                    "debt_collection_demand.action_report_demand", demands.ids
                )
            )
        reader = OdooPdfFileReader(io.BytesIO(content), strict=False)
        pages = [_squash(page.extract_text()) for page in reader.pages]
        processes = [
            call for call in popen.call_args_list if "wkhtmltopdf" in call.args[0][0]
        ]
        return content, pages, len(processes)

    def test_large_print_in_parts_gives_the_same_letters_in_order(self):
        """A large print is cut into parts printed at the same time, one
        wkhtmltopdf each: the joined PDF has the same pages as when one
        process prints it, each letter starting on the page with its number,
        in order, and splits back into the letters. The parts' threads never
        touch the database cursor."""
        long = self.env["account.move"]
        for day in range(1, 29):
            long |= self._invoice(self.customer, f"2026-02-{day:02d}", 100.00 + day)
        demands = (
            self._approved(long)
            + self._approved(self._invoice(self.nowak, "2026-03-02", 500.00))
            + self._approved(self._invoice(self.maly, "2026-03-02", 300.00))
        )
        _content, whole, processes = self._print(demands)
        self.assertEqual(processes, 1)

        Demand = type(demands)
        cursor_threads = set()
        execute = Cursor.execute

        def recording_execute(cr, *args, **kwargs):
            cursor_threads.add(threading.current_thread())
            return execute(cr, *args, **kwargs)

        with (
            patch.object(Demand, "_print_letters_per_process", 1),
            patch("os.cpu_count", return_value=3),
            patch.object(Cursor, "execute", recording_execute),
        ):
            self.assertEqual(len(demands._print_chunks()), 3)
            content, parts, processes = self._print(demands)
        self.assertEqual(processes, 3)
        self.assertEqual(cursor_threads, {threading.current_thread()})

        self.assertGreater(len(whole), len(demands))
        self.assertEqual(parts, whole)
        # The letters run no script: no wait of a second for them to finish.
        report = self.env.ref("debt_collection_demand.action_report_demand")
        args = report._build_wkhtmltopdf_args(report.get_paperformat(), False)
        self.assertEqual(args[args.index("--javascript-delay") + 1], "100")
        starts = [
            next(i for i, text in enumerate(parts) if demand.name in text)
            for demand in demands
        ]
        self.assertEqual(
            [demand.name for demand in demands],
            ["WZ/2026/00001", "WZ/2026/00002", "WZ/2026/00003"],
        )
        self.assertEqual(starts, [0, len(parts) - 2, len(parts) - 1])
        letters = _split_pdf(content, demands)
        self.assertEqual(
            [len(OdooPdfFileReader(io.BytesIO(letters[d.id])).pages) for d in demands],
            [len(parts) - 2, 1, 1],
        )

    def test_letter_content_in_english(self):
        """The letter (English customer): number, date, address in the
        envelope window, documents, total in words, pay-by date, bank
        account and contact person; no final-demand consequences."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00, "2026-02-02")
        k2 = self._invoice(self.customer, "2026-03-09", 250.50, "2026-02-09")
        demand = self._approved(k1 + k2)
        text = self._html(demand)
        for expected in (
            "Payment demand WZ/2026/00001",
            "Hurtownia Kowalski Sp. z o.o.",
            "ul. Długa 5",
            "00-950 Warszawa",
            f"{k1.name} 02/02/2026 03/02/2026 42",
            "Total to pay",
            "In words: one thousand, two hundred and fifty zlotys 50/100",
            "We hereby demand payment of the amounts due by 04/20/2026",
            "to our bank account PL61 1090 1014 0000 0712 1981 2874",
            "Your contact person: Collector Anna",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("court", text)

    def test_final_demand_consequences(self):
        """A final demand states the consequences: the standard paragraph,
        or the company's own text when it has one."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        final = self._approved(k1, kind="final_demand")
        text = self._html(final)
        self.assertIn(
            "Final demand for payment before legal action WO/2026/00001", text
        )
        self.assertIn(
            "we will bring the matter before the court without further notice", text
        )
        self.assertIn("debt register", text)
        self.company.debt_collection_final_demand_text = (
            "<p>Sprawa trafi do Kancelarii Prawnej Lex i do rejestru BIG.</p>"
        )
        text = self._html(final)
        self.assertIn("Sprawa trafi do Kancelarii Prawnej Lex i do rejestru BIG.", text)
        self.assertNotIn("we will bring the matter before the court", text)

    def test_print_batch_marks_sent_by_post(self):
        """Printing two approved demands: one report of both, both marked
        sent by post on the day, by the manager."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        demands = self._approved(k1) + self._approved(n1)
        with self._refused(UserError, "Only Debt Collection Managers"):
            demands.with_user(self.collector).action_print_batch()
        with freeze_time("2026-04-14 08:00:00"):
            action = demands.with_user(self.manager).action_print_batch()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "debt_collection_demand.report_demand")
        self.assertEqual(action["context"]["active_ids"], demands.ids)
        self.assertRecordValues(
            demands,
            [
                {
                    "state": "sent",
                    "sent_by": "post",
                    "sent_by_id": self.manager.id,
                    "sent_date": datetime(2026, 4, 14, 8, 0),
                }
            ]
            * 2,
        )
        self.assertEqual(
            self._history(demands[0])[-1][1:],
            (self.manager, "Payment demand WZ/2026/00001: Sent by post."),
        )
        # Already posted: not printed again as a new posting.
        with self._refused(UserError, "only approved demands are posted"):
            demands.with_user(self.manager).action_print_batch()

    def test_print_batch_leaves_out_demands_without_postal_address(self):
        """One of the demands has no street: the other is printed and marked
        sent by post; the manager is told which was left out and why."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        kowalski, nowak = self._approved(k1), self._approved(n1)
        self.nowak.street = False
        action = (kowalski + nowak).with_user(self.manager).action_print_batch()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"],
            "No postal address (street, postcode and city) for Sklep Nowak Sp. j.: "
            "add it on the customer, then print their demands.",
        )
        report = action["params"]["next"]
        self.assertEqual(report["report_name"], "debt_collection_demand.report_demand")
        self.assertEqual(report["context"]["active_ids"], kowalski.ids)
        self.assertEqual((kowalski.state, kowalski.sent_by), ("sent", "post"))
        self.assertEqual(nowak.state, "approved")
        self.assertFalse(nowak.sent_date)
        # Nothing printable: refused, nothing marked sent.
        with self._refused(
            UserError,
            r"No postal address \(street, postcode and city\) for Sklep Nowak Sp\. j\.",
        ):
            nowak.with_user(self.manager).action_print_batch()
        self.assertEqual(nowak.state, "approved")

    def test_dispatch_list_pdf_and_xlsx(self):
        """The registered-mail dispatch list (książka nadawcza): recipient,
        address, demand number and date, as PDF and as a spreadsheet."""
        import openpyxl

        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        kowalski, nowak = self._approved(k1), self._approved(n1)
        demands = kowalski + nowak
        with freeze_time("2026-04-14 08:00:00"):
            demands.with_user(self.manager).action_print_batch()

        text = self._html(
            demands, "debt_collection_demand.action_report_demand_dispatch"
        )
        self.assertIn("Registered mail dispatch list", text)
        self.assertIn(
            f"1 Hurtownia Kowalski Sp. z o.o. {ADDRESS} WZ/2026/00001 04/14/2026", text
        )
        self.assertIn(
            "2 Sklep Nowak Sp. j. ul. Krótka 7, 30-001 Kraków WZ/2026/00002 04/14/2026",
            text,
        )
        self.assertEqual(
            demands.with_user(self.manager).action_dispatch_list()["report_name"],
            "debt_collection_demand.report_demand_dispatch",
        )

        workbook = openpyxl.load_workbook(
            io.BytesIO(demands.with_user(self.manager)._dispatch_list_xlsx())
        )
        sheet = workbook.active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(
            rows,
            [
                ["No.", "Recipient", "Address", "Demand", "Sent on"],
                [
                    1,
                    "Hurtownia Kowalski Sp. z o.o.",
                    ADDRESS,
                    "WZ/2026/00001",
                    datetime(2026, 4, 14, 8, 0),
                ],
                [
                    2,
                    "Sklep Nowak Sp. j.",
                    "ul. Krótka 7, 30-001 Kraków",
                    "WZ/2026/00002",
                    datetime(2026, 4, 14, 8, 0),
                ],
            ],
        )
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:E3")
        action = demands.with_user(self.manager).action_dispatch_list_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")


@tagged("post_install", "-at_install")
class TestDemandAccess(DemandCase):
    """Companies, smart buttons and the rights of an invoicing user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Firma Beta S.A.")["company"]
        cls.customer_b = cls._customer("Beta Klient", "klient@beta.example.com")
        cls.manager.write({"company_ids": [Command.link(cls.company_b.id)]})

    def _demand_b(self):
        invoice = self._invoice_in(self.company_b, self.customer_b, "2026-03-02", 900.0)
        _wizard, demand = self._prepare(
            invoice,
            user=self.manager,
            company_id=self.company_b.id,
        )
        return demand

    def test_other_company_demands_are_invisible(self):
        """A collector of company A sees neither company B's demands nor
        their documents."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        demand_a = self._demand(k1)
        demand_b = self._demand_b()
        self.assertEqual(demand_b.company_id, self.company_b)
        self.assertEqual(demand_b.line_ids.company_id, self.company_b)

        Demand = self.env["debt.collection.demand"].with_user(self.collector)
        self.assertEqual(Demand.search([]), demand_a)
        self.assertEqual(
            self.env["debt.collection.demand.line"]
            .with_user(self.collector)
            .search([]),
            demand_a.line_ids,
        )
        with self.assertRaises(AccessError):
            demand_b.with_user(self.collector).read(["name"])
        with self.assertRaises(AccessError):
            demand_b.line_ids.with_user(self.collector).read(["amount_due"])

    def test_smart_buttons(self):
        """The customer's button lists its demands (also from a contact), the
        invoice's button the demands listing that invoice."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        k2 = self._invoice(self.customer, "2026-03-09", 250.50)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        both = self._demand(k1 + k2)
        only_k2 = self._demand(k2, day="2026-04-20")
        nowak = self._demand(n1)

        Demand = self.env["debt.collection.demand"].with_user(self.collector)

        def listed(record):
            action = record.with_user(self.collector).action_debt_collection_demands()
            self.assertEqual(action["res_model"], "debt.collection.demand")
            return Demand.search(action["domain"])

        self.assertEqual(listed(self.customer), both + only_k2)
        self.assertEqual(listed(self.invoice_contact), both + only_k2)
        self.assertEqual(listed(self.nowak), nowak)
        self.assertEqual(listed(k1), both)
        self.assertEqual(listed(k2), both + only_k2)
        self.assertEqual(self.customer.debt_collection_demand_count, 2)
        self.assertEqual(self.invoice_contact.debt_collection_demand_count, 2)
        self.assertEqual(k1.debt_collection_demand_count, 1)
        self.assertEqual(k2.debt_collection_demand_count, 2)

    def test_invoicing_user_reads_but_does_not_act(self):
        """An invoicing user who is not a collector reads the demands and
        their documents but cannot prepare, submit, approve or send them."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        demand = self._demand(k1)
        as_invoicing = demand.with_user(self.invoice_user)
        self.assertEqual(as_invoicing.amount_due, 1000.00)
        self.assertEqual(as_invoicing.line_ids.move_id, k1)
        with self._refused(AccessError, "Payment Demand"):
            as_invoicing.action_submit()
        self.assertEqual(demand.state, "draft")
        self.assertFalse(demand.submitted_by_id)
        with self._refused(UserError, "Only Debt Collection Managers"):
            as_invoicing.action_approve()
        with self._refused(AccessError, "Payment Demand"):
            as_invoicing.write({"include_interest": True})
        with self._refused(AccessError, "Prepare Payment Demands"):
            self._prepare(k1, user=self.invoice_user)
        demand.with_user(self.manager).action_approve()
        for action in ("action_send_email", "action_print_batch", "action_escalate"):
            with self.subTest(action=action), self._refused(UserError, "Only Debt"):
                getattr(as_invoicing, action)()
        self.assertEqual(demand.state, "approved")

    def test_invoicing_user_cannot_cancel_or_reset(self):
        """Read-only access: the invoicing user can neither cancel a draft
        nor send a demand waiting for approval back to draft."""
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        n1 = self._invoice(self.nowak, "2026-03-02", 500.00)
        draft = self._demand(k1)
        waiting = self._demand(n1)
        waiting.with_user(self.collector).action_submit()
        with self._refused(AccessError, "Payment Demand"):
            draft.with_user(self.invoice_user).action_cancel()
        with self._refused(AccessError, "Payment Demand"):
            waiting.with_user(self.invoice_user).action_reset_draft()
        self.assertRecordValues(
            draft + waiting,
            [
                {"state": "draft", "cancelled_by_id": False},
                {"state": "to_approve", "cancelled_by_id": False},
            ],
        )


@tagged("post_install", "-at_install")
class TestDemandWorkflowRights(DemandCase):
    """The workflow checks the user's right to change the demand before it
    writes its state as superuser; the refusal is in the user's language and
    nothing is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish()

    def _history(self, demand):
        return self.env["debt.collection.event"].search([("demand_id", "=", demand.id)])

    def test_read_only_user_changes_nothing(self):
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        demand = self._demand(k1)
        history = self._history(demand)
        as_invoicing = demand.with_user(self.invoice_user).with_context(lang="pl_PL")
        for action in ("action_submit", "action_cancel"):
            with self.subTest(action=action), self._refused(AccessError, "."):
                getattr(as_invoicing, action)()
        # The helper every transition goes through checks before its sudo.
        with self._refused(AccessError, "."):
            as_invoicing._apply_transition("submit", message="Submitted.")
        with self._refused(
            UserError, "Tylko menedżerowie windykacji należności mogą zatwierdzać"
        ):
            as_invoicing.action_approve()
        self.assertRecordValues(
            demand,
            [{"state": "draft", "submitted_by_id": False, "approved_by_id": False}],
        )
        self.assertEqual(self._history(demand), history)

    def test_collector_cannot_approve_in_polish(self):
        k1 = self._invoice(self.customer, "2026-03-02", 1000.00)
        demand = self._demand(k1)
        as_collector = demand.with_user(self.collector).with_context(lang="pl_PL")
        as_collector.action_submit()
        history = self._history(demand)
        with self._refused(
            UserError, "Tylko menedżerowie windykacji należności mogą zatwierdzać"
        ):
            as_collector.action_approve()
        with self._refused(UserError, "ma status Do zatwierdzenia"):
            demand.with_user(self.manager).with_context(
                lang="pl_PL"
            ).action_print_batch()
        self.assertRecordValues(
            demand, [{"state": "to_approve", "name": "/", "approved_by_id": False}]
        )
        self.assertEqual(self._history(demand), history)


@tagged("post_install", "-at_install")
class TestDemandPolish(DemandCase):
    """The letter in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._activate_polish()
        cls.polish = cls._customer(
            "Piekarnia Żółć Sp. z o.o.",
            "biuro@zolc.example.com",
            lang="pl_PL",
            street="ul. Chlebowa 3",
            zip="90-001",
            city="Łódź",
        )

    def test_polish_letter(self):
        """A Polish customer's demand is printed in Polish, with Polish dates,
        amounts and the total in Polish words; nothing left in English."""
        p1 = self._invoice(self.polish, "2026-03-02", 1000.00, "2026-02-02")
        p2 = self._invoice(self.polish, "2026-03-09", 250.50, "2026-02-09")
        demand = self._approved(p1 + p2)
        self.assertEqual(
            demand._get_totals(),
            [(self.pln, 1250.50, "tysiąc dwieście pięćdziesiąt złotych 50/100")],
        )
        text = self._html(demand)
        for expected in (
            "Wezwanie do zapłaty WZ/2026/00001",
            "Piekarnia Żółć Sp. z o.o.",
            "ul. Chlebowa 3",
            "90-001 Łódź",
            "Szanowni Państwo,",
            "Niniejszym wzywamy Państwa do zapłaty należnych kwot w terminie do "
            "dnia 20.04.2026",
            "Dokument Data wystawienia Termin płatności Dni po terminie",
            f"{p1.name} 02.02.2026 02.03.2026 42 1000,00 zł 1000,00 zł",
            "Razem do zapłaty",
            "Słownie: tysiąc dwieście pięćdziesiąt złotych 50/100",
            "na nasz rachunek bankowy PL61 1090 1014 0000 0712 1981 2874",
            "podając numery dokumentów w tytule przelewu",
            "Osoba do kontaktu: Collector Anna",
            "Z poważaniem",
        ):
            self.assertIn(expected, text)
        for english in (
            "Payment demand",
            "Dear",
            "Days overdue",
            "Total to pay",
            "In words",
            "Please pay",
            "Your contact person",
            "Kind regards",
        ):
            self.assertNotIn(english, text)

    def test_polish_final_demand_and_mixed_batch(self):
        """A Polish final demand states the consequences in Polish (the
        standard paragraph, or the company's own text); printed in one batch
        with an English customer's demand, each letter keeps its language."""
        p1 = self._invoice(self.polish, "2026-03-02", 1000.00)
        k1 = self._invoice(self.customer, "2026-03-02", 500.00)
        final = self._approved(p1, kind="final_demand")
        english = self._approved(k1)
        text = self._html(final)
        self.assertIn(
            "Ostateczne wezwanie do zapłaty przed skierowaniem sprawy na drogę "
            "sądową WO/2026/00001",
            text,
        )
        self.assertIn(
            "W przypadku niedokonania zapłaty w powyższym terminie sprawa zostanie "
            "skierowana do sądu bez dalszego wezwania",
            text,
        )
        self.assertIn("Słownie: tysiąc złotych 00/100", text)
        self.assertNotIn("court", text)

        text = self._html(final + english)
        polish_part, english_part = text.split("Payment demand WZ/2026/00001")
        self.assertIn("Słownie: tysiąc złotych 00/100", polish_part)
        self.assertIn("Z poważaniem", polish_part)
        self.assertIn("In words: five hundred zlotys 00/100", english_part)
        self.assertIn("Your contact person: Collector Anna", english_part)
        self.assertNotIn("Słownie", english_part)

        self.company.debt_collection_final_demand_text = (
            "<p>Sprawa trafi do Kancelarii Prawnej Lex i do rejestru BIG.</p>"
        )
        text = self._html(final)
        self.assertIn("Sprawa trafi do Kancelarii Prawnej Lex i do rejestru BIG.", text)
        self.assertNotIn("skierowana do sądu bez dalszego wezwania", text)
