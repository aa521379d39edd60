"""Which database the partner API serves.

Partners do not name a database in their URLs, so the API serves one:
INSURANCE_DATABASE, or else the first of TRYTOND_DATABASE_NAMES (the
database gunicorn preloads).
"""
import csv
import io
import logging
import os

import psycopg

from trytond import backend

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


# A load balancer asks often and must hear "down" quickly: the check opens its
# own short connection instead of waiting up to 30 s for one from the pool.
HEALTH_CONNECT_TIMEOUT = 2


def database_reachable(name):
    "Whether a fresh connection to database name answers a query"
    if not name:
        return False
    parameters = backend.Database._connection_params(name)
    conninfo = parameters.pop('conninfo')
    try:
        with psycopg.connect(
                conninfo, connect_timeout=HEALTH_CONNECT_TIMEOUT,
                **parameters) as connection:
            return connection.execute('SELECT 1').fetchone() == (1,)
    except psycopg.Error:
        logger.warning("Health check: database %s unreachable", name,
            exc_info=True)
        return False
