{
    "name": "Debt Collection - Collector's Desk",
    "summary": "Collection cases per customer, promises to pay, disputes and "
    "sales blocks",
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
        "security/debt_collection_desk_security.xml",
        "views/debt_collection_block_views.xml",
        "views/debt_collection_case_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["debt_collection_desk/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
