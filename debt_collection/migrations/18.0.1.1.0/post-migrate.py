"""Existing documents: the subject-to-collection flag becomes the one truth.

Up to 18.0.1.0.0 the engine left out the documents that existed when
collection was switched on by a condition of its own (the company's choice of
existing documents); their flag stayed ticked. Untick the flag of those
documents now, so that the engine, the ageing and the forms agree.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].search(
        [("debt_collection_enabled_date", "!=", False)]
    )
    for company in companies:
        # As if the choice had been "all": only the documents it leaves out
        # change (nobody could have ticked them back by hand before).
        before = dict(
            company._debt_collection_existing_choice(), debt_collection_existing="all"
        )
        company._debt_collection_apply_existing(before)
