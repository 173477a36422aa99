"""Benchmark of one full collection pass (``make bench``).

Builds (once) a database with 20,000 posted customer invoices over 2,000
customers, with mixed due dates and partial payments, open credit notes for
5 % of them and an opening-balance entry holding the balances of a tenth of
the customers, then runs one engine
pass and prints: items examined, actions taken, seconds, items per second, SQL
queries in total and per customer. The pass runs in a transaction that is
rolled back at the end, so every ``make bench`` measures the same first pass
(the heaviest one: nothing has been sent yet). A second measurement on a
quarter of the customers shows that the cost per customer does not grow with
the number of customers.
"""

import argparse
import io
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from unittest.mock import patch

import delivery_outage  # beside this script

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL
from odoo.tools.pdf import PdfReader

RUN_DATE = date(2026, 3, 2)  # a Monday
BENCH_COMPANY = "Bench Sp. z o.o."


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument(
        "--rebuild", action="store_true", help="drop and rebuild the data"
    )
    parser.add_argument(
        "--delivery-only",
        action="store_true",
        help="only the e-mail delivery through an SMTP outage",
    )
    return parser.parse_args()


def run_odoo(args, *options):
    """Odoo's command line on the bench database, stopping after init."""
    subprocess.run(
        [sys.executable, "-m", "odoo", "-c", args.config, "-d", args.database]
        + [*options, "--stop-after-init", "--log-level=warn"],
        check=True,
    )


def ensure_database(args):
    """Create the database with the addon (no demo data) when missing."""
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    exists = args.database in odoo.service.db.list_dbs(force=True)
    if exists and not args.rebuild:
        # Reused: bring the addon up to date with this checkout.
        run_odoo(args, "-u", "debt_collection")
        return
    if exists:
        odoo.sql_db.close_db(args.database)
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr._cnx.autocommit = True  # DROP DATABASE cannot run in a transaction
            cr.execute(SQL("DROP DATABASE %s", SQL.identifier(args.database)))
    print(f"Creating database {args.database} (installs account + debt_collection) ...")
    run_odoo(args, "-i", "debt_collection", "--without-demo=all")


def get_company(env):
    return env["res.company"].search([("name", "=", BENCH_COMPANY)], limit=1)


def build_data(env, args):
    """Company, policy, customers, invoices and partial payments."""
    started = time.monotonic()
    pln = env.ref("base.PLN")
    pln.active = True
    company = env["res.company"].create({"name": BENCH_COMPANY, "currency_id": pln.id})
    env["account.chart.template"].try_loading(
        "generic_coa", company=company, install_demo=False
    )
    company.currency_id = pln
    # No chatter tracking while generating data: it is not what is measured.
    env = env(
        context=dict(
            env.context,
            allowed_company_ids=[company.id],
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
        )
    )
    template = env["debt.collection.step"]._default_template
    policy = env["debt.collection.policy"].create(
        {
            "name": "Bench policy",
            "company_id": company.id,
            "step_ids": [
                Command.create(
                    {
                        "name": "Pre-due reminder",
                        "days": -3,
                        "action": "reminder",
                        "mail_template_id": template("reminder", -3).id,
                    }
                ),
                Command.create(
                    {
                        "name": "Overdue reminder",
                        "days": 7,
                        "repeat_interval": 7,
                        "repeat_max": 2,
                        "min_item_amount": 20,
                        "pay_by_days": 7,
                        "action": "reminder",
                        "mail_template_id": template("reminder", 7).id,
                    }
                ),
                Command.create(
                    {
                        "name": "Payment demand",
                        "days": 30,
                        "min_partner_amount": 100,
                        "pay_by_days": 7,
                        "action": "demand",
                        "mail_template_id": template("demand", 30).id,
                    }
                ),
                Command.create(
                    {
                        "name": "Phone the customer",
                        "days": 45,
                        "action": "activity",
                        "activity_deadline_days": 2,
                    }
                ),
                Command.create(
                    {
                        "name": "Final demand",
                        "days": 60,
                        "pay_by_days": 7,
                        "action": "final_demand",
                        "mail_template_id": template("final_demand", 60).id,
                    }
                ),
            ],
        }
    )
    company.write(
        {
            "debt_collection_policy_id": policy.id,
            "debt_collection_user_id": SUPERUSER_ID + 1,  # the admin user
            "email": "windykacja@bench.example.com",
            "debt_collection_existing": "all",
        }
    )
    rng = random.Random(2026)
    partners = env["res.partner"].create(
        [
            {
                "name": f"Customer {n:05d}",
                "is_company": True,
                "email": f"customer{n:05d}@bench.example.com",
            }
            for n in range(args.customers)
        ]
    )
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
    )
    invoices = env["account.move"]
    for start in range(0, args.invoices, 1000):
        vals_list = []
        for n in range(start, min(start + 1000, args.invoices)):
            due = RUN_DATE + timedelta(days=rng.randint(-100, 30))
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": partners[n % len(partners)].id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Goods",
                                "quantity": 1,
                                "price_unit": rng.randint(1000, 500000) / 100,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        batch = env["account.move"].create(vals_list)
        batch.action_post()
        invoices |= batch
        env.cr.commit()
        print(f"  {len(invoices)} invoices posted ({time.monotonic() - started:.0f} s)")
    # Partial payments on one invoice in ten: a payment entry per 500 items.
    receivable = company.partner_id.with_company(company).property_account_receivable_id
    bank = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
    )
    paid = invoices[::10]
    for start in range(0, len(paid), 500):
        chunk = paid[start : start + 500]
        amounts = [round(inv.amount_total * rng.uniform(0.2, 0.8), 2) for inv in chunk]
        entry = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "date": RUN_DATE - timedelta(days=1),
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": inv.partner_id.id,
                            "credit": amount,
                            "name": f"Payment {inv.name}",
                        }
                    )
                    for inv, amount in zip(chunk, amounts, strict=True)
                ]
                + [
                    Command.create(
                        {
                            "account_id": bank.default_account_id.id,
                            "debit": sum(amounts),
                            "name": "Bank",
                        }
                    )
                ],
            }
        )
        entry.action_post()
        credits = entry.line_ids.filtered(lambda line: line.account_id == receivable)
        for inv, credit in zip(chunk, credits, strict=True):
            (
                inv.line_ids.filtered(lambda line: line.account_id == receivable)
                | credit
            ).reconcile()
        env.cr.commit()
        print(
            f"  {start + len(chunk)} partial payments ({time.monotonic() - started:.0f} s)"
        )
    add_credits_and_opening_entry(env, company, partners, invoices, rng, started)
    company._debt_collection_switch_on()  # last: marks the data complete
    env.cr.commit()
    print(f"Data built in {time.monotonic() - started:.0f} s")


def add_credits_and_opening_entry(env, company, partners, invoices, rng, started):
    """Open credit notes for 5 % of the invoices (not reconciled: the engine
    nets them), and one opening-balance entry with the balances of a tenth of
    the customers (and a few credits), as migrated from another ERP."""
    count = len(invoices) // 20
    refunds = env["account.move"]
    for start in range(0, count, 500):
        vals_list = []
        for invoice in invoices[start * 20 : (start + 500) * 20 : 20]:
            vals_list.append(
                {
                    "move_type": "out_refund",
                    "journal_id": invoice.journal_id.id,
                    "partner_id": invoice.partner_id.id,
                    "invoice_date": RUN_DATE - timedelta(days=rng.randint(1, 40)),
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Correction",
                                "quantity": 1,
                                "price_unit": round(
                                    invoice.amount_total * rng.uniform(0.1, 1.2), 2
                                ),
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        batch = env["account.move"].create(vals_list)
        batch.action_post()
        refunds |= batch
        env.cr.commit()
    print(f"  {len(refunds)} open credit notes ({time.monotonic() - started:.0f} s)")
    receivable = company.partner_id.with_company(company).property_account_receivable_id
    misc = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "general")], limit=1
    )
    lines = []
    for partner in partners[::10]:
        amount = rng.randint(-20000, 300000) / 100
        lines.append(
            Command.create(
                {
                    "account_id": receivable.id,
                    "partner_id": partner.id,
                    "debit": max(amount, 0),
                    "credit": max(-amount, 0),
                    "date_maturity": RUN_DATE - timedelta(days=rng.randint(0, 120)),
                    "name": f"Opening balance {partner.name}",
                }
            )
        )
    total = sum(line[2]["debit"] - line[2]["credit"] for line in lines)
    equity = env["account.account"].search(
        [("company_ids", "in", company.id), ("account_type", "=", "equity")], limit=1
    )
    entry = env["account.move"].create(
        {
            "move_type": "entry",
            "journal_id": misc.id,
            "date": RUN_DATE - timedelta(days=120),
            "ref": "Opening balances",
            "line_ids": lines
            + [
                Command.create(
                    {
                        "account_id": equity.id,
                        "debit": max(-total, 0),
                        "credit": max(total, 0),
                        "name": "Opening balances",
                    }
                )
            ],
        }
    )
    entry.action_post()
    env.cr.commit()
    print(
        f"  opening entry of {len(lines)} customers ({time.monotonic() - started:.0f} s)"
    )


def reset_collection(env, company):
    """Forget every collection action of the bench company (left by an
    interrupted run), so that each measurement is a first pass."""
    env.flush_all()
    for query in (
        "DELETE FROM mail_message WHERE model IN"
        " ('debt.collection.notice', 'debt.collection.run')",
        "DELETE FROM mail_activity WHERE res_model = 'res.partner'",
        "DELETE FROM debt_collection_event WHERE company_id = %(company)s",
        "DELETE FROM debt_collection_notice WHERE company_id = %(company)s",
        "DELETE FROM debt_collection_run WHERE company_id = %(company)s",
        "UPDATE account_move SET debt_collection_stage_id = NULL,"
        " debt_collection_last_action_date = NULL WHERE company_id = %(company)s",
    ):
        env.cr.execute(query, {"company": company.id})
    env.cr.commit()
    env.invalidate_all()


def vacuum(dbname):
    """Clean the rows a rolled-back pass left behind, so that the next
    measurement does not pay for them."""
    with odoo.sql_db.db_connect(dbname).cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM cannot run in a transaction
        cr.execute(
            "VACUUM ANALYZE debt_collection_event, debt_collection_notice,"
            " debt_collection_run, mail_message, mail_mail, mail_activity"
        )


def measure(env, company, partner_ids=None):
    """Time the decision and the whole pass; everything is rolled back (the
    engine's commit per batch is switched off for that)."""
    engine = env["debt.collection.engine"].with_company(company)
    restrict = engine._restrict_partners(partner_ids) if partner_ids else None
    cr = env.cr
    # The decision has no side effect: the best of three runs, each on a cold
    # cache, so that a busy machine disturbs the figure less.
    decide_seconds = None
    for _attempt in range(3):
        engine.env.invalidate_all()
        queries = cr.sql_log_count
        started = time.monotonic()
        plan = engine._plan(company, RUN_DATE, restrict=restrict)
        seconds = time.monotonic() - started
        decide_seconds = min(seconds, decide_seconds or seconds)
        decide_queries = cr.sql_log_count - queries
    items = len(engine._fetch_items(company, restrict))
    queries = cr.sql_log_count
    started = time.monotonic()
    with patch.object(type(engine), "_can_commit", return_value=False):
        engine._execute_plan(plan, origin="automatic")
        env.flush_all()
    act_seconds = time.monotonic() - started
    act_queries = cr.sql_log_count - queries
    counts = dict(
        env.execute_query(
            SQL(
                "SELECT state, count(*) FROM debt_collection_event "
                "WHERE company_id = %s AND event_type = 'action' GROUP BY state",
                company.id,
            )
        )
    )
    mails = env["mail.mail"].search_count(
        [("model", "in", ("debt.collection.notice", "debt.collection.demand"))]
    )
    demands = env["debt.collection.demand"].search_count(
        [("company_id", "=", company.id)]
    )
    activities = env["mail.activity"].search_count([("res_model", "=", "res.partner")])
    customers = len(plan.partner_ids)
    cr.rollback()
    vacuum(cr.dbname)
    return {
        "customers": customers,
        "items": items,
        "decide_seconds": decide_seconds,
        "decide_queries": decide_queries,
        "act_seconds": act_seconds,
        "act_queries": act_queries,
        "done": counts.get("done", 0),
        "queued": counts.get("queued", 0),
        "skipped": counts.get("skipped", 0),
        "failed": counts.get("failed", 0),
        "mails": mails,
        "activities": activities,
        "demands": demands,
    }


def report(title, result):
    total = result["decide_seconds"] + result["act_seconds"]
    queries = result["decide_queries"] + result["act_queries"]
    customers = max(result["customers"], 1)
    print(f"\n{title}")
    print(f"  customers with work        {result['customers']:>10}")
    print(f"  items examined             {result['items']:>10}")
    print(
        f"  actions taken              {result['done'] + result['queued']:>10}  "
        f"(done {result['done']}, queued for their channel {result['queued']}, "
        f"skipped {result['skipped']}, failed {result['failed']}; "
        f"{result['mails']} e-mails queued, {result['activities']} activities, "
        f"{result['demands']} demands prepared)"
    )
    print(
        f"  decision (best of 3)       {result['decide_seconds']:>10.2f} s  "
        f"{result['items'] / result['decide_seconds']:>9.0f} items/s  "
        f"{result['decide_queries']} queries"
    )
    print(
        f"  whole pass                 {total:>10.2f} s  "
        f"{result['items'] / total:>9.0f} items/s  {queries} queries"
    )
    print(f"  SQL queries per customer   {queries / customers:>10.2f}")


def start_http_server():
    """Serve Odoo in this process, as `make demo` does, so that wkhtmltopdf
    loads the report styles like in production. Returns the base URL."""
    import socket

    from odoo.service import server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    odoo.tools.config["http_port"] = port
    odoo.tools.config["http_interface"] = "127.0.0.1"
    server.load_server_wide_modules()
    server.server = server.ThreadedServer(odoo.http.root)
    server.server.http_spawn()
    return f"http://127.0.0.1:{port}"


def measure_printing(env, company, count, base_url):
    """Approve ``count`` demands and print them in one pass (rolled back)."""
    items = env["account.move.line"].search(
        [
            ("company_id", "=", company.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("parent_state", "=", "posted"),
            ("date_maturity", "<", RUN_DATE),
        ]
    )
    partners = items.move_id.debt_collection_partner_id[:count]
    items = items.filtered(lambda i: i.move_id.debt_collection_partner_id in partners)
    if base_url:
        env["ir.config_parameter"].sudo().set_param("report.url", base_url)
    demands = env["debt.collection.demand"]._create_for_items(
        company, "demand", items, date=RUN_DATE, auto_approve=True
    )
    env.flush_all()
    started = time.monotonic()
    pdf, _kind = env["ir.actions.report"]._render_qweb_pdf(
        "debt_collection.action_report_demand", demands.ids
    )
    seconds = time.monotonic() - started
    # A letter that lost its styles (an asset the server failed to serve)
    # prints faster: make sure the last letter is there, in real fonts.
    reader = PdfReader(io.BytesIO(pdf))
    last = reader.pages[-1].extract_text() if reader.pages else ""
    complete = demands[-1].name in last and b"LiberationSans" in pdf
    env.cr.rollback()
    return len(demands), len(items), len(pdf), seconds, complete


def multiply_open_items(env, company, target):
    """Copy the company's open receivable lines (due dates spread over a year)
    until there are at least ``target``: enough for the ageing's scale."""
    cr = env.cr
    open_items = SQL(
        """FROM account_move_line aml
             JOIN account_account a ON a.id = aml.account_id
            WHERE aml.company_id = %s AND a.account_type = 'asset_receivable'
              AND aml.parent_state = 'posted' AND aml.amount_residual != 0""",
        company.id,
    )
    cr.execute(SQL("SELECT COUNT(*) %s", open_items))
    existing = cr.fetchone()[0]
    copies = max(0, -(-target // existing) - 1)
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'account_move_line' AND column_name != 'id'"""
    )
    columns = [row[0] for row in cr.fetchall()]
    shifted = [
        SQL("aml.date_maturity - (copy * 37 %% 365)")
        if name == "date_maturity"
        else SQL("aml.%s", SQL.identifier(name))
        for name in columns
    ]
    cr.execute(
        SQL(
            """INSERT INTO account_move_line (%s)
               SELECT %s FROM (SELECT aml.* %s) aml, generate_series(1, %s) copy""",
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL(", ").join(shifted),
            open_items,
            copies,
        )
    )
    cr.execute("ANALYZE account_move_line")
    return existing * (copies + 1)


def measure_ageing(env, company, target):
    """Ageing of ``target`` open items, then its Excel export (rolled back)."""
    items = multiply_open_items(env, company, target)
    env.invalidate_all()
    report = env["debt.collection.ageing"].create({"date": RUN_DATE})
    report._compute_lines()  # warm-up
    queries = env.cr.sql_log_count
    started = time.monotonic()
    report._compute_lines()
    seconds = time.monotonic() - started
    queries = env.cr.sql_log_count - queries
    lines = len(report.line_ids)
    started = time.monotonic()
    attachment = env["debt.collection.xlsx"]._export_ageing(report)
    export_seconds = time.monotonic() - started
    size = len(attachment.raw)
    env.cr.rollback()
    return items, lines, seconds, queries, export_seconds, size


def main():
    args = parse_args()
    ensure_database(args)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = get_company(env)
        if company and not company.debt_collection_enabled:
            raise SystemExit("The benchmark data is incomplete: run with --rebuild.")
        if not company:
            build_data(env, args)
            company = get_company(env)
        env = env(context={"allowed_company_ids": [company.id]})
        count = env["account.move"].search_count(
            [("company_id", "=", company.id), ("move_type", "=", "out_invoice")]
        )
        refunds = env["account.move"].search_count(
            [("company_id", "=", company.id), ("move_type", "=", "out_refund")]
        )
        partners = env["res.partner"].search(
            [
                ("name", "=like", "Customer %"),
                ("email", "=like", "%@bench.example.com"),
            ],
            order="id",
        )
        if not refunds:  # a database built before credits were part of it
            invoices = env["account.move"].search(
                [("company_id", "=", company.id), ("move_type", "=", "out_invoice")],
                order="id",
            )
            add_credits_and_opening_entry(
                env, company, partners, invoices, random.Random(2026), time.monotonic()
            )
            refunds = len(invoices) // 20
        print(
            f"Database {args.database}: {count} invoices, {refunds} open credit notes, "
            f"{len(partners)} customers, run date {RUN_DATE}"
        )
        reset_collection(env, company)
        vacuum(args.database)
        delivery = delivery_outage.measure_outage(env, company, RUN_DATE)
        vacuum(args.database)
        if args.delivery_only:
            delivery_outage.report(delivery)
            return
        # Warm-up: load the registry's caches, templates and views once.
        measure(env, company, partners[:20].ids)
        quarter = measure(env, company, partners[: len(partners) // 4].ids)
        full = measure(env, company)
        report(
            f"One pass over a quarter of the customers ({len(partners) // 4})", quarter
        )
        report(f"One full pass ({len(partners)} customers)", full)
        delivery_outage.report(delivery)
        items, lines, seconds, queries, export_seconds, size = measure_ageing(
            env, company, 200_000
        )
        print(f"\nAgeing of {items} open items (one grouped query)")
        print(f"  customer x bucket lines    {lines:>10}")
        print(
            f"  seconds                    {seconds:>10.2f}  "
            f"({items / seconds:,.0f} items/s, {queries} queries)"
        )
        print(
            f"  Excel export (summary + {items} item rows) {export_seconds:.1f} s, "
            f"{size / 1024 / 1024:.1f} MB"
        )
        base_url = start_http_server()
        demands, items, size, seconds, complete = measure_printing(
            env, company, 500, base_url
        )
        print("\nPrinting payment demands (one wkhtmltopdf pass for all)")
        print(f"  demands printed            {demands:>10}  ({items} documents listed)")
        print(f"  PDF size                   {size / 1024 / 1024:>10.1f} MB")
        print(
            f"  seconds                    {seconds:>10.2f}  "
            f"({demands / seconds:.1f} demands/s)"
        )
        if not complete:
            print(
                "  WARNING: the PDF is incomplete or unstyled; the figure is not valid"
            )


if __name__ == "__main__":
    main()
