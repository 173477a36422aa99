"""Issue 15: the collector's desk and the analysis left ``debt_collection``
for addons of their own (``debt_collection_desk``, ``debt_collection_analysis``).

Their models, fields, selection values and records keep their database ids;
only the owning module of their XML ids changes, before ``debt_collection``
is updated. Otherwise the update would find them gone from
``debt_collection`` and delete them at its end (dropping the tables, and
with the selection values the steps and events that use them). The new
addons are marked to install, so that the same update loads them and takes
the XML ids over (should their installation fail, ``debt_collection`` is
updated all the same: install them with ``-i`` once fixed, the XML ids are
already theirs). The approach of OpenUpgrade's ``update_module_moved_models``,
``update_module_moved_fields`` and ``update_module_names``, in plain SQL.
"""

from odoo.tools import SQL

OLD = "debt_collection"

MOVED = {
    "debt_collection_desk": {
        # Models that moved whole: their model, fields, selection values and
        # constraints.
        "models": [
            "debt.collection.block",
            "debt.collection.block.wizard",
            "debt.collection.case",
            "debt.collection.call.wizard",
        ],
        # Fields the addon adds to models that stay (moved by name, also on
        # the models that inherit them: res.users, account.bank.statement.line).
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
}


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
    models = moved.get("models", [])
    if models:
        _move_xmlids(
            cr,
            new,
            "ir.model",
            SQL("SELECT id FROM ir_model WHERE model IN %s", tuple(models)),
        )
    fields = []
    names = {name for names in moved.get("fields", {}).values() for name in names}
    if names:
        fields.append(SQL("name IN %s", tuple(sorted(names))))
    if models:
        fields.append(SQL("model IN %s", tuple(models)))
    if fields:
        field_ids = SQL(
            "SELECT id FROM ir_model_fields WHERE %s", SQL(" OR ").join(fields)
        )
        _move_xmlids(cr, new, "ir.model.fields", field_ids)
        # All the selection values of the moved fields.
        _move_xmlids(
            cr,
            new,
            "ir.model.fields.selection",
            SQL(
                "SELECT id FROM ir_model_fields_selection WHERE field_id IN (%s)",
                field_ids,
            ),
        )
    for (model, field), values in moved.get("selections", {}).items():
        _move_xmlids(
            cr,
            new,
            "ir.model.fields.selection",
            SQL(
                """SELECT s.id FROM ir_model_fields_selection s
                     JOIN ir_model_fields f ON f.id = s.field_id
                    WHERE f.model = %s AND f.name = %s AND s.value IN %s""",
                model,
                field,
                tuple(values),
            ),
        )
    if models:
        # What the models inherit (mail.thread, ...).
        _move_xmlids(
            cr,
            new,
            "ir.model.inherit",
            SQL(
                """SELECT i.id FROM ir_model_inherit i JOIN ir_model m ON m.id = i.model_id
                    WHERE m.model IN %s""",
                tuple(models),
            ),
        )
        # SQL constraints and many2many tables belong to a module too: they
        # are dropped with it.
        for table in ("ir_model_constraint", "ir_model_relation"):
            cr.execute(
                SQL(
                    """UPDATE %s t
                          SET module = (SELECT id FROM ir_module_module WHERE name = %s)
                         FROM ir_model m
                        WHERE m.id = t.model AND m.model IN %s
                          AND t.module = (SELECT id FROM ir_module_module WHERE name = %s)""",
                    SQL.identifier(table),
                    new,
                    tuple(models),
                    OLD,
                )
            )
            cr.execute(
                SQL(
                    """UPDATE ir_model_data d SET module = %s
                         FROM %s t JOIN ir_model m ON m.id = t.model
                        WHERE d.module = %s AND d.model = %s AND d.res_id = t.id
                          AND m.model IN %s""",
                    new,
                    SQL.identifier(table),
                    OLD,
                    table.replace("_", "."),
                    tuple(models),
                )
            )
    if moved.get("records"):
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET module = %s WHERE module = %s AND name IN %s",
                new,
                OLD,
                tuple(moved["records"]),
            )
        )
    if moved.get("event_types"):
        # A history message names the module whose catalogue translates it
        # (see debt.collection.event._message_vals).
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


def _mark_to_install(cr, new):
    """The new addon is installed by this update (as its dependency
    ``debt_collection`` was installed): known to the database from the
    addons path (``update_list`` ran before), else added here."""
    cr.execute(
        SQL(
            """INSERT INTO ir_module_module (name, state, demo)
               SELECT %s, 'uninstalled', false
                WHERE NOT EXISTS (SELECT 1 FROM ir_module_module WHERE name = %s)""",
            new,
            new,
        )
    )
    cr.execute(
        SQL(
            """UPDATE ir_module_module
                  SET state = 'to install',
                      demo = (SELECT demo FROM ir_module_module WHERE name = %s)
                WHERE name = %s AND state = 'uninstalled'""",
            OLD,
            new,
        )
    )


def migrate(cr, version):
    if not version:
        return
    for new, moved in MOVED.items():
        _mark_to_install(cr, new)
        _move(cr, new, moved)
