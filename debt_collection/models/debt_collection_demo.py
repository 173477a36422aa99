"""The demo: a Polish wholesaler whose collection has run for four months.

``debt.collection.demo._build_demo(company)`` gives the company a year of
customer invoices (most paid, some late), switches collection on 120 days ago
and walks the engine day by day up to today, paying, crediting and deciding
on the way as a collector and an accountant would: every stage of collection
is present, from a pre-due reminder to a blocked customer. ``make demo``
builds it in a Polish company on the Polish chart (l10n_pl), and a test in a
company of its own (it commits as the engine does, per batch of customers:
not for a database in use).

Demo only: the NIPs and bank accounts are made up (valid check digits), the
exchange and interest rates are labelled "demo — verify before use".
"""

from datetime import date, datetime, time, timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..tools import calendar as sending_calendar
from .debt_collection_policy import set_name_translations

_lt = LazyTranslate(__name__)

# Collection was switched on this many days before today.
COLLECTION_DAYS = 120

# (key, name, city, zip, street, e-mail, mobile, language) of the customers.
# fmt: off
CUSTOMERS = [
    ("timber", "Bydgoszcz Timber Sp. z o.o.", "Bydgoszcz", "85-001", "ul. Gdańska 14", "biuro@bydgoszcz-timber.example.com", "+48 601 100 201", "pl_PL"),
    ("harbour", "Gdańsk Harbour Supplies S.A.", "Gdańsk", "80-001", "ul. Portowa 3", "ksiegowosc@gdansk-harbour.example.com", "+48 601 100 202", "pl_PL"),
    ("print", "Kraków Print House Sp. z o.o.", "Kraków", "30-001", "ul. Długa 21", "biuro@krakow-print.example.com", "+48 601 100 203", "pl_PL"),
    ("textile", "Łódź Textile Works S.A.", "Łódź", "90-001", "ul. Piotrkowska 101", "finanse@lodz-textile.example.com", "+48 601 100 204", "pl_PL"),
    ("machinery", "Poznań Machinery Sp. z o.o.", "Poznań", "60-001", "ul. Składowa 8", "rozrachunki@poznan-machinery.example.com", "+48 601 100 205", "pl_PL"),
    ("logistics", "Wrocław Logistics S.A.", "Wrocław", "50-001", "ul. Kolejowa 44", "ksiegowosc@wroclaw-logistics.example.com", "+48 601 100 206", "pl_PL"),
    ("foods", "Lublin Foods Sp. z o.o.", "Lublin", "20-001", "ul. Zamojska 5", "faktury@lublin-foods.example.com", "+48 601 100 207", "pl_PL"),
    ("shipyard", "Szczecin Shipyard S.A. (w restrukturyzacji)", "Szczecin", "70-001", "ul. Stoczniowa 2", "biuro@szczecin-shipyard.example.com", False, "pl_PL"),
    ("furniture", "Toruń Furniture Sp. z o.o.", "Toruń", "87-100", "ul. Szeroka 17", "biuro@torun-furniture.example.com", "+48 601 100 209", "pl_PL"),
    ("dairy", "Olsztyn Dairy Cooperative", "Olsztyn", "10-001", "ul. Mleczna 9", "zakupy@olsztyn-dairy.example.com", "+48 601 100 210", "pl_PL"),
    ("steel", "Katowice Steel Sp. z o.o.", "Katowice", "40-001", "ul. Hutnicza 1", False, False, "pl_PL"),
    ("berlin", "Berlin Baustoffe GmbH", "Berlin", "10115", "Invalidenstraße 12", "buchhaltung@berlin-baustoffe.example.com", False, "en_US"),
    ("electronics", "Rzeszów Electronics Sp. z o.o.", "Rzeszów", "35-001", "ul. Lwowska 30", "biuro@rzeszow-electronics.example.com", "+48 601 100 213", "pl_PL"),
    ("stone", "Kielce Stone S.A.", "Kielce", "25-001", "ul. Kamienna 4", "biuro@kielce-stone.example.com", "+48 601 100 214", "pl_PL"),
]
# fmt: on

# (customer, days from today to the due date, net amount, days after the due
# date it is paid or None, currency) of the open story.
STORY_INVOICES = [
    ("timber", 20, 4200.0, None, "PLN"),
    ("harbour", 3, 1850.5, None, "PLN"),
    ("print", -10, 730.0, None, "PLN"),
    ("print", -12, 268.4, None, "PLN"),
    ("textile", -35, 12480.0, None, "PLN"),
    ("machinery", -50, 5320.0, None, "PLN"),
    ("logistics", -70, 23999.99, None, "PLN"),
    ("foods", -40, 3100.0, None, "PLN"),
    ("shipyard", -50, 9800.0, None, "PLN"),
    ("furniture", -80, 15600.0, 45, "PLN"),
    ("furniture", -45, 4100.0, 30, "PLN"),
    ("dairy", -15, 2000.0, None, "PLN"),
    ("steel", -100, 48000.0, None, "PLN"),
    ("berlin", -20, 3400.0, None, "EUR"),
    ("electronics", -33, 6150.0, None, "PLN"),
    ("stone", -25, 2750.0, None, "PLN"),
]

# Customers with a year of paid invoices (the KPIs' history), and the delays
# they pay with (days after the due date).
HISTORY_CUSTOMERS = ("timber", "print", "textile", "logistics", "furniture", "foods")
HISTORY_DELAYS = [0, 4, 11, 27, 2, 45, 8, 0, 16]


def nip(seed):
    """A Polish tax number (NIP) with a valid check digit."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    number = 5250000000 + seed * 7919
    while True:
        digits = [int(d) for d in str(number)[:9]]
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)
        number += 10


def iban(seed):
    """A Polish bank account (NRB) in IBAN form with valid check digits."""
    bban = f"1020{1000 + seed:04d}{seed * 7:04d}{seed * 123456789 % 10**12:012d}"
    check = 98 - int(bban + "252100") % 97  # "PL" = 25 21, then "00"
    return f"PL{check:02d}{bban}"


class DebtCollectionDemo(models.AbstractModel):
    _name = "debt.collection.demo"
    _description = "Debt Collection Demo Data"

    @api.model
    def _build_demo(self, company=None):
        """Build the demo story in ``company`` (default: the main company);
        returns its records by role (for the test that checks it)."""
        company = company or self.env.ref("base.main_company")
        demo = self.with_company(company).with_context(
            tracking_disable=True, mail_notrack=True
        )
        story = {"company": company, "today": company._debt_collection_today()}
        demo._demo_languages()
        demo._demo_company(story)
        demo._demo_users(story)
        demo._demo_rates(story)
        demo._demo_policy(story)
        demo._demo_customers(story)
        demo._demo_history(story)
        demo._demo_invoices(story)
        demo._demo_walk(story)
        demo._demo_decisions(story)
        demo._demo_extras(story)
        demo._demo_dates(story)
        return story

    # Set-up -----------------------------------------------------------------

    def _demo_languages(self):
        """Polish, with the translations of the installed addons: the
        customers are Polish (also when the administrator works in English)."""
        if not self.env["res.lang"]._lang_get("pl_PL"):
            self.env["res.lang"]._activate_lang("pl_PL")
            self.env["ir.module.module"].search(
                [("state", "=", "installed")]
            )._update_translations("pl_PL")

    def _demo_company(self, story):
        company = story["company"]
        poland = self.env.ref("base.pl")
        values = {
            "street": "ul. Marszałkowska 100",
            "zip": "00-026",
            "city": "Warszawa",
            "country_id": poland.id,
            "phone": "+48 22 123 45 67",
            "email": "windykacja@mazur-hurt.example.com",
            "debt_collection_tz": "Europe/Warsaw",
            "debt_collection_existing": "all",
        }
        if company.name in ("YourCompany", "My Company"):
            values["name"] = "Hurtownia Mazur Sp. z o.o."
        if not company.vat:
            values["vat"] = "PL" + nip(1)
        company.write(values)
        bank = self.env["res.bank"].search([("bic", "=", "BPKOPLPW")], limit=1)
        bank = bank or self.env["res.bank"].create(
            {"name": "PKO Bank Polski", "bic": "BPKOPLPW", "country": poland.id}
        )
        if not company.partner_id.bank_ids:
            self.env["res.partner.bank"].create(
                {
                    "acc_number": iban(1),
                    "partner_id": company.partner_id.id,
                    "bank_id": bank.id,
                }
            )
        # A day off of the company's own (the public holidays need no entry).
        stocktaking = date(story["today"].year + 1, 1, 2)
        self.env["debt.collection.holiday"].create(
            {
                "name": self.env._(_lt("Stocktaking")),
                "date": stocktaking,
                "company_id": company.id,
            }
        )

    def _demo_users(self, story):
        company = story["company"]
        lang = "pl_PL"
        Users = self.env["res.users"].with_context(no_reset_password=True)

        def user(login, name, groups):
            existing = Users.search([("login", "=", login)], limit=1)
            if existing:
                existing.company_ids |= company
                return existing
            return Users.create(
                {
                    "login": login,
                    "password": login,
                    "name": name,
                    "email": f"{login}@mazur-hurt.example.com",
                    "lang": lang,
                    "tz": "Europe/Warsaw",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([self.env.ref(g).id for g in groups])],
                }
            )

        story["collector"] = user(
            "anna",
            "Anna Nowak",
            ["base.group_user", "debt_collection.group_debt_collection_user"],
        )
        story["accountant"] = user(
            "ewa",
            "Ewa Kowalczyk",
            ["base.group_user", "account.group_account_user"],
        )
        # The administrator approves and posts (else whoever builds the demo).
        admin = self.env.ref("base.user_admin")
        story["manager"] = admin if company in admin.company_ids else self.env.user
        company.write(
            {
                "debt_collection_user_id": story["collector"].id,
                "debt_collection_report_user_ids": [Command.link(story["manager"].id)],
            }
        )

    def _demo_rates(self, story):
        """EUR rates for the past fifteen months (the EUR invoice; with
        debt_collection_interest, the month ends the compensation needs);
        returns the rates created."""
        company, today = story["company"], story["today"]
        eur = self.env.ref("base.EUR")
        eur.active = True
        Rate = self.env["res.currency.rate"]
        if company.currency_id == eur:
            return Rate
        known = set(
            Rate.search(
                [
                    ("currency_id", "=", eur.id),
                    ("company_id", "in", [False, company.id]),
                ]
            ).mapped("name")
        )
        values = []
        for offset in range(460):
            day = today - timedelta(days=offset)
            if day.isoweekday() > 5 or day in known:
                continue
            known.add(day)
            # Around 4.25 PLN for one EUR, slowly moving.
            pln_per_eur = round(4.2 + (offset // 7 % 15) / 150 + (offset % 5) / 1000, 4)
            if company.currency_id.name != "PLN":
                pln_per_eur = 1.0
            values.append(
                {
                    "currency_id": eur.id,
                    "company_id": company.id,
                    "name": day,
                    "inverse_company_rate": pln_per_eur,
                }
            )
        return Rate.create(values)

    def _demo_policy(self, story):
        company = story["company"]
        Step = self.env["debt.collection.step"]
        template = Step._default_template
        policy = self.env["debt.collection.policy"].create(
            {"name": "Standard collection", "company_id": company.id}
        )
        set_name_translations(policy, _lt("Standard collection"))
        steps = [
            (_lt("Pre-due reminder"), {"days": -3, "action": "reminder"}),
            (
                _lt("Overdue reminder"),
                {
                    "days": 7,
                    "action": "reminder",
                    "repeat_interval": 7,
                    "repeat_max": 2,
                    "min_partner_amount": 50,
                    "pay_by_days": 7,
                },
            ),
            (
                _lt("Phone the customer"),
                {
                    "days": 45,
                    "action": "activity",
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "activity_summary": self.env._(
                        _lt("Call about the overdue documents")
                    ),
                    "activity_deadline_days": 2,
                },
            ),
        ]
        steps += self._demo_extra_steps()
        for sequence, (name, values) in enumerate(
            sorted(steps, key=lambda s: s[1]["days"]), start=1
        ):
            action = values["action"]
            if action in ("reminder", "demand", "final_demand"):
                values.setdefault(
                    "mail_template_id", template(action, values["days"]).id
                )
            step = Step.create(
                {
                    **values,
                    "name": str(name),
                    "policy_id": policy.id,
                    "sequence": sequence * 10,
                }
            )
            set_name_translations(step, name)
        company.debt_collection_policy_id = policy
        company.debt_collection_enabled_date = datetime.combine(
            story["today"] - timedelta(days=COLLECTION_DAYS), time(8)
        )
        company._debt_collection_switch_on()
        story["policy"] = policy

    def _demo_extra_steps(self):
        """[(name, step values)] of steps other addons add (SMS, the desk's
        sales block)."""
        return []

    def _demo_customers(self, story):
        company = story["company"]
        installed = dict(self.env["res.lang"].get_installed())
        germany = self.env.ref("base.de")
        poland = self.env.ref("base.pl")
        partners = {}
        for seed, (key, name, city, zip_code, street, email, mobile, lang) in enumerate(
            CUSTOMERS, start=2
        ):
            foreign = key == "berlin"
            partner = self.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": True,
                    "street": street,
                    "city": city,
                    "zip": zip_code,
                    "country_id": (germany if foreign else poland).id,
                    "vat": False if foreign else f"PL{nip(seed)}",
                    "email": email,
                    "mobile": mobile,
                    "phone": mobile,
                    "lang": lang if lang in installed else "en_US",
                    "debt_collection_user_id": story["collector"].id,
                    "company_id": False,
                    "bank_ids": [Command.create({"acc_number": iban(seed)})],
                }
            )
            partners[key] = partner
        partners["shipyard"].debt_collection_subject = False
        self.env["res.partner"].create(
            {
                "name": "Anna Kowalska",
                "type": "invoice",
                "parent_id": partners["print"].id,
                "email": "anna.kowalska@krakow-print.example.com",
                "mobile": "+48 602 200 300",
            }
        )
        story["partners"] = partners
        story["company"] = company

    # Documents --------------------------------------------------------------

    def _demo_product(self, story):
        if "product" not in story:
            story["product"] = self.env["product.product"].create(
                {
                    "name": self.env._(_lt("Building materials")),
                    "type": "consu",
                    "list_price": 1000.0,
                }
            )
        return story["product"]

    def _demo_invoice(self, story, partner, invoice_date, due, amount, currency=None):
        company = story["company"]
        tax = company.account_sale_tax_id
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": partner.id,
            "currency_id": (currency or company.currency_id).id,
            "invoice_date": invoice_date,
            "invoice_date_due": due,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": self._demo_product(story).id,
                        "name": self.env._(_lt("Building materials")),
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.set(tax.ids)],
                    }
                )
            ],
        }

    def _demo_post(self, vals_list):
        moves = self.env["account.move"].create(
            sorted(vals_list, key=lambda v: v["invoice_date"])
        )
        moves.action_post()
        return moves

    def _demo_history(self, story):
        """A year of monthly invoices of some customers, paid with delays."""
        today = story["today"]
        partners = story["partners"]
        vals_list = []
        for month in range(12, -1, -1):
            for index, key in enumerate(HISTORY_CUSTOMERS):
                invoice_date = fields.Date.subtract(today, months=month, days=index * 3)
                vals_list.append(
                    self._demo_invoice(
                        story,
                        partners[key],
                        invoice_date,
                        invoice_date + timedelta(days=30),
                        800 + 350 * ((month + index) % 5),
                    )
                )
        invoices = self._demo_post(vals_list)
        story.setdefault("payments", [])
        for number, invoice in enumerate(invoices):
            paid_on = invoice.invoice_date_due + timedelta(
                days=HISTORY_DELAYS[number % len(HISTORY_DELAYS)]
            )
            if paid_on < today - timedelta(days=5):
                story["payments"].append((paid_on, invoice, None))

    def _demo_invoices(self, story):
        company, today = story["company"], story["today"]
        partners = story["partners"]
        vals_list, plans = [], []
        for key, due_in, amount, paid_after, currency in STORY_INVOICES:
            due = today + timedelta(days=due_in)
            vals_list.append(
                self._demo_invoice(
                    story,
                    partners[key],
                    due - timedelta(days=30),
                    due,
                    amount,
                    # The company's currency (PLN in Poland), or EUR.
                    company.currency_id
                    if currency == "PLN"
                    else self.env.ref(f"base.{currency}"),
                )
            )
            plans.append((key, due, paid_after))
        invoices = self._demo_post(vals_list)
        story["invoices"] = {}
        for invoice in invoices:
            key = next(k for k, p in partners.items() if p == invoice.partner_id)
            story["invoices"].setdefault(key, self.env["account.move"])
            story["invoices"][key] |= invoice
            plan = next(
                p for p in plans if p[0] == key and p[1] == invoice.invoice_date_due
            )
            if plan[2] is not None:
                story["payments"].append(
                    (invoice.invoice_date_due + timedelta(days=plan[2]), invoice, None)
                )
        # A credit note applied to an invoice (returned goods), and an open
        # one: the customer's credit, netted in reminders.
        furniture, dairy = partners["furniture"], partners["dairy"]
        refunds = self.env["account.move"].create(
            [
                dict(
                    self._demo_invoice(
                        story,
                        partner,
                        today - timedelta(days=days),
                        today - timedelta(days=days),
                        amount,
                    ),
                    move_type="out_refund",
                )
                for partner, days, amount in (
                    (furniture, 60, 600.00),
                    (dairy, 12, 500.00),
                )
            ]
        )
        refunds.action_post()
        story["refunds"] = refunds
        story["payments"].append(
            (today - timedelta(days=60), story["invoices"]["furniture"][0], refunds[0])
        )

    # The walk ---------------------------------------------------------------

    def _demo_walk(self, story):
        """Run the engine on every day since collection was switched on, with
        the payments and the collectors' decisions of each day."""
        company, today = story["company"], story["today"]
        engine = self.env["debt.collection.engine"].with_company(company)
        actions = self._demo_timeline(story)
        start = today - timedelta(days=COLLECTION_DAYS)
        # Payments made before collection started.
        for day, invoice, credit in sorted(story["payments"], key=lambda p: p[0]):
            if day < start:
                self._demo_pay(invoice, day, credit)
        weekdays = company._debt_collection_weekdays()
        holidays = company._debt_collection_holidays()
        for offset in range(COLLECTION_DAYS + 1):
            day = start + timedelta(days=offset)
            last_event = self._demo_last_event(company)
            for paid_on, invoice, credit in story["payments"]:
                if paid_on == day:
                    self._demo_pay(invoice, day, credit)
            for action in actions.get(day, ()):
                action()
            if sending_calendar.is_sending_day(day, weekdays, holidays):
                plan = engine._plan(company, day)
                if plan.groups or plan.skipped:
                    engine._execute_plan(plan, origin="automatic")
                self._demo_deliver(company)
                self._demo_day_done(story, day)
            self._demo_date_events(company, day, last_event)
        engine._after_pass(company)
        # From now on the reminders carry copies of the invoices (the walk
        # does without: printing each invoice takes a second or two).
        story["policy"].step_ids.filtered(
            lambda s: s.action == "reminder" and s.days > 0
        ).attach_invoices = True

    def _demo_deliver(self, company):
        """The demo has no mail server: the day's e-mails count as taken by
        one, so that their actions are done (see debt.collection.delivery)."""
        # sudo: deliveries are written by the system only.
        self.env["debt.collection.delivery"].sudo().search(
            [
                ("company_id", "=", company.id),
                ("channel", "=", "email"),
                ("state", "=", "queued"),
            ]
        )._mark_sent()

    def _demo_day_done(self, story, day):
        """After each sending day of the walk: addons act on the documents the
        run prepared (the interest addon posts its notes)."""
        return True

    def _demo_last_event(self, company):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(MAX(id), 0) FROM debt_collection_event WHERE company_id = %s",
                company.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _demo_date_events(self, company, day, last_event):
        """The events of the walk's day at that day's time (the engine and the
        documents record when they run: now)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE debt_collection_event
                      SET date = %s::date + interval '9 hours'
                                 + (id - %s) * interval '1 second'
                    WHERE company_id = %s AND id > %s""",
                day,
                last_event,
                company.id,
                last_event,
            )
        )
        self.env["debt.collection.event"].invalidate_model(["date"])

    def _demo_pay(self, invoice, day, credit=None):
        if not invoice.amount_residual:
            return  # paid already
        if credit:
            lines = (invoice + credit).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            lines.reconcile()
            return
        journal_type = "cash" if invoice.amount_total < 1500 else "bank"
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(invoice.company_id),
                ("type", "=", journal_type),
            ],
            limit=1,
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"payment_date": day, **({"journal_id": journal.id} if journal else {})}
        )._create_payments()

    def _demo_timeline(self, story):
        """{day: [actions]} of what people do during the walk (other addons
        add theirs: the desk's promise to pay and dispute, the demands
        approved and e-mailed)."""
        return {}

    # After the walk ---------------------------------------------------------

    def _demo_decisions(self, story):
        """What the manager and the collectors decided today on the prepared
        documents (the demand addon approves, prints and cancels demands)."""
        return True

    def _demo_extras(self, story):
        """Other addons' part of the story (a quotation of the blocked
        customer)."""
        return True

    def _demo_dates(self, story):
        """The history at its own dates: the engine records when it ran (now),
        the demo walked the past."""
        company = story["company"]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE debt_collection_run
                      SET create_date = date + interval '9 hours'
                    WHERE company_id = %s""",
                company.id,
            )
        )
        # The demo's messages count as sent (there is no mail server).
        self.env.cr.execute(
            SQL(
                """UPDATE mail_mail mm SET state = 'sent'
                     FROM mail_message m
                    WHERE m.id = mm.mail_message_id AND mm.state = 'outgoing'
                      AND m.model = ANY(%s)""",
                [
                    *self.env["debt.collection.delivery"]._get_collection_mail_models(),
                    "debt.collection.run",
                ],
            )
        )
        self.env.invalidate_all()
