"""A statement built with its heavy reads on a streaming replica while the
API issues policies on the primary (issue 15, point 3)."""
import datetime as dt
import json
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from ..api.applications import return_shipping
from ..client import Client
from ..postgres import primary_and_replica
from ..server import running_server, server_environment

CHANNEL = 'NOQUERY'  # issues, and has no statement yet (tests/api/seed.py)
BUILD = Path(__file__).parent / 'build_statement.py'
CHINA = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope='module')
def replicated(api_database, api_keys):
    "URIs of a primary holding a copy of the API tests' database, replica"
    with primary_and_replica(api_database) as uris:
        yield uris


def issue(client):
    "Issue a policy; return the seconds it took"
    started = time.monotonic()
    response = client.post('/policies', return_shipping(),
        idempotency_key=uuid.uuid4().hex)
    assert response.status_code == 201, response.text
    return time.monotonic() - started


def p99(seconds):
    return sorted(seconds)[int(len(seconds) * 0.99)]


def issued_this_month(uri, database):
    "{policy id: premium} of the channel issued this month in China"
    start = dt.datetime.now(CHINA).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0)
    with psycopg.connect(uri + database) as connection:
        return dict(connection.execute(
                'SELECT p.id, p.premium FROM insurance_policy AS p '
                'JOIN insurance_channel AS c ON c.id = p.channel '
                'WHERE c.code = %s AND p.issued_at >= %s',
                (CHANNEL, start.astimezone(dt.UTC).replace(
                        tzinfo=None))).fetchall())


def transactions_on(uri, database):
    with psycopg.connect(uri + database) as connection:
        return connection.execute(
            'SELECT xact_commit FROM pg_stat_database WHERE datname = %s',
            (database,)).fetchone()[0]


def test_a_statement_built_on_the_replica_while_the_api_issues(
        replicated, api_database, api_keys):
    primary, replica = replicated
    with running_server(api_database, workers=2,
            TRYTOND_DATABASE__URI=primary) as base_url:
        client = Client(base_url, api_keys[CHANNEL])
        idle = [issue(client) for _ in range(60)]
        committed_before = issued_this_month(primary, api_database)
        replica_transactions = transactions_on(replica, api_database)
        build = subprocess.Popen(
            [sys.executable, BUILD, api_database, CHANNEL],
            env=server_environment(api_database,
                TRYTOND_DATABASE__URI=primary,
                INSURANCE_REPLICA_URI=replica),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        building = []
        while build.poll() is None:
            building.append(issue(client))
        output, errors = build.communicate()
        assert build.returncode == 0, errors[-3000:]
        figures = json.loads(output.splitlines()[-1])
        committed_after = issued_this_month(primary, api_database)

    # the replica served the reads, and had replayed every policy committed
    # before the build began
    assert transactions_on(replica, api_database) > replica_transactions
    taken_in = figures['issued']
    assert len(taken_in) == len(set(taken_in)) == figures['issued_count']
    assert set(committed_before) <= set(taken_in) <= set(committed_after)
    assert Decimal(figures['premium']) == sum(
        committed_after[policy] for policy in taken_in)
    print(f"build {figures['seconds']:.1f} s; issue p99 idle "
        f"{p99(idle) * 1000:.0f} ms, while building "
        f"{p99(building) * 1000:.0f} ms ({len(building)} issues)")
    assert building, "the build ended before any issue"
