"""Insert many rows of a model as ``create`` would store them, fast."""

from odoo import fields, models
from odoo.tools import SQL, float_repr, split_every


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
    to_column = _ColumnConverter(model)
    ids = []
    for chunk in split_every(1000, vals_list):
        rows = []
        for vals in chunk:
            row = {**defaults, **vals, **magic}
            rows.append(
                tuple(
                    to_column(field, row.get(field.name), row)
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


# Field types whose column value depends on the value alone (not on the
# other values of the row, as an amount's on its currency).
VALUE_ONLY_TYPES = frozenset(
    {
        "boolean",
        "char",
        "date",
        "datetime",
        "float",
        "html",
        "integer",
        "many2one",
        "selection",
        "text",
    }
)


class _ColumnConverter:
    """``field.convert_to_column_insert``, with the amounts' currencies
    looked up once per currency: Odoo builds a new record per amount to find
    its currency, the slowest part of inserting thousands of rows. Other
    values are converted once per field and value: the rows of one insert
    repeat most of them (company, customer, type, note)."""

    def __init__(self, model):
        self.model = model
        self.currencies = {}
        self.converted = {}

    def __call__(self, field, value, row):
        if field.type in VALUE_ONLY_TYPES:
            try:
                return self.converted[field, value]
            except KeyError:
                converted = field.convert_to_column_insert(value, self.model, row)
                self.converted[field, value] = converted
                return converted
            except TypeError:  # not hashable
                return field.convert_to_column_insert(value, self.model, row)
        if field.type != "monetary":
            return field.convert_to_column_insert(value, self.model, row)
        currency = self._currency(field, row)
        if currency is None:  # not given by the row: Odoo's way
            return field.convert_to_column_insert(value, self.model, row)
        value = float(value or 0.0)
        if currency:
            return float_repr(currency.round(value), currency.decimal_places)
        return value

    def _currency(self, field, row):
        """The currency of the amount ``field`` in ``row``, from the row's
        currency, or from the record its currency is related to (a company);
        None if the row gives neither."""
        name = field.get_currency_field(self.model)
        currency_field = self.model._fields[name]
        if name in row:
            path, key = None, row[name]
        elif currency_field.related and currency_field.related.split(".")[0] in row:
            path = currency_field.related.split(".")[0]
            key = row[path]
        else:
            return None
        key = key.id if isinstance(key, models.BaseModel) else key or False
        if (name, key) not in self.currencies:
            if path is None:
                currency = self.model.env["res.currency"].browse(key)
            else:
                related = self.model._fields[path]
                currency = (
                    self.model.env[related.comodel_name]
                    .browse(key)
                    .mapped(currency_field.related.split(".", 1)[1])
                )
            self.currencies[name, key] = currency
        return self.currencies[name, key]
