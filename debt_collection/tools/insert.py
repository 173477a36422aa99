"""Insert many rows of a model as ``create`` would store them, fast."""

from odoo import fields
from odoo.tools import SQL, split_every


def insert_rows(model, vals_list):
    """Insert ``vals_list`` into ``model``'s table, one statement per
    thousand rows, and return the new records.

    For records the code writes by thousands (history, document lines),
    where ``create`` would build and check each record in Python. The caller
    gives every stored value ``create`` would compute (related and computed
    fields included): only the defaults and the magic columns are added. No
    ``create`` override, constraint method or access right is applied (the
    caller answers for them), the records' caches are not filled, and the
    inverse one2many fields are invalidated, as ``create`` leaves them
    consistent.
    """
    if not vals_list:
        return model.browse()
    names = set().union(*vals_list)
    now = fields.Datetime.now()
    magic = {
        "create_uid": model.env.uid,
        "create_date": now,
        "write_uid": model.env.uid,
        "write_date": now,
    }
    # The defaults do not depend on the values: read once for all rows.
    defaults = model.default_get(
        [
            name
            for name, field in model._fields.items()
            if field.store and field.column_type and name not in names
        ]
    )
    columns = sorted(names | set(defaults) | set(magic))
    column_fields = [model._fields[name] for name in columns]
    ids = []
    for chunk in split_every(1000, vals_list):
        rows = []
        for vals in chunk:
            row = {**defaults, **vals, **magic}
            rows.append(
                tuple(
                    field.convert_to_column_insert(row.get(field.name), model, row)
                    for field in column_fields
                )
            )
        ids += [
            row[0]
            for row in model.env.execute_query(
                SQL(
                    "INSERT INTO %s (%s) VALUES %s RETURNING id",
                    SQL.identifier(model._table),
                    SQL(", ").join(map(SQL.identifier, columns)),
                    SQL(", ").join(rows),
                )
            )
        ]
    # What create() would do: the one2many fields listing them know them.
    for name in names:
        for inverse in model.pool.field_inverses[model._fields[name]]:
            model.env[inverse.model_name].invalidate_model([inverse.name])
    return model.browse(ids)
