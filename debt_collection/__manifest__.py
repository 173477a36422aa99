{
    "name": "Debt Collection",
    "summary": "Automatic collection of overdue receivables: reminders, demands, history",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "debt_collection contributors",
    "website": "https://github.com/debt-collection/debt_collection",
    "depends": ["account", "mail"],
    "data": [],
    "demo": [],
    "installable": True,
    "application": False,
}
