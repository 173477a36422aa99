{
    "name": "Debt Collection - Analysis",
    "summary": "Receivables and payables ageing, invoice settlement, collection "
    "activity, KPIs, a dashboard and Excel exports",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "debt_collection contributors",
    "website": "https://github.com/debt-collection/debt_collection",
    "maintainers": [],
    "development_status": "Beta",
    "depends": ["debt_collection"],
    "data": [
        "security/ir.model.access.csv",
        "security/debt_collection_analysis_security.xml",
        "data/ir_cron.xml",
        "views/debt_collection_analysis_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "debt_collection_analysis/static/src/dashboard/*",
        ],
        "web.assets_tests": ["debt_collection_analysis/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
