"""One workflow for the collection documents (payment demands, interest notes).

A document declares its transitions in a table; the mixin checks the state
and the group, checks the user's write access *before* writing the workflow
fields as superuser, stamps who and when, and logs the step in the history.
"""

from collections.abc import Callable
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import UserError

MANAGER_GROUP = "debt_collection.group_debt_collection_manager"


class Transition(NamedTuple):
    """One step of a document's workflow.

    ``from_states``: the states it starts from; ``to_state``: the state it
    leads to (None: a check only, e.g. before a payment); ``refusal``: the
    message, in the user's language, for a record in another state,
    ``(record, state label) -> str``; ``group``: the group it needs, in the
    ``group_states`` only when given; ``stamp``: writes ``<stamp>_by_id`` and
    ``<stamp>_date``; ``clear``: the stamps it empties.
    """

    from_states: tuple
    to_state: str | None
    refusal: Callable[[models.BaseModel, str], str] | None
    group: str | None = None
    group_states: tuple = ()
    stamp: str | None = None
    clear: tuple = ()


class DebtCollectionDocumentMixin(models.AbstractModel):
    _name = "debt.collection.document.mixin"
    _description = "Collection Document Workflow"

    # {transition name: Transition}
    _workflow_transitions = {}
    # The stored state the transitions write, and the state they start from
    # (an interest note is "paid" by its journal entry, not by a button).
    _workflow_state = "state"
    _workflow_checked_state = "state"
    # Other fields only the workflow writes (numbers, links).
    _workflow_extra_fields = frozenset()
    # _lt terms: writing a workflow field by hand; lacking the group.
    _workflow_locked_message = None
    _workflow_group_refusal = None
    # The history events of the document: type, channel, the field linking it.
    _workflow_event_type = None
    _workflow_event_channel = "system"
    _workflow_event_field = None

    @api.model
    def _get_workflow_fields(self):
        names = {self._workflow_state, *self._workflow_extra_fields}
        for transition in self._workflow_transitions.values():
            for stamp in filter(None, (transition.stamp, *transition.clear)):
                names |= {f"{stamp}_by_id", f"{stamp}_date"}
        return frozenset(names)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            self._get_workflow_fields() & set(vals) for vals in vals_list
        ):
            raise UserError(self.env._(self._workflow_locked_message))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and self._get_workflow_fields() & set(vals):
            raise UserError(self.env._(self._workflow_locked_message))
        return super().write(vals)

    def _check_transition(self, name):
        """Refuse (UserError, in the user's language) unless the user may take
        every record through transition ``name`` from its current state. A
        group needed in every state is checked before the states."""
        transition = self._workflow_transitions[name]
        if transition.group and not transition.group_states:
            self._check_workflow_group(transition.group)
        field = self._workflow_checked_state
        labels = dict(self._fields[field]._description_selection(self.env))
        for record in self:
            if record[field] not in transition.from_states:
                raise UserError(transition.refusal(record, labels[record[field]]))
        if transition.group_states and self.filtered(
            lambda r: r[field] in transition.group_states
        ):
            self._check_workflow_group(transition.group)

    def _check_workflow_group(self, group):
        if not self.env.user.has_group(group):
            raise UserError(self.env._(self._workflow_group_refusal))

    def _workflow_write(self, vals):
        """Write workflow fields: the user must be allowed to change these
        documents (checked here, before sudo)."""
        self.check_access("write")
        # sudo: only the workflow fields, which users cannot write by hand
        # (see _get_workflow_fields); the rights were checked above.
        return self.sudo().write(vals)

    def _apply_transition(self, name, values=None, message=None, channel=None):
        """Take the records through ``name`` (checked by the caller with
        ``_check_transition``): state, who-and-when stamp, ``values``, and the
        history event ``message`` (an ``_lt`` term) when given."""
        transition = self._workflow_transitions[name]
        vals = {}
        if transition.to_state:
            vals[self._workflow_state] = transition.to_state
        if transition.stamp:
            vals[f"{transition.stamp}_by_id"] = self.env.uid
            vals[f"{transition.stamp}_date"] = fields.Datetime.now()
        for stamp in transition.clear:
            vals.update({f"{stamp}_by_id": False, f"{stamp}_date": False})
        self._workflow_write(dict(vals, **(values or {})))
        if message:
            self._log_event(message, channel)

    def _run_transition(self, name, values=None, message=None, channel=None):
        self._check_transition(name)
        self._apply_transition(name, values, message, channel)

    # History ---------------------------------------------------------------

    def _get_logged_moves(self):
        """The documents (account.move) a history event of this record is
        also shown on."""
        self.ensure_one()
        return self.env["account.move"]

    def _get_log_message(self, message):
        """``message`` as the history shows it (e.g. with the number); a
        callable gives each record its own: ``record -> _lt term``."""
        return message(self) if callable(message) else message

    def _log_event(self, message, channel=None):
        """One collection event per document and move it lists, visible on
        both; ``message`` is an ``_lt`` term (shown in the reader's
        language)."""
        Event = self.env["debt.collection.event"]
        vals_list = []
        for record in self:
            # Rendered once per record, not per document: a run logs a
            # demand's every step on each of its documents.
            note = Event._message_vals(record._get_log_message(message))
            vals_list += [
                Event._prepare_log_vals(
                    record.company_id,
                    record.partner_id,
                    self._workflow_event_type,
                    channel=channel or self._workflow_event_channel,
                    move_id=move.id,
                    **note,
                    **{self._workflow_event_field: record.id},
                )
                for move in record._get_logged_moves() or [self.env["account.move"]]
            ]
        events = Event._log(vals_list)
        events._on_steps_done()
        return events
