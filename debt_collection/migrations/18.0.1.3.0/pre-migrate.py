"""Issue 15: the collector's desk, the analysis, interest notes and payment
demands left ``debt_collection`` for addons of their own
(``debt_collection_desk``, ``debt_collection_analysis``,
``debt_collection_interest``, ``debt_collection_demand``).

Their models, fields, selection values and records keep their database ids;
only the owning module of their XML ids changes, before ``debt_collection``
is updated. Otherwise the update would find them gone from
``debt_collection`` and delete them at its end (dropping the tables, and with
the selection values the steps and events that use them). The new addons are
loaded by the same update, on the existing tables (see ``_mark_to_load``).
The approach of OpenUpgrade's ``update_module_moved_models``,
``update_module_moved_fields`` and ``update_module_names``, in plain SQL.
"""

from odoo.tools import SQL
from odoo.tools.sql import table_exists

OLD = "debt_collection"

# The version the addons were split out at: their data has its shape, so only
# their later migrations (if any) run on it.
SPLIT_VERSION = "18.0.1.0.0"

MOVED = {
    "debt_collection_desk": {
        # Models that moved whole: their model, fields, selection values,
        # records, constraints and many2many tables.
        "models": [
            "debt.collection.block",
            "debt.collection.block.wizard",
            "debt.collection.case",
            "debt.collection.call.wizard",
        ],
        # Fields the addon adds to models that stay (also moved on the models
        # that _inherits them: res.users, account.bank.statement.line).
        "fields": {
            "res.partner": [
                "debt_collection_blocked",
                "debt_collection_block_state",
                "debt_collection_block_reason",
                "debt_collection_block_date",
                "debt_collection_block_origin",
            ],
            "account.move": [
                "debt_collection_partner_blocked",
                "debt_collection_partner_block_state",
                "debt_collection_block_warning",
            ],
            "res.company": [
                "debt_collection_block_release",
                "debt_collection_block_release_amount",
                "debt_collection_block_invoices",
                "debt_collection_promise_grace_days",
            ],
            "res.config.settings": [
                "debt_collection_block_release",
                "debt_collection_block_release_amount",
                "debt_collection_block_invoices",
                "debt_collection_promise_grace_days",
            ],
            "debt.collection.step": ["block_reason"],
        },
        # Selection values the addon adds to fields that stay.
        "selections": {
            ("debt.collection.step", "action"): ["block"],
            ("debt.collection.event", "event_type"): [
                "block",
                "case",
                "promise",
                "dispute",
            ],
        },
        # Records of the addon's data files (views, actions, menus, rules,
        # access rights).
        "records": [
            "res_partner_view_form_debt_collection_block",
            "res_partner_view_list_debt_collection_block",
            "res_partner_view_search_debt_collection_block",
            "account_move_view_form_debt_collection_block",
            "account_move_view_list_debt_collection_block",
            "debt_collection_step_view_form_block",
            "res_config_settings_view_form_debt_collection_block",
            "debt_collection_block_view_list",
            "debt_collection_block_view_search",
            "action_debt_collection_block",
            "debt_collection_block_wizard_view_form",
            "menu_debt_collection_blocks",
            "debt_collection_case_view_kanban",
            "debt_collection_case_view_list",
            "debt_collection_case_view_form",
            "debt_collection_case_view_search",
            "action_debt_collection_case",
            "debt_collection_call_wizard_view_form",
            "menu_debt_collection_cases",
            "rule_debt_collection_block_company",
            "rule_debt_collection_case_company",
            "access_debt_collection_block_invoice",
            "access_debt_collection_block_manager",
            "access_debt_collection_block_wizard_manager",
            "access_debt_collection_case_invoice",
            "access_debt_collection_case_user",
            "access_debt_collection_case_manager",
            "access_debt_collection_call_wizard_user",
        ],
        # History events written by the addon's code: their messages are
        # translated from the addon's catalogue now.
        "event_types": ["block", "case", "promise", "dispute"],
    },
    "debt_collection_analysis": {
        "models": [
            "debt.collection.ageing",
            "debt.collection.ageing.row",
            "debt.collection.ageing.line",
            "debt.collection.ageing.item",
            "debt.collection.ageing.bucket",
            "debt.collection.activity.report",
            "debt.collection.kpi",
            "debt.collection.xlsx",
        ],
        "fields": {
            "res.company": [
                "debt_collection_recovery_days",
                "debt_collection_bucket_ids",
            ],
            "res.config.settings": ["debt_collection_recovery_days"],
            "account.move": [
                "debt_collection_paid_date",
                "debt_collection_days_late_paid",
                "debt_collection_days_overdue",
                "debt_collection_amount_paid",
                "debt_collection_payment_dates",
            ],
        },
        "records": [
            "res_company_view_form_debt_collection_ageing_buckets",
            "action_debt_collection_ageing_buckets",
            "debt_collection_ageing_view_form",
            "action_debt_collection_ageing_wizard",
            "action_debt_collection_payables_ageing_wizard",
            "debt_collection_ageing_line_view_pivot",
            "debt_collection_ageing_line_view_graph",
            "debt_collection_ageing_line_view_list",
            "debt_collection_ageing_line_view_search",
            "action_debt_collection_ageing_line",
            "debt_collection_ageing_item_view_list",
            "action_debt_collection_ageing_item",
            "account_move_view_list_debt_collection_settlement",
            "account_move_view_search_debt_collection_settlement",
            "action_debt_collection_settlement",
            "action_debt_collection_settlement_xlsx",
            "debt_collection_activity_report_view_pivot",
            "debt_collection_activity_report_view_graph",
            "debt_collection_activity_report_view_list",
            "debt_collection_activity_report_view_search",
            "action_debt_collection_activity_report",
            "action_debt_collection_activity_report_xlsx",
            "debt_collection_kpi_view_list",
            "debt_collection_kpi_view_graph",
            "debt_collection_kpi_view_pivot",
            "debt_collection_kpi_view_search",
            "action_debt_collection_kpi",
            "action_debt_collection_kpi_xlsx",
            "action_debt_collection_dashboard",
            "menu_debt_collection_analysis",
            "menu_debt_collection_dashboard",
            "menu_debt_collection_ageing",
            "menu_debt_collection_payables_ageing",
            "menu_debt_collection_settlement",
            "menu_debt_collection_activity",
            "menu_debt_collection_kpi",
            "menu_debt_collection_ageing_buckets",
            "rule_debt_collection_ageing_bucket_company",
            "rule_debt_collection_ageing_line_company",
            "rule_debt_collection_ageing_item_company",
            "rule_debt_collection_activity_report_company",
            "rule_debt_collection_kpi_company",
            "ir_cron_debt_collection_gc_exports",
            "ir_cron_debt_collection_gc_exports_ir_actions_server",
            "access_debt_collection_ageing_bucket_invoice",
            "access_debt_collection_ageing_bucket_manager",
            "access_debt_collection_ageing_user",
            "access_debt_collection_ageing_line_user",
            "access_debt_collection_ageing_item_user",
            "access_debt_collection_activity_report_user",
            "access_debt_collection_kpi_user",
        ],
    },
    "debt_collection_interest": {
        "models": [
            "debt.collection.interest.rate",
            "debt.collection.nbp",
            "debt.collection.interest.note",
            "debt.collection.interest.note.line",
            "debt.collection.interest.segment",
            "debt.collection.interest.calculator",
            "debt.collection.interest.wizard",
        ],
        "fields": {
            "res.company": [
                "debt_collection_interest_journal_id",
                "debt_collection_interest_account_id",
                "debt_collection_compensation_account_id",
                "debt_collection_interest_min_total",
                "debt_collection_interest_day_basis",
                "debt_collection_interest_payment_days",
                "debt_collection_nbp_online",
                "debt_collection_nbp_rates_url",
                "debt_collection_nbp_api_url",
                "debt_collection_nbp_error",
                "debt_collection_nbp_error_date",
            ],
            "res.config.settings": [
                "debt_collection_interest_journal_id",
                "debt_collection_interest_account_id",
                "debt_collection_compensation_account_id",
                "debt_collection_interest_min_total",
                "debt_collection_interest_day_basis",
                "debt_collection_interest_payment_days",
                "debt_collection_nbp_online",
                "debt_collection_nbp_rates_url",
                "debt_collection_nbp_api_url",
                "debt_collection_nbp_error",
            ],
            "res.partner": [
                "debt_collection_interest_kind",
                "debt_collection_interest_rate",
                "debt_collection_interest_margin",
            ],
            "account.move": [
                "debt_collection_interest_kind",
                "debt_collection_interest_rate",
                "debt_collection_interest_margin",
                "debt_collection_interest_note_id",
            ],
            "res.currency.rate": ["debt_collection_source"],
            "debt.collection.event": ["interest_note_id"],
            "debt.collection.step": ["interest_trigger"],
        },
        "selections": {
            ("debt.collection.step", "action"): ["interest_note"],
            ("debt.collection.event", "event_type"): ["interest_note"],
            ("debt.collection.event", "reason"): ["nothing_to_charge"],
        },
        "records": [
            "access_debt_collection_interest_note_invoice",
            "access_debt_collection_interest_note_line_invoice",
            "access_debt_collection_interest_note_line_manager",
            "access_debt_collection_interest_note_line_user",
            "access_debt_collection_interest_note_manager",
            "access_debt_collection_interest_note_user",
            "access_debt_collection_interest_rate_invoice",
            "access_debt_collection_interest_rate_manager",
            "access_debt_collection_interest_segment_invoice",
            "access_debt_collection_interest_segment_manager",
            "access_debt_collection_interest_segment_user",
            "access_debt_collection_interest_wizard_user",
            "action_debt_collection_interest_note",
            "action_debt_collection_interest_rate",
            "action_debt_collection_interest_wizard",
            "action_debt_collection_interest_wizard_partner",
            "action_report_interest_note",
            "debt_collection_interest_note_view_form",
            "debt_collection_interest_note_view_list",
            "debt_collection_interest_note_view_search",
            "debt_collection_interest_rate_view_list",
            "debt_collection_interest_rate_view_search",
            "debt_collection_interest_wizard_view_form",
            "ir_cron_debt_collection_nbp_rates",
            "ir_cron_debt_collection_nbp_rates_ir_actions_server",
            "mail_template_interest_note",
            "menu_debt_collection_interest_notes",
            "menu_debt_collection_interest_propose",
            "menu_debt_collection_interest_rates",
            "report_interest_note",
            "report_interest_note_document",
            "rule_debt_collection_interest_note_company",
            "rule_debt_collection_interest_note_line_company",
            "rule_debt_collection_interest_segment_company",
        ],
    },
    "debt_collection_demand": {
        "models": [
            "debt.collection.demand",
            "debt.collection.demand.line",
            "debt.collection.demand.wizard",
            "debt.collection.letter.template",
            "debt.collection.letter.preview",
        ],
        "fields": {
            "res.company": [
                "debt_collection_demand_days",
                "debt_collection_demand_auto_approve",
                "debt_collection_final_demand_text",
            ],
            "res.config.settings": [
                "debt_collection_demand_days",
                "debt_collection_demand_auto_approve",
                "debt_collection_final_demand_text",
            ],
            "res.partner": ["debt_collection_demand_count"],
            "account.move": ["debt_collection_demand_count"],
            "debt.collection.event": ["demand_id"],
            "debt.collection.credit": ["demand_id"],
            "debt.collection.delivery": ["demand_id"],
            "debt.collection.step": ["demand_auto_approve", "letter_template_id"],
            "debt.collection.setup.wizard": ["demand_days", "final_demand_days"],
        },
        "selections": {
            ("debt.collection.step", "action"): ["demand", "final_demand"],
            ("debt.collection.event", "event_type"): ["demand"],
        },
        "records": [
            "access_debt_collection_demand_invoice",
            "access_debt_collection_demand_line_invoice",
            "access_debt_collection_demand_line_manager",
            "access_debt_collection_demand_line_user",
            "access_debt_collection_demand_manager",
            "access_debt_collection_demand_user",
            "access_debt_collection_demand_wizard_user",
            "access_debt_collection_letter_preview_user",
            "access_debt_collection_letter_template_invoice",
            "access_debt_collection_letter_template_manager",
            "access_debt_collection_letter_template_user",
            "action_debt_collection_demand",
            "action_debt_collection_demand_wizard",
            "action_debt_collection_demand_wizard_partner",
            "action_debt_collection_demand_wizard_worklist",
            "action_report_demand",
            "action_report_demand_dispatch",
            "debt_collection_demand_view_form",
            "debt_collection_demand_view_list",
            "debt_collection_demand_view_search",
            "debt_collection_demand_wizard_view_form",
            "debt_collection_letter_preview_view_form",
            "debt_collection_letter_template_view_form",
            "debt_collection_letter_template_view_list",
            "demand_documents",
            "letter_consequences",
            "letter_documents",
            "letter_payment",
            "letter_template_demand",
            "letter_template_final_demand",
            "mail_template_demand_document",
            "mail_template_final_demand_document",
            "menu_debt_collection_demands",
            "paperformat_demand",
            "report_demand",
            "report_demand_dispatch",
            "report_demand_letter",
            "rule_debt_collection_demand_company",
            "rule_debt_collection_demand_line_company",
            "sequence_demand",
            "sequence_final_demand",
        ],
    },
}


def _mark_to_load(cr, new):
    """The new addon is loaded by this update (a row in ir_module_module if
    the module list does not have it yet). It takes over records that exist,
    so it is loaded as an installed addon being updated, not installed
    afresh: an install would overwrite the records it declares noupdate
    (e-mail templates reworded by users, cron schedules, the rates). Should
    its loading fail, ``debt_collection`` is updated all the same: update
    the addon with ``-u`` once fixed, the XML ids are already its own."""
    cr.execute(
        SQL(
            """INSERT INTO ir_module_module (name, state, latest_version, demo)
               SELECT %s, 'to upgrade', %s, demo FROM ir_module_module WHERE name = %s
               ON CONFLICT (name) DO UPDATE
                  SET state = 'to upgrade',
                      latest_version = EXCLUDED.latest_version,
                      demo = EXCLUDED.demo
                WHERE ir_module_module.state IN ('uninstalled', 'to install')""",
            new,
            SPLIT_VERSION,
            OLD,
        )
    )


def _mark_dependents_to_update(cr):
    """The installed addons that now depend on the new ones instead of
    ``debt_collection`` (the sales block, SMS, portal) are no longer reached
    by updating ``debt_collection``: they are updated too, as before the
    split (the module list, with their new dependencies, is read before
    migrations run)."""
    cr.execute(
        SQL(
            """WITH RECURSIVE dependent(id) AS (
                   SELECT module_id FROM ir_module_module_dependency WHERE name IN %s
                    UNION
                   SELECT d.module_id FROM ir_module_module_dependency d
                     JOIN ir_module_module m ON m.name = d.name
                     JOIN dependent ON dependent.id = m.id
               )
               UPDATE ir_module_module SET state = 'to upgrade'
                WHERE id IN (SELECT id FROM dependent) AND state = 'installed'""",
            tuple(MOVED),
        )
    )


def _move_xmlids(cr, new, model, res_ids_query):
    """Give ``new`` the XML ids of ``OLD`` of the ``model`` records that
    ``res_ids_query`` (SQL) selects."""
    cr.execute(
        SQL(
            """UPDATE ir_model_data SET module = %s
                WHERE module = %s AND model = %s AND res_id IN (%s)""",
            new,
            OLD,
            model,
            res_ids_query,
        )
    )


def _move(cr, new, moved):
    models = tuple(moved["models"])
    model_ids = SQL("SELECT id FROM ir_model WHERE model IN %s", models)
    _move_xmlids(cr, new, "ir.model", model_ids)
    # The models' fields, and the fields added to models that stay, also
    # where an ``_inherits`` child repeats them.
    added = tuple(
        (model, name) for model, names in moved["fields"].items() for name in names
    )
    field_ids = SQL(
        """SELECT f.id FROM ir_model_fields f
            WHERE f.model IN %s OR (f.model, f.name) IN %s
               OR (f.name, f.model_id) IN (
                   SELECT ff.name, i.model_id
                     FROM ir_model_inherit i
                     JOIN ir_model p ON p.id = i.parent_id
                     JOIN ir_model_fields ff ON ff.model = p.model
                    WHERE i.parent_field_id IS NOT NULL
                      AND (ff.model, ff.name) IN %s)""",
        models,
        added,
        added,
    )
    _move_xmlids(cr, new, "ir.model.fields", field_ids)
    # All the selection values of those fields, and the values the addon
    # adds to fields that stay.
    selections = tuple(
        (model, field, value)
        for (model, field), values in moved.get("selections", {}).items()
        for value in values
    )
    selection_ids = SQL(
        "SELECT id FROM ir_model_fields_selection WHERE field_id IN (%s)", field_ids
    )
    if selections:
        selection_ids = SQL(
            """%s UNION SELECT s.id FROM ir_model_fields_selection s
                 JOIN ir_model_fields f ON f.id = s.field_id
                WHERE (f.model, f.name, s.value) IN %s""",
            selection_ids,
            selections,
        )
    _move_xmlids(cr, new, "ir.model.fields.selection", selection_ids)
    # What the models inherit (mail.thread, ...).
    _move_xmlids(
        cr,
        new,
        "ir.model.inherit",
        SQL("SELECT id FROM ir_model_inherit WHERE model_id IN (%s)", model_ids),
    )
    # SQL constraints and many2many tables belong to a module too (their
    # XML ids and module column): they are dropped with it.
    for table in ("ir_model_constraint", "ir_model_relation"):
        ids = SQL(
            "SELECT id FROM %s WHERE model IN (%s)", SQL.identifier(table), model_ids
        )
        _move_xmlids(cr, new, table.replace("_", "."), ids)
        cr.execute(
            SQL(
                """UPDATE %s
                      SET module = (SELECT id FROM ir_module_module WHERE name = %s)
                    WHERE module = (SELECT id FROM ir_module_module WHERE name = %s)
                      AND id IN (%s)""",
                SQL.identifier(table),
                new,
                OLD,
                ids,
            )
        )
    # The records of the moved models (e.g. the shipped rates, letter
    # templates) and the addon's other records (views, actions, menus,
    # rules, access rights, templates, crons).
    cr.execute(
        SQL(
            """UPDATE ir_model_data SET module = %s
                WHERE module = %s AND (model IN %s OR name IN %s)""",
            new,
            OLD,
            models,
            tuple(moved["records"]),
        )
    )
    if moved.get("event_types"):
        # A history message names the module whose catalogue translates it
        # (see debt.collection.event._message_vals); these terms left the
        # catalogue of debt_collection.
        cr.execute(
            SQL(
                """UPDATE debt_collection_event
                      SET note_message = jsonb_set(note_message, '{message,term,0}', to_jsonb(%s::text))
                    WHERE event_type IN %s
                      AND note_message #>> '{message,term,0}' = %s""",
                new,
                tuple(moved["event_types"]),
                OLD,
            )
        )


def _reanchor_block_step_view(cr):
    """The desk's block step view was placed before ``interest_trigger``,
    which left the core step form: Odoo checks the stored view against the
    updated form before it reloads the view's file, so the stored view gets
    the new anchor first (the field after which the file now places it)."""
    cr.execute(
        SQL(
            """UPDATE ir_ui_view v
                  SET arch_db = replace(arch_db::text, %s, %s)::jsonb
                 FROM ir_model_data d
                WHERE d.model = 'ir.ui.view' AND d.res_id = v.id
                  AND d.name = 'debt_collection_step_view_form_block'""",
            '<field name=\\"interest_trigger\\" position=\\"before\\">',
            '<field name=\\"channel\\" position=\\"after\\">',
        )
    )


# Stored QWeb bodies (translated: jsonb) that may call the moved templates:
# users reword them (noupdate), so the update does not reload them.
TEMPLATE_BODIES = [
    ("mail_template", "body_html"),
    ("debt_collection_letter_template", "body_html"),
]


def _rename_template_calls(cr):
    """``t-call="debt_collection.letter_payment"`` in a stored e-mail or
    letter template becomes ``debt_collection_demand.letter_payment``: the
    QWeb templates of the moved addons have their new module in their XML id,
    and a call by the old one fails ("External ID not found")."""
    cr.execute(
        SQL(
            """SELECT module, array_agg(name) FROM ir_model_data
                WHERE model = 'ir.ui.view' AND module IN %s AND name IN %s
                GROUP BY module""",
            tuple(MOVED),
            tuple(name for moved in MOVED.values() for name in moved["records"]),
        )
    )
    for new, names in cr.fetchall():
        pattern = r"\m%s\.(%s)\M" % (OLD, "|".join(names))
        for table, column in TEMPLATE_BODIES:
            if not table_exists(cr, table):
                continue
            cr.execute(
                SQL(
                    """UPDATE %(table)s
                          SET %(column)s = regexp_replace(
                              %(column)s::text, %(pattern)s, %(replacement)s, 'g')::jsonb
                        WHERE %(column)s::text ~ %(pattern)s""",
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    pattern=pattern,
                    replacement=new + r".\1",
                )
            )


def migrate(cr, version):
    if not version:
        return
    for new, moved in MOVED.items():
        _mark_to_load(cr, new)
        _move(cr, new, moved)
    _mark_dependents_to_update(cr)
    _reanchor_block_step_view(cr)
    _rename_template_calls(cr)
