"""Two gunicorn instances behind nginx as a load balancer, connected through
pgbouncer in transaction mode to the API tests' database (tests/conftest.py):
the app tier of docs/scaling.md."""
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from ..client import Client
from ..server import (
    database_uri,
    free_port,
    running_gunicorn,
    running_pooler,
    running_proxy,
    wait_until_healthy,
)

INSTANCES = 2
WORKERS = 2
# PostgreSQL connections pgbouncer opens, whatever the instances and workers
SERVER_CONNECTIONS = 3
# with pgbouncer's reserve (scripts/pooler.py: a quarter, at least one)
MAX_SERVER_CONNECTIONS = SERVER_CONNECTIONS + 1


@dataclass
class Cluster:
    balancer: str  # nginx's base URL
    instances: list  # each gunicorn's own base URL
    pooler: str  # pgbouncer's database URI


@pytest.fixture(scope='module')
def cluster(api_database, api_keys):
    """Start INSTANCES gunicorns on TCP behind nginx, trusted from loopback,
    through pgbouncer but for their cache listeners"""
    ports = [free_port() for _ in range(INSTANCES)]
    with ExitStack() as stack:
        pooler = stack.enter_context(running_pooler(SERVER_CONNECTIONS))
        for port in ports:
            stack.enter_context(running_gunicorn(api_database,
                    f'127.0.0.1:{port}', WORKERS,
                    INSURANCE_TRUSTED_PROXIES='127.0.0.1',
                    TRYTOND_DATABASE__URI=pooler,
                    INSURANCE_DIRECT_DATABASE_URI=database_uri()))
        balancer = stack.enter_context(
            running_proxy([f'127.0.0.1:{port}' for port in ports]))
        instances = [f'http://127.0.0.1:{port}' for port in ports]
        for base_url in [balancer, *instances]:
            wait_until_healthy(base_url + '/api/v1/health')
        yield Cluster(balancer, instances, pooler)


@pytest.fixture
def client_on(cluster, api_keys):
    "client_on(base_url, 'TAOMALL') calls that server as that channel"
    def client(base_url, channel_code):
        return Client(base_url, api_keys[channel_code])
    return client
