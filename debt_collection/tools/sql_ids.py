"""Many ids in one SQL parameter."""

from odoo.tools import SQL


def id_array(ids):
    """``ids`` as one ``int[]`` array literal, for ``column = ANY(%s)``.

    A Python list becomes ``ARRAY[1, 2, ...]``, which PostgreSQL parses as
    one expression per id: for the 200,000 open items of a large ledger that
    is four times slower than the query itself. The literal is one value."""
    return SQL("%s::int[]", "{%s}" % ",".join(str(int(id_)) for id_ in ids))
