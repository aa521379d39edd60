"""Tables of models for hand-built SQL that names only their fields.

python-sql makes a column of any attribute of a Table, so SQL naming another
module's column in a string, or as table.renamed, fails only when run.
model_table(Model) refuses, as the query is built, a column that is no field
of Model: a renamed or removed field fails the module's tests, which build
every query.
"""
from sql import Table
from sql.functions import CurrentTimestamp

from trytond.transaction import Transaction


class ModelTable(Table):
    "The table of a model whose columns are its stored fields only"
    __slots__ = ('_model',)

    def __init__(self, Model):
        super().__init__(Model._table)
        self._model = Model

    def __getattr__(self, name):
        if name.startswith('_'):
            return super().__getattr__(name)
        field = self._model._fields.get(name)
        # One2Many, Many2Many and Function fields have no column.
        if field is None or field.sql_type() is None:
            raise AttributeError(
                f"{self._model.__name__} has no stored field {name!r}")
        return super().__getattr__(name)


def model_table(Model):
    "The table of Model, to select, insert or update its stored fields"
    return ModelTable(Model)


def created(table):
    """The columns ModelSQL.create fills on its own, and their values, for a
    hand-written INSERT into table: who (the transaction's user) and when
    (the database's current time, as trytond writes it)"""
    return ([table.create_uid, table.create_date],
        [Transaction().user, CurrentTimestamp()])
