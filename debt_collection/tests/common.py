import functools
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, http
from odoo.tests import new_test_user
from odoo.tools import email_normalize, email_split

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .smtp_server import LocalSmtpServer


def warsaw_winter(day, hour, minute=0):
    """``hour:minute`` in Warsaw on a winter ``day`` (UTC+1), as the naive
    UTC moment freezegun and Odoo's datetimes need."""
    return datetime(day.year, day.month, day.day, hour, minute) - timedelta(hours=1)


def requires_addon(addon):
    """Skip the test (every test of a class) where ``addon`` is not
    installed: make test first runs the core's tests on a database with only
    debt_collection, then every addon's tests with all of them."""

    def skip_without(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if self.env["ir.module.module"]._get(addon).state != "installed":
                self.skipTest(f"{addon} is not installed")
            return method(self, *args, **kwargs)

        return wrapper

    def decorate(test):
        if isinstance(test, type):
            for name in dir(test):
                if name.startswith("test_"):
                    setattr(test, name, skip_without(getattr(test, name)))
            return test
        return skip_without(test)

    return decorate


class DebtCollectionCase(AccountTestInvoicingCommon):
    """A Polish company (PLN, Europe/Warsaw) with collection switched on and a
    policy of five steps, and helpers to invoice, pay and run the engine on a
    given day."""

    @classmethod
    def setup_independent_company(cls, **kwargs):
        return cls._create_company(
            name="Windykacja Sp. z o.o.",
            currency_id=cls.env.ref("base.PLN").id,
            email="windykacja@example.com",
            **kwargs,
        )

    @classmethod
    def get_default_groups(cls):
        # The test user configures collection: it is a Debt Collection Manager.
        return super().get_default_groups() | cls.env.ref(
            "debt_collection.group_debt_collection_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The HTTP server reads every addon's manifest on its first request
        # for a static file; the browser of a tour asks for several at once,
        # and this machine's Python 3.11 fails to compile in two threads at
        # the same time ("SystemError: AST constructor recursion depth
        # mismatch", seen in CI): read them here, in one thread, once.
        assert http.root.statics, "no addon serves static files"
        # Collection e-mails go through Odoo's mail queue to a real local SMTP
        # server (under Odoo's own test runner the queue skips the network).
        cls.smtp = LocalSmtpServer()
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.env["ir.mail_server"].create(
            {
                "name": "Local test SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        cls.company = cls.env.company
        cls.pln = cls.env.ref("base.PLN")
        cls.eur = cls.setup_other_currency("EUR", rates=[("2020-01-01", 0.25)])
        cls.collector = new_test_user(
            cls.env,
            login="collector",
            name="Collector Anna",
            email="anna.collector@example.com",
            groups="base.group_user,debt_collection.group_debt_collection_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="dc_manager",
            name="Manager Marek",
            email="marek.manager@example.com",
            groups="base.group_user,debt_collection.group_debt_collection_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.policy = cls.env["debt.collection.policy"].create(
            {"name": "Standard", "company_id": cls.company.id}
        )
        Step = cls.env["debt.collection.step"]
        template = Step._default_template
        cls.step_predue = Step.create(
            {
                "policy_id": cls.policy.id,
                "name": "Pre-due reminder",
                "sequence": 10,
                "days": -3,
                "action": "reminder",
                "mail_template_id": template("reminder", -3).id,
            }
        )
        cls.step_reminder = Step.create(
            {
                "policy_id": cls.policy.id,
                "name": "Overdue reminder",
                "sequence": 20,
                "days": 7,
                "repeat_interval": 7,
                "repeat_max": 2,
                "action": "reminder",
                "pay_by_days": 7,
                "min_item_amount": 20,
                "mail_template_id": template("reminder", 7).id,
            }
        )
        # The demands' steps come with debt_collection_demand.
        cls.has_demands = "debt.collection.demand" in cls.env
        cls.step_demand = cls.step_final = Step.browse()
        if cls.has_demands:
            cls.step_demand = Step.create(
                {
                    "policy_id": cls.policy.id,
                    "name": "Payment demand",
                    "sequence": 30,
                    "days": 40,
                    "action": "demand",
                    "pay_by_days": 7,
                    "min_partner_amount": 100,
                    "demand_auto_approve": True,
                    "mail_template_id": template("demand", 40).id,
                }
            )
        cls.step_call = Step.create(
            {
                "policy_id": cls.policy.id,
                "name": "Phone the customer",
                "sequence": 40,
                "days": 50,
                "action": "activity",
                "activity_summary": "Call about overdue invoices",
                "activity_deadline_days": 2,
            }
        )
        if cls.has_demands:
            cls.step_final = Step.create(
                {
                    "policy_id": cls.policy.id,
                    "name": "Final demand",
                    "sequence": 50,
                    "days": 70,
                    "action": "final_demand",
                    "pay_by_days": 5,
                    "demand_auto_approve": True,
                    "mail_template_id": template("final_demand", 70).id,
                }
            )
        cls.company.write(
            {
                "debt_collection_policy_id": cls.policy.id,
                "debt_collection_tz": "Europe/Warsaw",
                "debt_collection_send_hour": 8,
                "debt_collection_user_id": cls.collector.id,
                "debt_collection_existing": "all",
            }
        )
        cls.company._debt_collection_switch_on()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Hurtownia Kowalski Sp. z o.o.",
                "is_company": True,
                "email": "biuro@kowalski.example.com",
                "lang": "en_US",
            }
        )

    # Documents ---------------------------------------------------------

    @classmethod
    def _invoice(
        cls,
        partner,
        due,
        amount,
        invoice_date=None,
        currency=None,
        post=True,
        move_type="out_invoice",
        company=None,
    ):
        """A customer invoice of ``amount`` (no tax) due on ``due`` (in
        ``company``, default the test company)."""
        due = _to_date(due)
        moves = cls.env["account.move"]
        if company:
            moves = moves.with_company(company)
        move = moves.create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": _to_date(invoice_date)
                if invoice_date
                else due - timedelta(days=14),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "currency_id": (currency or cls.pln).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, on):
        """Register a payment of ``amount`` for ``invoice`` on date ``on``."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": _to_date(on)})
            ._create_payments()
        )

    @classmethod
    def _activate_polish(cls, modules=None):
        """Polish installed, with the translations of ``modules`` (default:
        the collection addons installed)."""
        cls.env["res.lang"]._activate_lang("pl_PL")
        if modules is None:
            modules = (
                cls.env["ir.module.module"]
                .search(
                    [("name", "=like", "debt_collection%"), ("state", "=", "installed")]
                )
                .mapped("name")
            )
        cls.env["ir.module.module"]._load_module_terms(
            list(modules), ["pl_PL"], overwrite=True
        )

    # Running -------------------------------------------------------------

    def setUp(self):
        super().setUp()
        self.smtp.reset()

    def _to(self, mail):
        """E-mail addresses the message is sent to (partners or plain addresses)."""
        addresses = mail.recipient_ids.mapped("email") + email_split(
            mail.email_to or ""
        )
        return sorted(email_normalize(address) for address in addresses)

    def _cc(self, mail):
        return sorted(
            email_normalize(address) for address in email_split(mail.email_cc or "")
        )

    @contextmanager
    def _refused(self, exception, message):
        """Expect ``exception`` matching ``message``, and roll back what the
        call did as the request would (Odoo's assertRaisesRegex does not)."""
        with self.assertRaisesRegex(exception, message), self.env.cr.savepoint():
            yield

    @classmethod
    def _credit_note(cls, partner, amount, on, currency=None):
        """An open (unreconciled) credit note of ``amount`` dated ``on``."""
        return cls._invoice(
            partner,
            on,
            amount,
            invoice_date=on,
            currency=currency,
            move_type="out_refund",
        )

    def _run(self, day, hour=10, deliver=True):
        """One automatic run at ``hour`` o'clock (Warsaw) on ``day``, then
        Odoo's mail queue (the run asks it to send at once) unless
        ``deliver`` is False."""
        day = _to_date(day)
        # UTC hour - 1 is ``hour`` in Warsaw in winter and hour + 1 in summer.
        with freeze_time(
            datetime(day.year, day.month, day.day, hour) - timedelta(hours=1)
        ):
            result = self.env["debt.collection.engine"]._run_collection_pass(
                companies=self.company
            )
            if deliver:
                self._send_queued_mails()
            return result

    def _send_queued_mails(self):
        """Odoo's mail queue, as its cron runs it (as the superuser)."""
        self.env["mail.mail"].sudo().process_email_queue()

    def _events(self, **domain):
        search = [("company_id", "=", self.company.id), ("event_type", "=", "action")]
        search += [(key, "=", value) for key, value in domain.items()]
        return self.env["debt.collection.event"].search(search, order="id")

    def _mails(self, partner=None):
        """Queued collection e-mails (messages and demands), those of
        ``partner`` if given."""
        domain = [
            "|",
            ("model", "=", "debt.collection.notice"),
            ("model", "=", "debt.collection.demand"),
        ]
        if partner:
            commercial = partner.commercial_partner_id
            notices = self.env["debt.collection.notice"].search(
                [("partner_id", "=", commercial.id)]
            )
            demands = (
                self.env["debt.collection.demand"].search(
                    [("partner_id", "=", commercial.id)]
                )
                if self.has_demands
                else self.env["res.partner"]  # no ids
            )
            domain = [
                "|",
                "&",
                ("model", "=", "debt.collection.notice"),
                ("res_id", "in", notices.ids),
                "&",
                ("model", "=", "debt.collection.demand"),
                ("res_id", "in", demands.ids),
            ]
        return self.env["mail.mail"].search(domain, order="id")


def _to_date(value):
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value
