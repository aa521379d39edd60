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

from trytond import config
from trytond.transaction import Transaction

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


def copy_to_temporary_table(replica, query, parameters, table, columns):
    """Fill the primary's temporary table with the rows of query read on
    the replica; return the SELECT of them

    The replica may already show records committed after the primary's
    transaction began; the caller keeps those its snapshot sees."""
    cursor = Transaction().connection.cursor()
    cursor.execute(
        f'CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({columns}) '
        'ON COMMIT DROP')
    cursor.execute(f'TRUNCATE {table}')
    with replica.cursor().copy(
            f'COPY ({query}) TO STDOUT', parameters) as source, \
            cursor.copy(f'COPY {table} FROM STDIN') as target:
        for data in source:
            target.write(data)
    return f'SELECT * FROM {table}'
