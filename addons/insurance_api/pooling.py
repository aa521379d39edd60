"""gunicorn through pgbouncer in transaction mode (docs/scaling.md).

Set INSURANCE_DIRECT_DATABASE_URI to PostgreSQL's own address and
TRYTOND_DATABASE__URI to pgbouncer's: config/gunicorn.conf.py then calls
route_through_pooler() before the app loads, which fits trytond 8.0 to a
pooler that hands each transaction to any server connection:
- psycopg prepares a statement on its fifth run on a connection, and the
  next transaction may run on a server connection that never saw it
  (pgbouncer 1.18 does not track prepared statements): no preparing;
- LISTEN belongs to a session, which transaction mode does not keep: the
  cache listener (LISTEN/NOTIFY invalidation across workers and instances)
  connects to PostgreSQL directly, one connection per process.
trytond-worker and trytond-cron, a few processes, connect directly.
"""
import threading

import psycopg

from trytond import config
from trytond.backend.postgresql import database as postgresql
from trytond.cache import MemoryCache

_listener_thread = threading.local()
_direct_connections = set()


def route_through_pooler(direct_uri):
    Database = postgresql.Database
    if getattr(Database, 'direct_uri', None):
        return
    Database.direct_uri = direct_uri
    connection_params = Database._connection_params.__func__
    get_connection = Database.get_connection
    put_connection = Database.put_connection
    listen = MemoryCache._listen.__func__

    def _connection_params(cls, name):
        return {**connection_params(cls, name), 'prepare_threshold': None}

    def get_direct_or_pooled_connection(self, *args, **kwargs):
        if getattr(_listener_thread, 'listening', False):
            connection = psycopg.connect(
                direct_conninfo(self.name), autocommit=True)
            _direct_connections.add(id(connection))
            return connection
        return get_connection(self, *args, **kwargs)

    def put_direct_or_pooled_connection(self, connection):
        if id(connection) in _direct_connections:
            _direct_connections.discard(id(connection))
            connection.close()
        else:
            put_connection(self, connection)

    def listen_directly(cls, dbname):
        _listener_thread.listening = True
        return listen(cls, dbname)

    Database._connection_params = classmethod(_connection_params)
    Database.get_connection = get_direct_or_pooled_connection
    Database.put_connection = put_direct_or_pooled_connection
    MemoryCache._listen = classmethod(listen_directly)


def direct_conninfo(name):
    uri = config.parse_uri(postgresql.Database.direct_uri)
    return uri._replace(scheme='postgresql', path='/' + name).geturl()
