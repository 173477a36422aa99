{
    "name": "Debt Collection - Sales",
    "summary": "Blocked customers in sales: warnings on quotations, no confirmation "
    "without an override, collection status for salespeople",
    "version": "18.0.1.1.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "debt_collection contributors",
    "website": "https://github.com/debt-collection/debt_collection",
    "maintainers": [],
    "development_status": "Beta",
    "depends": ["debt_collection_desk", "sale"],
    "data": [
        "security/debt_collection_sale_security.xml",
        "security/ir.model.access.csv",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
        "wizards/debt_collection_sale_override_wizard_views.xml",
    ],
    "assets": {
        "web.assets_tests": ["debt_collection_sale/static/tests/tours/*.js"],
    },
    "installable": True,
    "auto_install": True,
    "application": False,
}
