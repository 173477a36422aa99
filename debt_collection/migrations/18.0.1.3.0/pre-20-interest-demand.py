"""Interest notes and payment demands left debt_collection for the addons
debt_collection_interest and debt_collection_demand (issue 15).

Their records keep their ids and XML ids; only the module part of the XML ids
changes (as OCA openupgradelib's ``update_module_moved_models`` and
``update_module_moved_fields`` do), so that Odoo does not delete them as
records debt_collection no longer declares. The new addons are loaded in the
same update, on the existing tables (see ``_mark_to_load``).
"""

from odoo.tools import SQL

OLD = "debt_collection"

MOVED = {
    "debt_collection_interest": {
        # Models: their ir.model, fields, selections, constraints, records.
        "models": [
            "debt.collection.interest.rate",
            "debt.collection.nbp",
            "debt.collection.interest.note",
            "debt.collection.interest.note.line",
            "debt.collection.interest.segment",
            "debt.collection.interest.calculator",
            "debt.collection.interest.wizard",
        ],
        # Fields the addon adds to models that stay (res.company and the
        # settings, res.partner, account.move, res.currency.rate, the event,
        # the step), and so to the models that _inherits them (res.users,
        # account.bank.statement.line).
        "fields": [
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
            "debt_collection_interest_kind",
            "debt_collection_interest_rate",
            "debt_collection_interest_margin",
            "debt_collection_interest_note_id",
            "debt_collection_source",
            "interest_note_id",
            "interest_trigger",
        ],
        # Selection values the addon adds to fields that stay.
        "selections": [
            ("debt.collection.step", "action", "interest_note"),
            ("debt.collection.event", "event_type", "interest_note"),
            ("debt.collection.event", "reason", "nothing_to_charge"),
        ],
        # Other records (besides those of the models above).
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
        # On res.company and the settings, res.partner, account.move, the
        # event, the open credit, the delivery, the step, the setup wizard.
        "fields": [
            "debt_collection_demand_days",
            "debt_collection_demand_auto_approve",
            "debt_collection_final_demand_text",
            "debt_collection_demand_count",
            "demand_id",
            "demand_auto_approve",
            "letter_template_id",
            "demand_days",
            "final_demand_days",
        ],
        "selections": [
            ("debt.collection.step", "action", "demand"),
            ("debt.collection.step", "action", "final_demand"),
            ("debt.collection.event", "event_type", "demand"),
        ],
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


def _mark_to_load(cr, module):
    """The addon is loaded in this update (a row in ir_module_module if the
    module list does not have it yet). It takes over records that exist, so
    it is loaded as an installed addon being updated, not installed afresh:
    an install would overwrite the records it declares noupdate (e-mail
    templates reworded by users, the cron's schedule, the rates).
    Returns its id."""
    cr.execute(
        SQL(
            """INSERT INTO ir_module_module (name, state, latest_version, demo)
               SELECT %s, 'to upgrade', %s, demo FROM ir_module_module WHERE name = %s
               ON CONFLICT (name) DO UPDATE
                  SET state = 'to upgrade', latest_version = EXCLUDED.latest_version
                WHERE ir_module_module.state IN ('uninstalled', 'to install')""",
            module,
            "18.0.1.0.0",
            OLD,
        )
    )
    cr.execute(SQL("SELECT id FROM ir_module_module WHERE name = %s", module))
    return cr.fetchone()[0]


def _move_xmlids(cr, module, res_model, res_ids_query):
    cr.execute(
        SQL(
            """UPDATE ir_model_data SET module = %s
                WHERE module = %s AND model = %s AND res_id IN (%s)""",
            module,
            OLD,
            res_model,
            res_ids_query,
        )
    )


def _move(cr, module, moved):
    module_id = _mark_to_load(cr, module)
    models = tuple(moved["models"])
    model_ids = SQL("SELECT id FROM ir_model WHERE model IN %s", models)
    moved_field_ids = SQL(
        "SELECT id FROM ir_model_fields WHERE model IN %s OR name IN %s",
        models,
        tuple(moved["fields"]),
    )
    # The models, their fields and the fields added elsewhere.
    _move_xmlids(cr, module, "ir.model", model_ids)
    _move_xmlids(cr, module, "ir.model.fields", moved_field_ids)
    # Selection values of those fields, and the values added to others.
    _move_xmlids(
        cr,
        module,
        "ir.model.fields.selection",
        SQL(
            """SELECT s.id FROM ir_model_fields_selection s
                 JOIN ir_model_fields f ON f.id = s.field_id
                WHERE f.id IN (%s) OR (f.model, f.name, s.value) IN %s""",
            moved_field_ids,
            tuple(moved["selections"]),
        ),
    )
    # The records of the moved models (e.g. the shipped rates) and the others.
    cr.execute(
        SQL(
            """UPDATE ir_model_data SET module = %s
                WHERE module = %s AND (model IN %s OR name IN %s)""",
            module,
            OLD,
            models,
            tuple(moved["records"]),
        )
    )
    # The models' inherits and SQL constraints (XML ids, and the module
    # column of the constraints and many2many tables).
    _move_xmlids(
        cr,
        module,
        "ir.model.inherit",
        SQL("SELECT id FROM ir_model_inherit WHERE model_id IN (%s)", model_ids),
    )
    _move_xmlids(
        cr,
        module,
        "ir.model.constraint",
        SQL("SELECT id FROM ir_model_constraint WHERE model IN (%s)", model_ids),
    )
    for table in ("ir_model_constraint", "ir_model_relation"):
        cr.execute(
            SQL(
                """UPDATE %s SET module = %s
                    WHERE module = (SELECT id FROM ir_module_module WHERE name = %s)
                      AND model IN (%s)""",
                SQL.identifier(table),
                module_id,
                OLD,
                model_ids,
            )
        )


def _reanchor_block_step_view(cr):
    """The sales block's step view was placed before ``interest_trigger``,
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


def migrate(cr, version):
    for module, moved in MOVED.items():
        _move(cr, module, moved)
    _reanchor_block_step_view(cr)
