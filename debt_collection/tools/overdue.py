"""Days overdue: one definition, in Python and as an SQL expression.

An item is overdue from the day after its due date: due on 2 March, it is
1 day overdue on 3 March and 0 days on 2 March or before. Days late at payment
are the days overdue on the day of the payment.
"""

from odoo.tools import SQL


def days_past_due(due_date, on_date):
    """Days from ``due_date`` to ``on_date``, negative before the due date."""
    return (on_date - due_date).days


def days_overdue(due_date, on_date):
    """Whole days ``on_date`` is past ``due_date``; 0 when not yet due or when
    either date is missing."""
    if not due_date or not on_date:
        return 0
    return max(days_past_due(due_date, on_date), 0)


def days_past_due_sql(due_date, on_date):
    """``days_past_due`` in SQL; the arguments are SQL expressions or
    values (a value is passed as a query parameter, cast to a date)."""
    return SQL("(%s::date - %s::date)", _sql(on_date), _sql(due_date))


def days_overdue_sql(due_date, on_date):
    """``days_overdue`` in SQL (a missing date gives NULL)."""
    return SQL("GREATEST(%s, 0)", days_past_due_sql(due_date, on_date))


def _sql(value):
    return value if isinstance(value, SQL) else SQL("%s", value)
