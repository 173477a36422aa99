"""Benchmark of one full collection pass (``make bench``).

Builds (once) a database with 20,000 posted customer invoices over 2,000
customers, with mixed due dates and partial payments, open credit notes for
5 % of them and an opening-balance entry holding the balances of a tenth of
the customers, then runs one engine
pass and prints: items examined, actions taken, seconds, items per second, SQL
queries in total and per customer. The pass runs in a transaction that is
rolled back at the end, so every ``make bench`` measures the same first pass
(the heaviest one: nothing has been sent yet), with the collection tables
analysed after its first batch as in a database in use. A second measurement on a
quarter of the customers shows that the cost per customer does not grow with
the number of customers.
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest.mock import patch

import delivery_outage  # beside this script
from freezegun import freeze_time

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL
from odoo.tools.pdf import PdfReader

RUN_DATE = date(2026, 3, 2)  # a Monday
RUN_MORNING = datetime(2026, 3, 2, 9)
BENCH_COMPANY = "Bench Sp. z o.o."
# The core, and the addons the pass (demands, cases, blocks), the printing
# and the ageing need: what debt_collection held before the split.
BENCH_ADDONS = (
    "debt_collection,debt_collection_interest,debt_collection_demand,"
    "debt_collection_desk,debt_collection_analysis"
)


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
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="customers and documents times this (a copy of the bench database "
        "multiplied in SQL, kept as <database>_x<scale>)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="worker processes of the parallel pass (compared with one)",
    )
    parser.add_argument(
        "--cron-budget",
        type=float,
        default=0,
        help="seconds a cron call may work in the resumed pass (default: a "
        "third of the single worker's pass, so that it takes several calls)",
    )
    parser.add_argument(
        "--ageing-items",
        type=int,
        default=2_000_000,
        help="open items of the ageing measurement",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated parts to run: pass, workers, delivery, ageing, printing",
    )
    # Internal: a worker process of the parallel pass (see run_worker).
    parser.add_argument("--worker", choices=("batches", "cron"), help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0, help=argparse.SUPPRESS)
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
        run_odoo(args, "-u", BENCH_ADDONS)
        return
    if exists:
        odoo.sql_db.close_db(args.database)
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr._cnx.autocommit = True  # DROP DATABASE cannot run in a transaction
            cr.execute(SQL("DROP DATABASE %s", SQL.identifier(args.database)))
    print(f"Creating database {args.database} (installs account + {BENCH_ADDONS}) ...")
    run_odoo(args, "-i", BENCH_ADDONS, "--without-demo=all")


def database_exists(name):
    return name in odoo.service.db.list_dbs(force=True)


def copy_database(source, target):
    """``target`` as a fresh copy of ``source`` (PostgreSQL template copy)."""
    odoo.sql_db.close_db(source)
    odoo.sql_db.close_db(target)
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(target)))
        cr.execute(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(target),
                SQL.identifier(source),
            )
        )


def drop_database(name):
    odoo.sql_db.close_db(name)
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))


def ensure_scaled_database(args):
    """The bench database with its customers and documents multiplied by
    ``--scale``: copied from the base one, then multiplied in SQL (each copy
    of a customer gets copies of its invoices and credit notes, with their
    journal items; partial payments stay as the items' residuals). Building
    it through the ORM would take hours; this takes a minute or two."""
    target = f"{args.database}_x{args.scale}"
    if database_exists(target) and not args.rebuild:
        run_odoo(
            argparse.Namespace(config=args.config, database=target),
            "-u",
            BENCH_ADDONS,
        )
        return target
    print(f"Creating {target}: {args.database} with everything x{args.scale} ...")
    started = time.monotonic()
    copy_database(args.database, target)
    registry = odoo.modules.registry.Registry(target)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        multiply_customers(env, get_company(env), args.scale)
    odoo.sql_db.close_db(target)
    print(f"  done in {time.monotonic() - started:.0f} s")
    return target


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def _copy_rows(cr, table, mapping, overrides, where):
    """INSERT copies of ``table``'s rows through the temporary ``mapping``
    table (old_id, k, new_id): every column copied but the ``overrides``
    ({column: SQL expression over t, m, and the other mappings})."""
    columns = [c for c in _columns(cr, table) if c != "id"]
    cr.execute(
        SQL(
            "INSERT INTO %s (id, %s) SELECT m.new_id, %s FROM %s t"
            " JOIN %s m ON m.old_id = t.id WHERE %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(
                overrides.get(c) or SQL("t.%s", SQL.identifier(c)) for c in columns
            ),
            SQL.identifier(table),
            SQL.identifier(mapping),
            where,
        )
    )
    return cr.rowcount


def multiply_customers(env, company, scale):
    cr = env.cr
    env.flush_all()
    copies = SQL("generate_series(1, %s) k", scale - 1)
    cr.execute(
        SQL(
            """CREATE TEMP TABLE partner_map AS
               SELECT p.id AS old_id, k, nextval('res_partner_id_seq') AS new_id
                 FROM res_partner p, %s
                WHERE p.name LIKE %s AND p.email LIKE %s""",
            copies,
            "Customer %",
            "%@bench.example.com",
        )
    )
    cr.execute(
        SQL(
            """CREATE TEMP TABLE move_map AS
               SELECT m.id AS old_id, k, nextval('account_move_id_seq') AS new_id
                 FROM account_move m, %s
                WHERE m.company_id = %s AND m.move_type IN ('out_invoice', 'out_refund')""",
            copies,
            company.id,
        )
    )
    cr.execute(
        SQL(
            """CREATE TEMP TABLE line_map AS
               SELECT l.id AS old_id, mm.k, nextval('account_move_line_id_seq') AS new_id
                 FROM account_move_line l JOIN move_map mm ON mm.old_id = l.move_id"""
        )
    )
    cr.execute("CREATE INDEX ON partner_map (old_id, k)")
    cr.execute("CREATE INDEX ON move_map (old_id, k)")
    suffix = SQL("' ' || m.k")

    def new_partner(column):
        return SQL(
            "COALESCE((SELECT pm.new_id FROM partner_map pm"
            " WHERE pm.old_id = t.%s AND pm.k = m.k), t.%s)",
            SQL.identifier(column),
            SQL.identifier(column),
        )

    partners = _copy_rows(
        cr,
        "res_partner",
        "partner_map",
        {
            "name": SQL("t.name || %s", suffix),
            "complete_name": SQL("t.complete_name || %s", suffix),
            "email": SQL("replace(t.email, '@', '.' || m.k || '@')"),
            "email_normalized": SQL(
                "replace(t.email_normalized, '@', '.' || m.k || '@')"
            ),
            "commercial_partner_id": SQL("m.new_id"),
        },
        SQL("TRUE"),
    )
    moves = _copy_rows(
        cr,
        "account_move",
        "move_map",
        {
            "name": SQL("t.name || '-' || m.k"),
            "partner_id": new_partner("partner_id"),
            "commercial_partner_id": new_partner("commercial_partner_id"),
            "partner_shipping_id": new_partner("partner_shipping_id"),
            "payment_reference": SQL("t.payment_reference || '-' || m.k"),
        },
        SQL("TRUE"),
    )
    lines = _copy_rows(
        cr,
        "account_move_line",
        "line_map",
        {
            "move_id": SQL(
                "(SELECT mm.new_id FROM move_map mm WHERE mm.old_id = t.move_id AND mm.k = m.k)"
            ),
            "move_name": SQL("t.move_name || '-' || m.k"),
            "partner_id": new_partner("partner_id"),
            "full_reconcile_id": SQL("NULL"),
            "matching_number": SQL("NULL"),
        },
        SQL("TRUE"),
    )
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE account_move")
    cr.execute("ANALYZE account_move_line")
    cr.commit()
    print(f"  copied {partners} customers, {moves} documents, {lines} journal items")


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


# The tables a pass writes, whose statistics the planner reads as it goes.
COLLECTION_TABLES = (
    "debt_collection_event",
    "debt_collection_demand",
    "debt_collection_demand_line",
    "debt_collection_notice",
    "debt_collection_delivery",
    "debt_collection_case",
    "mail_mail",
    "mail_message",
    "mail_activity",
)


@contextmanager
def statistics_as_in_use(engine):
    """The measured pass runs in one transaction that is rolled back, on
    collection tables that PostgreSQL has analysed as empty (the last
    measurement rolled back its rows, VACUUM ANALYZE found none). A database
    in use has statistics: history, and autovacuum analysing the rows each
    pass commits. Without them the planner believes the tables empty while
    the pass fills them, and hashes the whole event table for every update
    of a few rows. So the tables are analysed once, after the first batch,
    as autovacuum would; its seconds (yielded) are not counted."""
    seconds = []
    execute_batch = type(engine)._execute_batch

    def execute_batch_then_analyze(self, *args, **kwargs):
        result = execute_batch(self, *args, **kwargs)
        if not seconds:
            started = time.monotonic()
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "ANALYZE %s", SQL(", ").join(map(SQL.identifier, COLLECTION_TABLES))
                )
            )
            seconds.append(time.monotonic() - started)
        return result

    with patch.object(type(engine), "_execute_batch", execute_batch_then_analyze):
        yield seconds


def backend_cpu_seconds(cr):
    """CPU seconds used so far by the PostgreSQL backend serving ``cr``, read
    from /proc when the server runs on this machine (else None)."""
    cr.execute("SELECT pg_backend_pid()")
    try:
        with open(f"/proc/{cr.fetchone()[0]}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields of the line.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    # Where the time goes, Odoo or PostgreSQL (read outside the counted queries).
    backend_cpu = backend_cpu_seconds(cr)
    queries = cr.sql_log_count
    odoo_cpu = time.process_time()
    started = time.monotonic()
    with (
        patch.object(type(engine), "_can_commit", return_value=False),
        statistics_as_in_use(engine) as analyze_seconds,
    ):
        engine._execute_plan(plan, origin="automatic")
        env.flush_all()
    act_seconds = time.monotonic() - started - sum(analyze_seconds)
    odoo_cpu = time.process_time() - odoo_cpu
    act_queries = cr.sql_log_count - queries
    if backend_cpu is not None:
        backend_cpu = backend_cpu_seconds(cr) - backend_cpu
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
        "odoo_cpu": odoo_cpu,
        "backend_cpu": backend_cpu,
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
    backend = result["backend_cpu"]
    print(
        f"  CPU time of the pass       {result['odoo_cpu']:>10.2f} s  Odoo"
        + (f", {backend:.2f} s PostgreSQL" if backend is not None else "")
        + " (the analysis after the first batch included)"
    )
    print(f"  SQL queries per customer   {queries / customers:>10.2f}")


def start_http_server(database):
    """Serve ``database`` in this process, as `make demo` does, so that
    wkhtmltopdf loads the report styles like in production. Returns the base
    URL."""
    import socket

    from odoo.service import server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    odoo.tools.config["http_port"] = port
    odoo.tools.config["http_interface"] = "127.0.0.1"
    # The configuration's filter lets the server see only the demo database:
    # without this, the styles' URLs answer 404 and the letters print bare.
    odoo.tools.config["dbfilter"] = f"^{database}$"
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
    # In use these tables hold the history of earlier runs, with statistics;
    # here they were empty until this transaction, and PostgreSQL would join
    # the 500 letters' lines as if they still were (a second more).
    env.cr.execute(
        "ANALYZE debt_collection_demand, debt_collection_demand_line,"
        " debt_collection_credit"
    )
    started = time.monotonic()
    pdf, _kind = env["ir.actions.report"]._render_qweb_pdf(
        "debt_collection_demand.action_report_demand", demands.ids
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


def measure_ageing(env, company, target, export_items=200_000):
    """Ageing of ``export_items`` open items with its Excel export, then of
    ``target`` items (rolled back): [(items, lines, seconds, queries,
    export seconds or None, size)]."""
    results = []
    for count in sorted({min(export_items, target), target}):
        items = multiply_open_items(env, company, count)
        env.invalidate_all()
        report = env["debt.collection.ageing"].create({"date": RUN_DATE})
        report._compute_lines()  # warm-up
        best = None
        for _attempt in range(2):
            queries = env.cr.sql_log_count
            started = time.monotonic()
            report._compute_lines()
            seconds = time.monotonic() - started
            best = min(seconds, best or seconds)
            queries = env.cr.sql_log_count - queries
        lines = len(report.line_ids)
        export_seconds = size = None
        if count == export_items:
            started = time.monotonic()
            attachment = env["debt.collection.xlsx"]._export_ageing(report)
            export_seconds = time.monotonic() - started
            size = len(attachment.raw)
        results.append((items, lines, best, queries, export_seconds, size))
    env.cr.rollback()
    return results


def maxrss_mb():
    """Peak resident memory of this process so far (Linux: kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_worker(args):
    """A worker process of the parallel pass: loads the registry, says READY,
    waits for GO on stdin, works, prints its figures as JSON."""
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = get_company(env)
        env = env(context={"allowed_company_ids": [company.id]})
        engine = env["debt.collection.engine"].with_company(company)
        print("READY", flush=True)
        sys.stdin.readline()
        started = time.monotonic()
        calls = []
        budget = args.cron_budget or engine._get_time_budget()
        with (
            patch.object(type(engine), "_time_budget", budget),
            # The run's day (the cron decides for today); the clock ticks.
            freeze_time(RUN_MORNING, tick=True),
        ):
            while True:
                call_started = time.monotonic()
                if args.worker == "batches":
                    done, remaining = engine._work_batches(company)
                else:  # cron: what Odoo's cron calls, until nothing remains
                    done, remaining = engine._run_collection_pass(
                        force=True, companies=company
                    )
                calls.append(
                    {
                        "done": done,
                        "remaining": remaining,
                        "seconds": time.monotonic() - call_started,
                        "maxrss_mb": maxrss_mb(),
                    }
                )
                if args.worker == "batches" or not remaining:
                    break
        print(
            json.dumps(
                {
                    "seconds": time.monotonic() - started,
                    "budget": budget,
                    "calls": calls,
                }
            ),
            flush=True,
        )


def start_workers(args, database, count, mode, budget=0):
    """``count`` worker processes on ``database``; they start working at the
    same moment once all have loaded Odoo. Returns (wall seconds, results)."""
    command = [
        sys.executable,
        __file__,
        "--config",
        args.config,
        "--database",
        database,
        "--worker",
        mode,
        "--cron-budget",
        str(budget),
    ]
    workers = [
        subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _n in range(count)
    ]
    for worker in workers:
        line = worker.stdout.readline()
        if line.strip() != "READY":
            raise SystemExit(f"a bench worker did not start: {line!r}")
    started = time.monotonic()
    for worker in workers:
        worker.stdin.write("GO\n")
        worker.stdin.flush()
    results = [
        json.loads(worker.communicate()[0].splitlines()[-1]) for worker in workers
    ]
    return time.monotonic() - started, results


def plan_run(database):
    """Plan a run on ``database`` (committed): (seconds, customers, batches)."""
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = get_company(env)
        env = env(context={"allowed_company_ids": [company.id]})
        engine = env["debt.collection.engine"].with_company(company)
        started = time.monotonic()
        with freeze_time(RUN_MORNING, tick=True):
            engine._plan_batches(company, force=True)
        seconds = time.monotonic() - started
        batches = env["debt.collection.batch"].search([("company_id", "=", company.id)])
        customers = sum(len(batch.partner_ids) for batch in batches)
        return seconds, customers, len(batches)


def measure_workers(args, database, counts=(1, 2)):
    """The run as the crons work it (batches, a commit each), on copies of
    the database: {workers: (plan seconds, wall seconds, customers, results)}."""
    results = {}
    for count in counts:
        work_db = f"{database}_work"
        copy_database(database, work_db)
        try:
            plan_seconds, customers, _batches = plan_run(work_db)
            odoo.sql_db.close_db(work_db)
            wall, worker_results = start_workers(args, work_db, count, "batches")
            results[count] = (plan_seconds, wall, customers, worker_results)
        finally:
            drop_database(work_db)
    return results


def measure_cron(args, database):
    """The whole run through repeated cron calls (each within the time
    budget, committing per batch), on a copy of the database."""
    work_db = f"{database}_work"
    copy_database(database, work_db)
    try:
        wall, results = start_workers(args, work_db, 1, "cron", args.cron_budget)
    finally:
        drop_database(work_db)
    return wall, results[0]


def report_workers(results):
    print("\nThe run as the crons work it (planned, then batches of 200 customers")
    print("claimed with FOR UPDATE SKIP LOCKED, one commit each; worker processes)")
    single = results.get(1)
    for count, (plan_seconds, wall, customers, worker_results) in sorted(
        results.items()
    ):
        shares = ", ".join(str(r["calls"][0]["done"]) for r in worker_results)
        peak = max(r["calls"][-1]["maxrss_mb"] for r in worker_results)
        line = (
            f"  {count} worker{'s' if count > 1 else ' '}   plan {plan_seconds:6.2f} s, "
            f"work {wall:7.2f} s for {customers} customers (each: {shares}), "
            f"peak memory per worker {peak:.0f} MB"
        )
        if single and count > 1:
            line += f", speed-up x{single[1] / wall:.2f}"
        print(line)


def report_cron(wall, result):
    print(
        f"\nThe run through cron calls (time budget {result['budget']:.0f} s per call, "
        "a commit per batch, the next call continues)"
    )
    for number, call in enumerate(result["calls"], 1):
        print(
            f"  call {number:>2}  {call['seconds']:7.2f} s  customers done "
            f"{call['done']:>6}, remaining {call['remaining']:>6}, peak memory "
            f"{call['maxrss_mb']:.0f} MB"
        )
    print(f"  whole run {wall:.2f} s in {len(result['calls'])} calls")


def main():
    args = parse_args()
    if args.worker:
        odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
        run_worker(args)
        return
    only = set(filter(None, args.only.split(","))) or {
        "pass",
        "workers",
        "delivery",
        "ageing",
        "printing",
    }
    ensure_database(args)
    database = args.database
    if args.scale > 1:
        ensure_data(args, database)
        database = ensure_scaled_database(args)
        odoo.sql_db.close_db(args.database)
        measure_scaled(args, database, only)
        return
    results = ensure_data(args, database, only)
    odoo.sql_db.close_db(database)
    if "workers" in only:
        report_workers(measure_workers(args, database))
        report_cron(*measure_cron(args, database))
    for printer in results:
        printer()


def measure_scaled(args, database, only):
    registry = odoo.modules.registry.Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = get_company(env)
        env = env(context={"allowed_company_ids": [company.id]})
        customers = env["res.partner"].search_count(
            [("email", "=like", "%@bench.example.com")]
        )
        print(f"Database {database}: {customers} customers")
        reset_collection(env, company)
        result = measure_decision(env, company)
    odoo.sql_db.close_db(database)
    print(f"\nScale x{args.scale}: {customers} customers")
    print(
        f"  decision (best of 3)       {result['decide_seconds']:>10.2f} s  "
        f"{result['items'] / result['decide_seconds']:>9.0f} items/s  "
        f"{result['decide_queries']} queries, {result['items']} items, "
        f"{result['customers']} customers with work"
    )
    if "workers" in only:
        report_cron(*measure_cron(args, database))


def measure_decision(env, company):
    engine = env["debt.collection.engine"].with_company(company)
    cr = env.cr
    best = None
    for _attempt in range(3):
        env.invalidate_all()
        queries = cr.sql_log_count
        started = time.monotonic()
        plan = engine._plan(company, RUN_DATE)
        seconds = time.monotonic() - started
        best = min(seconds, best or seconds)
        decide_queries = cr.sql_log_count - queries
    return {
        "decide_seconds": best,
        "decide_queries": decide_queries,
        "items": len(engine._fetch_items(company)),
        "customers": len(plan.partner_ids),
    }


def ensure_data(args, database, only=()):
    """Build the data when missing; run the in-process measurements of
    ``only``; returns the printers of their figures."""
    printers = []
    registry = odoo.modules.registry.Registry(database)
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
            f"Database {database}: {count} invoices, {refunds} open credit notes, "
            f"{len(partners)} customers, run date {RUN_DATE}"
        )
        reset_collection(env, company)
        vacuum(database)
        if args.delivery_only:
            only = {"delivery"}
        if "pass" in only:
            # Warm-up: load the registry's caches, templates and views once.
            measure(env, company, partners[:20].ids)
            quarter = measure(env, company, partners[: len(partners) // 4].ids)
            full = measure(env, company)
            printers.append(
                lambda: report(
                    f"One pass over a quarter of the customers ({len(partners) // 4})",
                    quarter,
                )
            )
            printers.append(
                lambda: report(f"One full pass ({len(partners)} customers)", full)
            )
        if "delivery" in only:
            delivery = delivery_outage.measure_outage(env, company, RUN_DATE)
            vacuum(database)
            printers.append(lambda: delivery_outage.report(delivery))
        if "ageing" in only:
            ageing = measure_ageing(env, company, args.ageing_items)
            printers.append(lambda: report_ageing(ageing))
        if "printing" in only:
            base_url = start_http_server(database)
            printing = measure_printing(env, company, 500, base_url)
            printers.append(lambda: report_printing(*printing))
    return printers


def report_ageing(results):
    for items, lines, seconds, queries, export_seconds, size in results:
        print(f"\nAgeing of {items} open items (one grouped query; best of 2)")
        print(f"  customer x bucket lines    {lines:>10}")
        print(
            f"  seconds                    {seconds:>10.2f}  "
            f"({items / seconds:,.0f} items/s, {queries} queries)"
        )
        if export_seconds is not None:
            print(
                f"  Excel export (summary + {items} item rows) {export_seconds:.1f} s, "
                f"{size / 1024 / 1024:.1f} MB"
            )


def report_printing(demands, items, size, seconds, complete):
    print("\nPrinting payment demands")
    print(f"  demands printed            {demands:>10}  ({items} documents listed)")
    print(f"  PDF size                   {size / 1024 / 1024:>10.1f} MB")
    print(
        f"  seconds                    {seconds:>10.2f}  ({demands / seconds:.1f} demands/s)"
    )
    if not complete:
        print("  WARNING: the PDF is incomplete or unstyled; the figure is not valid")


if __name__ == "__main__":
    main()
