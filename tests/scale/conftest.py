"""Two gunicorn instances behind nginx as a load balancer, on the API tests'
database (tests/conftest.py): the app tier of docs/scaling.md."""
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from ..client import Client
from ..server import (
    free_port,
    running_gunicorn,
    running_proxy,
    wait_until_healthy,
)

INSTANCES = 2
WORKERS = 2


@dataclass
class Cluster:
    balancer: str  # nginx's base URL
    instances: list  # each gunicorn's own base URL


@pytest.fixture(scope='module')
def cluster(api_database, api_keys):
    "Start INSTANCES gunicorns on TCP behind nginx, trusted from loopback"
    ports = [free_port() for _ in range(INSTANCES)]
    with ExitStack() as stack:
        for port in ports:
            stack.enter_context(running_gunicorn(api_database,
                    f'127.0.0.1:{port}', WORKERS,
                    INSURANCE_TRUSTED_PROXIES='127.0.0.1'))
        balancer = stack.enter_context(
            running_proxy([f'127.0.0.1:{port}' for port in ports]))
        instances = [f'http://127.0.0.1:{port}' for port in ports]
        for base_url in [balancer, *instances]:
            wait_until_healthy(base_url + '/api/v1/health')
        yield Cluster(balancer, instances)


@pytest.fixture
def client_on(cluster, api_keys):
    "client_on(base_url, 'TAOMALL') calls that server as that channel"
    def client(base_url, channel_code):
        return Client(base_url, api_keys[channel_code])
    return client
