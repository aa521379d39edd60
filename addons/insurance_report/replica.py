"""Heavy report reads on a streaming replica, when INSURANCE_REPLICA_URI
names one (a hot standby made with `pg_basebackup -R`; docs/scaling.md).

trytond 8.0 knows one server ([database] uri): a statement build step reads
its source rows on the replica, once the replica has replayed everything the
primary had committed when the step began (so nothing committed before is
missed), and copies them into a temporary table of the primary, where the
lines are written with the check that keeps a record in one statement only.
"""
import os
import time
import weakref

import psycopg
from sql import Literal, Table
from sql.operators import Exists

from trytond import config
from trytond.modules.insurance_base.tables import model_table
from trytond.pool import Pool
from trytond.transaction import Transaction

from .statement_sql import SOURCE_COLUMNS

REPLICA_URI = 'INSURANCE_REPLICA_URI'
CATCH_UP_TIMEOUT = 60  # seconds


class ReplicaBehind(Exception):
    pass


def replica_conninfo(name):
    uri = os.environ.get(REPLICA_URI)
    if not uri:
        return None
    return config.parse_uri(uri)._replace(
        scheme='postgresql', path='/' + name).geturl()


_connections = {}
_positions = weakref.WeakKeyDictionary()


def caught_up_replica():
    """Return the process's autocommit connection to the replica once it
    has replayed the primary's current WAL position, or None without a
    replica"""
    transaction = Transaction()
    name = transaction.database.name
    conninfo = replica_conninfo(name)
    if not conninfo:
        return None
    position = _positions.get(transaction)
    if position is None:
        # Every commit is flushed before it returns (synchronous_commit):
        # the flushed position at the transaction's first read covers what
        # was committed before it, and only flushed WAL reaches the replica.
        # Later steps of the transaction wait for no WAL of their own.
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT pg_current_wal_flush_lsn()')
        position = _positions[transaction] = cursor.fetchone()[0]
    replica = _connections.get(name)
    if replica is None or replica.closed:
        replica = _connections[name] = psycopg.connect(
            conninfo, autocommit=True)
    deadline = time.monotonic() + CATCH_UP_TIMEOUT
    while not replica.execute(
            'SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn',
            (position,)).fetchone()[0]:
        if time.monotonic() > deadline:
            raise ReplicaBehind(
                f"the replica has not replayed {position} in "
                f"{CATCH_UP_TIMEOUT} s")
        time.sleep(0.005)
    return replica


# The types of statement_sql.SOURCE_COLUMNS, for the copy on the primary
SOURCE_TYPES = ('INTEGER', 'INTEGER', 'INTEGER', 'TIMESTAMP', 'NUMERIC')


def copied_source(replica, query):
    """Copy the rows of the source query (statement_sql.source), read on
    the replica, into a temporary table of the primary; return the SELECT
    of those whose policy the primary's transaction sees (the replica may be
    ahead of its snapshot: the next build takes the others)"""
    temporary = Table('statement_source')
    definition = ', '.join(f'{name} {type_}' for name, type_ in zip(
            SOURCE_COLUMNS, SOURCE_TYPES, strict=True))
    cursor = Transaction().connection.cursor()
    cursor.execute(f'CREATE TEMPORARY TABLE IF NOT EXISTS {temporary._name} '
        f'({definition}) ON COMMIT DROP')
    cursor.execute(f'TRUNCATE {temporary._name}')
    text, parameters = tuple(query)
    with replica.cursor().copy(
            f'COPY ({text}) TO STDOUT', parameters) as rows, \
            cursor.copy(f'COPY {temporary._name} FROM STDIN') as target:
        for data in rows:
            target.write(data)
    policy = model_table(Pool().get('insurance.policy'))
    return temporary.select(
        *(getattr(temporary, name).as_(name) for name in SOURCE_COLUMNS),
        where=Exists(policy.select(
                Literal(1), where=policy.id == temporary.policy)))
