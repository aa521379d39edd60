"""The channels' rate buckets, in PostgreSQL."""
import random
import time

import pytest

from trytond.modules.insurance_api import ratelimit
from trytond.modules.insurance_api.errors import ApiError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction


@pytest.fixture(scope='module', autouse=True)
def insurance_api_module():
    activate_module('insurance_api')
    yield
    # the limiter's own connection would keep the database from being dropped
    ratelimit._connection.close()


def some_channel_id():
    # The buckets are written in autocommit: a channel of its own per test
    return random.randrange(10**8, 2**31)


@with_transaction()
def test_a_bucket_allows_a_second_of_burst_then_waits():
    RateBucket = Pool().get('insurance.api.rate_bucket')
    channel = some_channel_id()

    waits = [RateBucket.take(channel, 4) for _ in range(5)]

    assert waits[:4] == [0] * 4
    assert 0 < waits[4] <= 0.25
    assert RateBucket.take(some_channel_id(), 4) == 0


@with_transaction()
def test_a_bucket_refills_at_its_rate():
    RateBucket = Pool().get('insurance.api.rate_bucket')
    channel = some_channel_id()
    while RateBucket.take(channel, 2) == 0:
        pass

    time.sleep(0.55)

    assert RateBucket.take(channel, 2) == 0
    assert RateBucket.take(channel, 2) > 0


@with_transaction()
def test_exceeding_the_rate_raises_rate_limited_with_retry_after():
    channel = some_channel_id()
    ratelimit.check(channel, 1)

    with pytest.raises(ApiError) as refusal:
        ratelimit.check(channel, 1)

    assert refusal.value.code == 'RATE_LIMITED'
    assert refusal.value.status == 429
    assert refusal.value.headers == {'Retry-After': '1'}


@with_transaction()
def test_the_bucket_table_is_unlogged():
    RateBucket = Pool().get('insurance.api.rate_bucket')
    cursor = Transaction().connection.cursor()
    cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = %s",
        (RateBucket._table,))

    assert cursor.fetchone() == ('u',)
