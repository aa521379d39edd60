"""Which database the partner API serves.

Partners do not name a database in their URLs, so the API serves one:
INSURANCE_DATABASE, or else the first of TRYTOND_DATABASE_NAMES (the
database gunicorn preloads).
"""
import csv
import io
import logging
import os

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


def bound_waits(name):
    """Bound the waits of this process's pool of database name (trytond
    creates it with psycopg_pool's defaults: 30 s for a connection, 5 min of
    reconnection attempts backing off up to minutes, no connect timeout)"""
    pool = backend.Database(name)._connpool
    if pool.timeout != POOL_WAIT:
        pool.timeout = POOL_WAIT
        pool.reconnect_timeout = RECONNECT_TIMEOUT
        pool.kwargs.update(connect_timeout=CONNECT_TIMEOUT, **TCP_OPTIONS)


def database_serves(name):
    """Whether the API can serve now: a connection of its own pool answers a
    query within the bounded waits"""
    if not name:
        return False
    try:
        bound_waits(name)
        with Transaction().start(name, 0, readonly=True,
                timeout=CONNECT_TIMEOUT) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT 1')
            return cursor.fetchone() == (1,)
    except backend.DatabaseOperationalError:
        logger.warning("Health check: database %s unreachable", name,
            exc_info=True)
        return False
