"""HTML fields whose values are sanitized once per distinct value.

Sanitizing is a pure function of the value and the field's options, and a
costly one (an lxml parse and clean). Odoo's ``create`` sanitizes each HTML
value twice (for the column, then for the cache), and a ``mail.mail`` three
times (its message's body, then its own delegated body); the collection
engine creates thousands of e-mails and activities in a run. (The history's
notes, inserted by ``tools/insert.py``, are converted once per value by the
insert itself.)
"""

import threading
from contextlib import contextmanager

from odoo import fields

_batch = threading.local()


def _sanitize_options(field):
    return (
        ("sanitize_tags", field.sanitize_tags),
        ("sanitize_attributes", field.sanitize_attributes),
        ("sanitize_style", field.sanitize_style),
        ("sanitize_form", field.sanitize_form),
        ("sanitize_conditional_comments", field.sanitize_conditional_comments),
        ("output_method", field.sanitize_output_method),
        ("strip_style", field.strip_style),
        ("strip_classes", field.strip_classes),
    )


def _sanitized_as_usual(field, value, validate):
    # What Html._convert does itself: nothing to sanitize, or a user who may
    # keep unsanitized HTML (checked against the record's current value).
    return not value or not validate or not field.sanitize or field.sanitize_overridable


@contextmanager
def sanitizing_once():
    """Within this block, a ``BatchHtml`` value is sanitized once however
    many times it is converted; what was sanitized is forgotten at the end."""
    if getattr(_batch, "sanitized", None) is not None:
        yield  # nested: the outer block keeps them
        return
    _batch.sanitized = {}
    try:
        yield
    finally:
        _batch.sanitized = None


class BatchHtml(fields.Html):
    """An HTML field (a message's body, an activity's note, an event's note)
    whose values, when created in bulk inside ``sanitizing_once()``, are sanitized
    once instead of once per conversion. Outside that block it is Odoo's
    field, unchanged."""

    def _convert(self, value, record, validate):
        sanitized = getattr(_batch, "sanitized", None)
        if sanitized is None or _sanitized_as_usual(self, value, validate):
            return super()._convert(value, record, validate)
        key = (str(value), _sanitize_options(self))
        if key not in sanitized:
            sanitized[key] = super()._convert(value, record, validate)
        return sanitized[key]
