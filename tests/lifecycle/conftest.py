"""The lifecycle tests share the demo database and server of tests/."""
import uuid

import pytest

from ..api.conftest import DEMO_KEYS, Client


@pytest.fixture
def client_of(demo_server):
    "client_of('ZHIFUPAY') calls as that demo channel"
    def client(channel_code):
        return Client(demo_server, DEMO_KEYS[channel_code])
    return client


@pytest.fixture
def zhifupay(client_of):
    return client_of('ZHIFUPAY')


@pytest.fixture
def taomall(client_of):
    return client_of('TAOMALL')


@pytest.fixture
def account():
    "An account id no other test insures"
    return f'acct-{uuid.uuid4().hex[:12]}'
