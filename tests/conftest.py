import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trytond.modules.insurance_document.tests.smtp import smtp_server

from .client import DEMO_KEYS, Client
from .server import (
    drop_database,
    install_demo_database,
    running_server,
    server_environment,
)

SEED = Path(__file__).parent / 'api' / 'seed.py'


@pytest.fixture(scope='session')
def demo_database():
    "A database set up as scripts/run.sh sets it up, dropped at the end"
    name = f'insurance_test_demo_{os.getpid()}'
    install_demo_database(name)
    yield name
    drop_database(name)


@pytest.fixture(scope='session')
def mail_sink():
    "The SMTP server the demo server sends its emails to (never port 25)"
    with smtp_server() as sink:
        yield sink


@pytest.fixture(scope='session')
def demo_server(demo_database, mail_sink):
    "The base URL of gunicorn serving the demo database"
    with running_server(
            demo_database, TRYTOND_EMAIL__URI=mail_sink.uri) as base_url:
        yield base_url


@pytest.fixture(scope='session')
def api_database(demo_database):
    "The HTTP tests share the demo database"
    return demo_database


@pytest.fixture(scope='session')
def api_keys(api_database):
    seeded = subprocess.run([sys.executable, SEED, api_database],
        env=server_environment(api_database), check=True,
        capture_output=True, text=True)
    return {**DEMO_KEYS, **json.loads(seeded.stdout.splitlines()[-1])}


@pytest.fixture(scope='session')
def api_server(demo_server, api_keys):
    "The demo server, once the API tests' channels are seeded"
    return demo_server


@pytest.fixture(scope='session')
def client_of(api_server, api_keys):
    "client_of('TAOMALL') calls as that channel; client_of(None) anonymous"
    def client(channel_code):
        return Client(api_server, api_keys.get(channel_code))
    return client


@pytest.fixture
def taomall(client_of):
    return client_of('TAOMALL')


@pytest.fixture
def zhifupay(client_of):
    return client_of('ZHIFUPAY')
