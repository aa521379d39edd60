"""Two instances behind a load balancer share one database through
pgbouncer: the rate limit, the caches and idempotency hold across them, and
PostgreSQL sees a bounded number of connections (issue 15, points 1, 2)."""
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg

from ..api.applications import error_code, return_shipping
from ..server import database_uri
from .backoffice import BackOffice
from .conftest import INSTANCES, MAX_SERVER_CONNECTIONS, WORKERS

# RATEMALL's limit (tests/api/seed.py); the bucket holds a second of it
RATE = 10


def test_a_channel_rate_limit_holds_across_instances(cluster, client_on):
    # Far more requests than the limit, spread over both instances and
    # their workers: the requests granted are the burst plus RATE a second.
    clients = [client_on(cluster.balancer, 'RATEMALL') for _ in range(6)]
    deadline = time.monotonic() + 4

    def hammer(client):
        statuses = []
        while time.monotonic() < deadline:
            statuses.append(client.get('/policies/P000').status_code)
        return statuses
    started = time.monotonic()
    with ThreadPoolExecutor(len(clients)) as executor:
        statuses = sum(executor.map(hammer, clients), [])
    elapsed = time.monotonic() - started

    granted = statuses.count(404)  # authenticated, charged, not found
    expected = RATE + RATE * elapsed
    figures = (granted, len(statuses), expected)
    assert set(statuses) == {404, 429}
    assert len(statuses) > 2 * expected, figures
    assert abs(granted - expected) <= 0.1 * expected, figures


def test_closing_a_channel_reaches_every_instance_at_once(
        cluster, client_on, api_database):
    clients = [client_on(base_url, 'FLIPMALL')
        for base_url in cluster.instances]

    def answers():
        # several calls per instance reach each of its workers
        return {error_code(client.get('/policies/P000'))
            for client in clients for _ in range(6)}
    assert answers() == {'NOT_FOUND'}  # every worker caches the key
    back_office = BackOffice(cluster.balancer, api_database)
    channel_ids = back_office.model('insurance.channel', 'search',
        [('code', '=', 'FLIPMALL')], 0, None, None)

    back_office.model('insurance.channel', 'close', channel_ids)
    try:
        closed_at = time.monotonic()
        while answers() != {'CHANNEL_CLOSED'}:
            # the API caches a key 10 s: LISTEN/NOTIFY must be quicker
            assert time.monotonic() - closed_at < 3
    finally:
        back_office.model('insurance.channel', 'reopen', channel_ids)


def policies_with_key(database, key):
    with psycopg.connect(database_uri() + database) as connection:
        return connection.execute(
            'SELECT count(*) FROM insurance_policy '
            'WHERE idempotency_key = %s', (key,)).fetchone()[0]


def test_concurrent_retries_on_different_instances_issue_once(
        cluster, client_on, api_database):
    retries_per_instance = 2
    clients = [client_on(base_url, 'TAOMALL')
        for base_url in cluster.instances
        for _ in range(retries_per_instance)]
    for _ in range(3):
        body, key = return_shipping(), uuid.uuid4().hex
        barrier = threading.Barrier(len(clients))

        def retry(client, barrier=barrier, body=body, key=key):
            barrier.wait()
            return client.post('/policies', body, idempotency_key=key)
        with ThreadPoolExecutor(len(clients)) as executor:
            responses = list(executor.map(retry, clients))

        assert {r.status_code for r in responses} == {201}
        assert len({r.content for r in responses}) == 1
        assert policies_with_key(api_database, key) == 1


def pools(pooler, database):
    "pgbouncer's SHOW POOLS line of database, by column"
    with psycopg.connect(pooler + 'pgbouncer', autocommit=True,
            prepare_threshold=None) as console:
        cursor = console.execute('SHOW POOLS')
        columns = [column.name for column in cursor.description]
        for row in cursor:
            line = dict(zip(columns, row, strict=True))
            if line['database'] == database:
                return line


def test_instances_share_a_bounded_number_of_server_connections(
        cluster, client_on, api_database):
    clients = [client_on(base_url, 'TAOMALL')
        for base_url in cluster.instances for _ in range(WORKERS * 2)]
    with ThreadPoolExecutor(len(clients)) as executor:
        statuses = list(executor.map(
                lambda client: client.post('/policies', return_shipping()
                    ).status_code, clients))

    line = pools(cluster.pooler, api_database)
    assert statuses == [201] * len(clients)
    # every worker keeps a connection to pgbouncer; PostgreSQL sees at most
    # MAX_SERVER_CONNECTIONS of them
    assert line['cl_active'] + line['cl_waiting'] >= INSTANCES * WORKERS
    assert line['sv_active'] + line['sv_idle'] + line['sv_used'] <= (
        MAX_SERVER_CONNECTIONS)
