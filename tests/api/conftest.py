"""The demo database and gunicorn of tests/conftest.py, with the channels
of seed.py added for the API tests."""
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from ..server import server_environment

# scripts/demo_data.py installs these fixed keys in demo databases
DEMO_KEYS = {
    'TAOMALL': 'ick_demo_taomall_0123456789abcdefghijklmnopqrstuv',
    'ZHIFUPAY': 'ick_demo_zhifupay_0123456789abcdefghijklmnopqrstu',
    }
SEED = Path(__file__).with_name('seed.py')


@pytest.fixture(scope='session')
def api_database(demo_database):
    "The API tests share the demo database of tests/conftest.py"
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


class Client:
    "A partner platform calling the API with its key"

    def __init__(self, base_url, key=None):
        self.base_url = base_url + '/api/v1'
        self.key = key
        self.session = requests.Session()

    def headers(self, idempotency_key=None, **extra):
        headers = {}
        if self.key:
            headers['Authorization'] = f'Bearer {self.key}'
        if idempotency_key:
            headers['Idempotency-Key'] = idempotency_key
        headers.update(extra)
        return headers

    def get(self, path, **headers):
        return self.session.get(self.base_url + path,
            headers=self.headers(**headers), timeout=30)

    def post(self, path, body, idempotency_key='new', **headers):
        "POST body as JSON with a fresh idempotency key unless given one"
        if idempotency_key == 'new':
            idempotency_key = uuid.uuid4().hex
        return self.session.post(self.base_url + path, json=body,
            headers=self.headers(idempotency_key, **headers), timeout=60)

    def post_raw(self, path, data, content_type='application/json',
            idempotency_key='raw', **headers):
        headers = self.headers(idempotency_key, **headers)
        headers['Content-Type'] = content_type
        return self.session.post(self.base_url + path, data=data,
            headers=headers, timeout=60)


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
