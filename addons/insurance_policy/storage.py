"""Policies written as Policy.create writes them, in one INSERT.

Policy.create validates each record by reading it back and raises on the
first conflict. The API's issue and bulk issuance write what the issuance
engine produced, already valid, with one INSERT ... ON CONFLICT DO NOTHING:
the database enforces what create would have checked (NOT NULL of required
fields, foreign keys, the checks of policy.py) and skips a policy in force
on the same object (the exclusion constraint), which the caller reports.
No module reacts to the creation of a policy (tests/test_bulk.py and
tests/test_issuance.py compare these rows with the ORM's).
"""
import json

from trytond.model import fields
from trytond.pool import Pool
from trytond.transaction import Transaction

MAGIC_FIELDS = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}


def insert_as_create(vlist, returning):
    """The query and parameters inserting policies as Policy.create would
    write them, skipping those a constraint refuses; the query returns the
    columns named in returning of the policies inserted

    The values the policies share (channel, contract, dates, defaults) are
    sent once; the others travel as one JSON document of what create would
    send (sql_format), cast to the columns' types by the database. Without
    a number in the values, the database numbers each policy
    (Policy.number_sql). Every values of vlist has the same keys."""
    Policy = Pool().get('insurance.policy')
    defaults = create_defaults(Policy, vlist[0])
    rows = [{**defaults, **values} for values in vlist]
    first = rows[0]
    shared, own = [], []
    for name in sorted(first):
        field = Policy._fields[name]
        if hasattr(field, 'set'):
            continue
        # The returned reference identifies each row
        if name != 'external_reference' and all(
                row[name] == first[name] for row in rows):
            shared.append((name, field))
        else:
            own.append((name, field))
    names = [name for name, _ in shared]
    shared_casts = ''.join(f', %s::{field.sql_type().base}'
        for _, field in shared)
    number_parameters = ()
    if 'number' not in first:
        number_sql, number_parameters = Policy.number_sql()
        names.append('number')
        shared_casts += f', {number_sql}'
    names += [name for name, _ in own]
    columns = ', '.join(f'"{name}"' for name in names)
    own_casts = ', '.join(f'"{name}"::{field.sql_type().base}'
        for name, field in own)
    texts = ', '.join(f'"{name}" TEXT' for name, _ in own)
    document = json.dumps(
        [{name: field.sql_format(row[name]) for name, field in own}
            for row in rows],
        default=str, ensure_ascii=False)
    query = (
        f'INSERT INTO "{Policy._table}" (create_uid, create_date, {columns}) '
        f'SELECT %s, CURRENT_TIMESTAMP{shared_casts}, {own_casts} '
        f'FROM jsonb_to_recordset(%s::jsonb) AS row({texts}) '
        'ON CONFLICT DO NOTHING RETURNING '
        + ', '.join(f'"{name}"' for name in returning))
    parameters = (Transaction().user,
        *(field.sql_format(first[name]) for name, field in shared),
        *number_parameters, document)
    return query, parameters


def create_defaults(Model, values):
    "The default values ModelSQL.create adds to values"
    missing = [name for name, field in Model._fields.items()
        if name not in values and name not in MAGIC_FIELDS
        and name != 'number'
        and not (isinstance(field, fields.Function) and not field.setter)]
    return Model._clean_defaults(
        Model.default_get(missing, with_rec_name=False))
