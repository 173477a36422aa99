{
    "name": "Debt Collection with OCA Job Queue",
    "summary": "The batches of a collection run become queue_job jobs, "
    "worked by the job runner's workers on any server",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "debt_collection contributors",
    "website": "https://github.com/debt-collection/debt_collection",
    "maintainers": [],
    "development_status": "Beta",
    "depends": ["debt_collection", "queue_job"],
    "data": ["data/queue_job_data.xml"],
    "installable": True,
    "application": False,
    "auto_install": True,
}
