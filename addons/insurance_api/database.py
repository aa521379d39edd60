"""Which database the partner API serves.

Partners do not name a database in their URLs, so the API serves one:
INSURANCE_DATABASE, or else the first of TRYTOND_DATABASE_NAMES (the
database gunicorn preloads).
"""
import csv
import io
import logging
import os
from time import monotonic

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from trytond import backend
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)


def api_database_name():
    name = os.environ.get('INSURANCE_DATABASE')
    if name:
        return name
    names = os.environ.get('TRYTOND_DATABASE_NAMES', '')
    for row in csv.reader(io.StringIO(names)):
        if row:
            return row[0]
    return None


# What a request waits for the database when it is away, at most: a
# connection from the pool, the opening of a new one, the acknowledgement
# of what it sends (TCP). Then it answers 503 SERVICE_UNAVAILABLE with
# Retry-After, and the worker is free. (A statement timeout per transaction
# would cost a round trip per request: tests/api/test_round_trips.py.)
POOL_WAIT = 2
CONNECT_TIMEOUT = 2
# A dead server's packets are not acknowledged: give up after 5 s (TCP)
TCP_OPTIONS = {
    'keepalives': 1, 'keepalives_idle': 5, 'keepalives_interval': 2,
    'keepalives_count': 2, 'tcp_user_timeout': 5000}
# How long the pool retries to connect in the background before it gives up;
# the next request starts again at once, so service resumes within seconds
# of the database's return.
RECONNECT_TIMEOUT = 5
# What a 503 asks partners to wait before they retry
RETRY_AFTER = 2
# How many times a request starts again on a fresh connection when its own
# was cut (its backend terminated, the server restarted)
RECONNECTS = 3
# The SQLSTATEs of a server ending the connection: admin_shutdown
# (pg_terminate_backend), crash_shutdown, cannot_connect_now
CONNECTION_ENDED = {'57P01', '57P02', '57P03'}


class PromptPool(ConnectionPool):
    """trytond's pool of connections, which passes at once to the next
    connection when one fails its check

    psycopg_pool (3.3) sleeps 1 s, then 2 s... after each connection that
    fails its check, as if the server were down: with a few terminated
    backends in the pool a request outwaits POOL_WAIT. A cut connection is
    discarded (the pool opens another in the background) and the next one
    taken; when the server is down, no new connection comes and the wait
    ends at the deadline, as before. (Overrides a private method of the
    psycopg-pool version requirements.txt pins.)"""

    def _getconn_with_check_loop(self, deadline):
        for _ in range(self.max_size):
            conn = self._getconn_unchecked(deadline - monotonic())
            try:
                self._check_connection(conn)
            except Exception:
                self._putconn(conn, from_getconn=True)
            else:
                return conn
        return super()._getconn_with_check_loop(deadline)


def connection_lost(error):
    """Whether error is the loss of a connection in use, which a fresh
    connection of the pool may not meet (not a refusal to connect nor the
    end of a wait for a connection)"""
    return (isinstance(error, psycopg.OperationalError)
        and not isinstance(error, PoolTimeout)
        and (error.sqlstate is None or error.sqlstate in CONNECTION_ENDED))


def bound_waits(name):
    """Bound the waits of this process's pool of database name (trytond
    creates it with psycopg_pool's defaults: 30 s for a connection, 5 min of
    reconnection attempts backing off up to minutes, no connect timeout)"""
    pool = backend.Database(name)._connpool
    if pool.timeout != POOL_WAIT:
        pool.timeout = POOL_WAIT
        pool.reconnect_timeout = RECONNECT_TIMEOUT
        pool.kwargs.update(connect_timeout=CONNECT_TIMEOUT, **TCP_OPTIONS)
        if type(pool) is ConnectionPool:
            pool.__class__ = PromptPool


def database_serves(name):
    """Whether the API can serve now: a connection of its own pool answers a
    query within the bounded waits"""
    if not name:
        return False
    try:
        bound_waits(name)
        return reconnecting(select_one, name)
    except backend.DatabaseOperationalError:
        logger.warning("Health check: database %s unreachable", name,
            exc_info=True)
        return False


def select_one(name):
    with Transaction().start(name, 0, readonly=True,
            timeout=CONNECT_TIMEOUT) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute('SELECT 1')
        return cursor.fetchone() == (1,)


def reconnecting(function, *args):
    """function(*args) run again, up to RECONNECTS times, when the
    connection it used was lost

    trytond's requests start again on any database error, but only those
    that write: a reading one would answer 503 for a backend terminated
    under it."""
    for count in range(RECONNECTS + 1):
        try:
            return function(*args)
        except backend.DatabaseOperationalError as error:
            if count == RECONNECTS or not connection_lost(error):
                raise
            logger.info("Connection lost, starting again", exc_info=True)
