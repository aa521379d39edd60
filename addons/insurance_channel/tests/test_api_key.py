import datetime as dt
import hashlib

import pytest

from trytond.model.exceptions import AccessError
from trytond.modules.insurance_channel.api_key import LAST_USED_RESOLUTION
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction, check_access

from .tools import create_channel, create_user


@with_transaction()
def test_generated_key_is_stored_hashed():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    channel = create_channel()

    api_key, raw_key = ApiKey.generate(channel, name="production")

    assert raw_key.startswith('ick_') and len(raw_key) == 44
    assert api_key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert api_key.prefix == raw_key[:12]
    assert api_key.state == 'active'
    stored = [str(v) for v in ApiKey.read(
            [api_key.id], list(ApiKey._fields))[0].values()]
    assert not any(raw_key in value for value in stored)


@with_transaction()
def test_authenticate_then_revoke():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    channel = create_channel()
    api_key, raw_key = ApiKey.generate(channel)
    _, other_raw_key = ApiKey.generate(channel)

    assert ApiKey.authenticate(raw_key) == api_key
    assert ApiKey.authenticate(raw_key).channel == channel
    assert ApiKey.authenticate(other_raw_key) != api_key
    for wrong in [None, '', raw_key[:-1], raw_key + 'x', 'Bearer ' + raw_key,
            'ick_' + 'x' * 500]:
        assert ApiKey.authenticate(wrong) is None

    ApiKey.revoke([api_key])
    assert api_key.state == 'revoked'
    assert ApiKey.authenticate(raw_key) is None
    assert ApiKey.authenticate(other_raw_key)


@with_transaction()
def test_register_known_key():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    channel = create_channel()
    raw_key = 'ick_demo_shop_0123456789abcdefghijklmnopqrstuv'

    api_key = ApiKey.register(channel, raw_key, name="demo")
    assert ApiKey.authenticate(raw_key) == api_key
    assert ApiKey.find(raw_key) == api_key


@with_transaction()
def test_generate_wizard_shows_key_once():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    Session = pool.get('ir.session.wizard')
    GenerateApiKey = pool.get(
        'insurance.channel.api_key.generate', type='wizard')
    channel = create_channel()

    session_id, start, _ = GenerateApiKey.create()
    with Transaction().set_context(
            active_model='insurance.channel', active_id=channel.id,
            active_ids=[channel.id]):
        result = GenerateApiKey.execute(
            session_id, {'start': {'name': "staging"}}, 'generate')

    raw_key = result['view']['defaults']['key']
    api_key = ApiKey.authenticate(raw_key)
    assert api_key.channel == channel and api_key.name == "staging"
    assert raw_key not in Session(session_id).data


@with_transaction()
def test_record_use_at_most_once_a_minute():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    transaction = Transaction()
    channel = create_channel('RECORD_USE')
    api_key, _ = ApiKey.generate(channel)
    # record_use writes in its own transaction: the key must be committed.
    transaction.commit()
    try:
        def last_used():
            transaction.commit()  # see what the other transaction wrote
            return ApiKey.read([api_key.id], ['last_used'])[0]['last_used']

        assert last_used() is None
        ApiKey(api_key.id).record_use()
        first = last_used()
        assert first

        ApiKey(api_key.id).record_use()
        assert last_used() == first

        stale = first - LAST_USED_RESOLUTION - dt.timedelta(seconds=1)
        ApiKey.write([api_key], {'last_used': stale})
        transaction.commit()
        ApiKey(api_key.id).record_use()
        assert last_used() > first
    finally:
        pool.get('insurance.channel').delete([channel])
        transaction.commit()


@with_transaction()
def test_business_staff_generate_and_revoke_others_cannot():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    channel = create_channel()
    business = create_user('business', 'group_business')
    finance = create_user('finance', 'group_finance')

    with Transaction().set_user(business.id), check_access():
        api_key, _ = ApiKey.generate(channel)
        assert ApiKey.read([api_key.id], ['prefix', 'last_used', 'state'])
        with pytest.raises(AccessError):
            ApiKey.read([api_key.id], ['key_hash'])
        ApiKey.revoke([api_key])
    with Transaction().set_user(finance.id), check_access():
        with pytest.raises(AccessError):
            ApiKey.read([api_key.id], ['prefix'])
        with pytest.raises(AccessError):
            ApiKey.generate(channel)
