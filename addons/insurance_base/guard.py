"""Readonly is a rule of the server, not only a hint to the client.

A view shows a field readonly when the field is (`readonly=True`) or when its
state makes it so (`states={'readonly': ...}`); sao obeys, but a JSON-RPC
caller may send anything to create, write, copy or delete. For the models
that take WorkflowGuard, the calls made with access checks (staff over RPC)
follow the rules of the screen:

- create: a readonly field gets its default and nothing else;
- write: a readonly field keeps its value;
- copy: the copy starts its workflow afresh: the fields readonly by
  themselves (state, numbers, what the workflow sets) take their defaults;
- delete: a record that has left its first state stays.

Workflow transitions, wizards, scheduled jobs and the partner API run without
access checks (`ModelView.button` drops them once the button is allowed), so
they alone move states and money, through their own checks.
"""
from trytond.i18n import gettext
from trytond.model import Model
from trytond.model.modelstorage import EvalEnvironment
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction

from .exceptions import WorkflowGuardError

EMPTY = (None, '', [], (), {})
# What every model has and the ORM maintains itself
AUDIT_FIELDS = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}


def evaluate(pyson, environment):
    environment['context'] = Transaction().context
    return PYSONDecoder(environment).decode(PYSONEncoder().encode(pyson))


def comparable(value):
    return value.id if isinstance(value, Model) else value


class WorkflowGuard:
    __slots__ = ()

    @classmethod
    def create(cls, vlist):
        if Transaction().check_access:
            for values in vlist:
                cls._refuse_readonly_values(values)
        return super().create(vlist)

    @classmethod
    def copy(cls, records, default=None):
        if not Transaction().check_access:
            return super().copy(records, default=default)
        default = dict(default or {})
        restarted = cls._restarted_fields()
        defaults = cls.default_get(restarted, with_rec_name=False)
        default.update({name: defaults.get(name) for name in restarted})
        with Transaction().set_context(_workflow_restarted=cls.__name__):
            return super().copy(records, default=default)

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            for record in records:
                for name, value in values.items():
                    if (name in cls._fields
                            and record.readonly_field(name)
                            and not record.keeps(name, value)):
                        cls._refuse(name)
        elif mode == 'delete' and 'state' in cls._fields:
            first_state = cls.default_state()
            for record in records:
                if record.state != first_state:
                    raise WorkflowGuardError(gettext(
                            'insurance_base.msg_workflow_delete',
                            record=record.rec_name))

    @classmethod
    def _restarted_fields(cls):
        "The stored fields that are readonly by themselves"
        return [name for name, field in cls._fields.items()
            if field.readonly and name not in AUDIT_FIELDS
            and not hasattr(field, 'getter')
            and field._type not in {'one2many', 'many2many'}]

    @classmethod
    def _refuse_readonly_values(cls, values):
        "Refuse values that set a field readonly on a new record"
        defaults = cls.default_get(list(cls._fields), with_rec_name=False)
        new_record = {**defaults, **values, 'id': -1}
        restarted = set()
        if Transaction().context.get('_workflow_restarted') == cls.__name__:
            # a copy: copy() gave these their defaults, at its own time
            restarted = set(cls._restarted_fields())
        for name, value in values.items():
            field = cls._fields.get(name)
            if (field is None or name in restarted or value in EMPTY
                    or value == defaults.get(name)):
                continue
            readonly = field.states.get('readonly', False)
            if field.readonly or evaluate(readonly, dict(new_record)):
                cls._refuse(name)

    def readonly_field(self, name):
        "Whether the field name is readonly on the record as it is"
        field = self._fields[name]
        readonly = field.states.get('readonly', False)
        return field.readonly or bool(
            evaluate(readonly, EvalEnvironment(self, self.__class__)))

    def keeps(self, name, value):
        "Whether writing value on the field name leaves it as it is"
        if self._fields[name]._type in {'one2many', 'many2many'}:
            # sao adds again the lines a person opened and closed
            linked = {line.id for line in getattr(self, name)}
            return all(action[0] == 'add' and set(action[1]) <= linked
                for action in value or [])
        current = comparable(getattr(self, name))
        if current in EMPTY and value in EMPTY:
            return True
        return current == value

    @classmethod
    def _refuse(cls, name):
        raise WorkflowGuardError(gettext(
                'insurance_base.msg_workflow_field',
                **cls.__names__(name)))
