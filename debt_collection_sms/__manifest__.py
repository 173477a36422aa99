{
    "name": "Debt Collection SMS",
    "summary": "SMS reminders in debt collection: Odoo SMS or SMSAPI.pl, quiet "
    "hours, a cost guard, checked numbers",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "debt_collection contributors",
    "website": "https://github.com/debt-collection/debt_collection",
    "maintainers": [],
    "development_status": "Beta",
    "depends": ["debt_collection_demand", "sms"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "data/sms_templates.xml",
        "views/debt_collection_step_views.xml",
        "views/debt_collection_event_views.xml",
        "views/sms_template_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
    "application": False,
    "auto_install": False,
}
