import os

import pytest

from .server import drop_database, install_demo_database, running_server


@pytest.fixture(scope='session')
def demo_database():
    "A database set up as scripts/run.sh sets it up, dropped at the end"
    name = f'insurance_test_demo_{os.getpid()}'
    install_demo_database(name)
    yield name
    drop_database(name)


@pytest.fixture(scope='session')
def demo_server(demo_database):
    "The base URL of gunicorn serving the demo database"
    with running_server(demo_database) as base_url:
        yield base_url
