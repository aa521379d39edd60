"""The lifecycle tests use the demo server and clients of tests/conftest.py."""
import uuid

import pytest


@pytest.fixture
def account():
    "An account id no other test insures"
    return f'acct-{uuid.uuid4().hex[:12]}'
