"""The claims API tests run on the API tests' database and gunicorn
(tests/conftest.py), with a trytond-worker adjudicating claims and
delivering callbacks, and a real HTTP receiver of the callbacks."""
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from trytond.modules.insurance_claim.tests.receiver import Receiver

from ..client import Client
from ..server import running_worker, server_environment

SEED = Path(__file__).with_name('seed.py')
# The receiver listens on 127.0.0.1, where callbacks go only when allowed
RECEIVER_ALLOWED = {
    'TRYTOND_INSURANCE__CALLBACK_ALLOWED_NETWORKS': '127.0.0.0/8'}
FLIGHT_SEED = Path(__file__).with_name('flight_seed.py')


class ClaimsClient(Client):

    def patch(self, path, body, idempotency_key='new'):
        if idempotency_key == 'new':
            idempotency_key = uuid.uuid4().hex
        return self.session.patch(self.base_url + path, json=body,
            headers=self.headers(idempotency_key), timeout=60)


@pytest.fixture(scope='session')
def receiver():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture(scope='session')
def claims_keys(api_database, api_keys, receiver):
    seeded = subprocess.run(
        [sys.executable, SEED, api_database, receiver.url],
        env=server_environment(api_database, **RECEIVER_ALLOWED), check=True,
        capture_output=True, text=True)
    return json.loads(seeded.stdout.splitlines()[-1])


@pytest.fixture(scope='session')
def flight_keys(api_database, api_keys, receiver):
    "FLYMALL selling 航班延误险, defined by the demo underwriter"
    seeded = subprocess.run(
        [sys.executable, FLIGHT_SEED, api_database, receiver.url],
        env=server_environment(api_database, **RECEIVER_ALLOWED), check=True,
        capture_output=True, text=True)
    return json.loads(seeded.stdout.splitlines()[-1])


@pytest.fixture(scope='session')
def worker(api_database, claims_keys):
    "trytond-worker running the queue: adjudications and deliveries"
    with running_worker(api_database, **RECEIVER_ALLOWED) as running:
        yield running


@pytest.fixture
def claimmall(api_server, claims_keys, worker):
    return ClaimsClient(api_server, claims_keys['CLAIMMALL'])


@pytest.fixture
def flymall(api_server, flight_keys, worker):
    return ClaimsClient(api_server, flight_keys['FLYMALL'])


@pytest.fixture
def channel_client(api_server, api_keys):
    "channel_client('TAOMALL') calls as that channel"
    def client(code):
        return ClaimsClient(api_server, api_keys[code])
    return client
