def pre_init_hook(env):
    """Add the subject-to-collection flags as plain columns with a default.

    Without this the ORM would compute the flag of every existing invoice one by
    one at install; PostgreSQL fills a column default instantly instead.
    """
    for table in ("account_move", "res_partner"):
        env.cr.execute(
            f"ALTER TABLE {table} "  # noqa: S608 - constant table names
            "ADD COLUMN IF NOT EXISTS debt_collection_subject boolean DEFAULT true"
        )
