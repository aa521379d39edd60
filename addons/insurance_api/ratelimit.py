"""Per-channel rate limit, held across every worker of every instance.

Each channel's bucket is one row of PostgreSQL: the time at which it will be
empty again (the "theoretical arrival time" of the generic cell rate
algorithm, a token bucket kept as one number). A request takes a token with
one statement that moves that time forward by 1/rate when the bucket is not
full, and answers whether it did and, if not, how long to wait. The burst
allowed is one second's worth of requests.

The statement runs in autocommit on a connection the process keeps for it
(one round trip, no pool check), so the channel's row is locked for the
statement only (microseconds), not for the request's transaction, and it runs
before the request's first statement (behind pgbouncer a request never holds
a server connection while waiting for another). The table is UNLOGGED: no
WAL, not replicated, emptied after a crash (all buckets then start full).
Cost measured in docs/scaling.md.
"""
import math
import threading

import psycopg

from trytond import backend
from trytond.model import ModelSQL, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from .errors import ApiError

TAKE_TOKEN = """\
WITH taken AS (
    INSERT INTO "{table}" AS bucket (channel, empty_at)
    VALUES (%(channel)s, EXTRACT(EPOCH FROM now())::float8 + %(interval)s)
    ON CONFLICT (channel) DO UPDATE
    SET empty_at = GREATEST(
        bucket.empty_at, EXTRACT(EPOCH FROM now())::float8) + %(interval)s
    WHERE GREATEST(bucket.empty_at, EXTRACT(EPOCH FROM now())::float8)
        - EXTRACT(EPOCH FROM now())::float8 <= %(slack)s
    RETURNING 1)
SELECT EXISTS (SELECT FROM taken),
    (SELECT empty_at - EXTRACT(EPOCH FROM now())::float8
        FROM "{table}" WHERE channel = %(channel)s)"""


class RateBucket(ModelSQL):
    __name__ = 'insurance.api.rate_bucket'
    __string__ = "API Rate Bucket"

    # No foreign key: a request never waits on the channel's row
    channel = fields.Integer("Channel", required=True)
    empty_at = fields.Float(
        "Empty At", required=True,
        help="When the bucket holds no request any more (epoch seconds).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('channel_unique', Unique(t, t.channel),
                'insurance_api.msg_rate_bucket_channel_unique'),
            ]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        cursor = Transaction().connection.cursor()
        cursor.execute(
            f'ALTER TABLE "{cls._table}" SET UNLOGGED')

    @classmethod
    def take(cls, channel_id, requests_per_second):
        """Take a token of the channel; return 0 or the seconds to wait

        Runs in autocommit on its own connection, outside the transaction."""
        interval = 1 / requests_per_second
        slack = (max(requests_per_second, 1) - 1) * interval
        taken, empty_in = _connection.execute(
            Transaction().database.name, TAKE_TOKEN.format(table=cls._table),
            {'channel': channel_id, 'interval': interval, 'slack': slack})
        if taken:
            return 0
        return empty_in - slack


class OwnConnection:
    "An autocommit connection per process and database, opened when needed"

    def __init__(self):
        self.connections = {}
        self.lock = threading.Lock()

    def execute(self, name, query, parameters):
        "Return the one row of query; reconnect once if the link broke"
        with self.lock:
            for attempt in (1, 2):
                connection = self.connections.get(name)
                if connection is None or connection.closed:
                    connection = self.connections[name] = self.connect(name)
                try:
                    return connection.execute(query, parameters).fetchone()
                except psycopg.OperationalError:
                    connection.close()
                    if attempt == 2:
                        raise

    def close(self):
        with self.lock:
            for connection in self.connections.values():
                connection.close()
            self.connections.clear()

    @staticmethod
    def connect(name):
        parameters = backend.Database._connection_params(name)
        return psycopg.connect(
            parameters.pop('conninfo'), autocommit=True, **parameters)


_connection = OwnConnection()


def check(channel_id, requests_per_second):
    "Raise RATE_LIMITED when the channel exceeds its rate"
    if not requests_per_second:
        return
    RateBucket = Pool().get('insurance.api.rate_bucket')
    wait = RateBucket.take(channel_id, requests_per_second)
    if wait:
        raise ApiError('RATE_LIMITED',
            headers={'Retry-After': str(max(1, math.ceil(wait)))})
