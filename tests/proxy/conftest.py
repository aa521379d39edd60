"""nginx in front of gunicorn on a unix socket, as scripts/run.sh runs them,
serving the API tests' database (tests/conftest.py)."""
import os

import pytest

from ..server import running_proxied_server

# Few, so that the per-client limit is reached with few sockets
CLIENT_CONNECTIONS = 4
# Fewer workers than slow clients: without nginx they would all be held
WORKERS = 2


@pytest.fixture(scope='module')
def proxy(api_database, api_keys):
    "The base URL of nginx in front of a gunicorn of WORKERS workers"
    with running_proxied_server(api_database, f'test_proxy_{os.getpid()}',
            workers=WORKERS,
            client_connections=CLIENT_CONNECTIONS) as base_url:
        yield base_url
