#!/usr/bin/env python3
"""The fixtures of the API tests, on top of the demo data.

Run in the test database by conftest.py; prints the raw API keys as JSON:
- CLOSEDMALL: a closed channel with an active contract;
- IPMALL: a channel accepting calls from 10.0.0.0/8 only;
- LOOPMALL: a channel accepting calls from 127.0.0.2 only (tests/proxy);
- RATEMALL: a channel limited to 10 requests per second (tests/scale);
- FLIPMALL: a channel that tests/scale closes and reopens;
- PROBEMALL: the channel of bench/round_trips.py (tests/api/test_round_trips);
- SLOWMALL: a channel limited to 1 request per second;
- QUOTEONLY: a channel whose contract grants quotes only;
- NOQUERY: a channel whose contract grants quotes and issues only;
- ENDEDMALL: a channel whose only contract is terminated;
- TAOMALL also sells OLD_SHIPPING, a product since withdrawn;
- REVOKED: a revoked key of TAOMALL.
"""
import json
import sys

from trytond.pool import Pool
from trytond.transaction import Transaction

RETURN_SHIPPING = 'RETURN_SHIPPING'
ALL_OPERATIONS = ['quote', 'issue', 'query']
UNLIMITED = 100000


def channel(code, **values):
    Channel = Pool().get('insurance.channel')
    created, = Channel.create([{
                'code': code, 'name': code, 'kind': 'ecommerce',
                'rate_limit': UNLIMITED, **values}])
    return created


def key_of(channel_):
    ApiKey = Pool().get('insurance.channel.api_key')
    _, raw_key = ApiKey.generate(channel_, 'tests')
    return raw_key


def contract(channel_, product_code, operations=ALL_OPERATIONS, **values):
    pool = Pool()
    Contract = pool.get('insurance.contract')
    Product = pool.get('insurance.product')
    product, = Product.search([('code', '=', product_code)])
    version = product.current_version
    created, = Contract.create([{
                'channel': channel_.id,
                'product_version': version.id,
                'plans': [('add', [p.id for p in version.plans])],
                'operations': operations,
                **values,
                }])
    Contract.activate([created])
    return created


def channel_with_contract(code, operations=ALL_OPERATIONS, **values):
    created = channel(code, **values)
    contract(created, RETURN_SHIPPING, operations)
    return created, key_of(created)


def withdrawn_product_sold_by(channel_code):
    "Copy RETURN_SHIPPING as OLD_SHIPPING, sell it, then withdraw it"
    pool = Pool()
    Channel = pool.get('insurance.channel')
    Product = pool.get('insurance.product')
    Version = pool.get('insurance.product.version')
    original, = Product.search([('code', '=', RETURN_SHIPPING)])
    old, = Product.copy([original], default={
            'code': 'OLD_SHIPPING', 'versions': None})
    version, = Version.copy(
        [original.current_version], default={'product': old.id})
    Version.publish([version])
    seller, = Channel.search([('code', '=', channel_code)])
    contract(seller, 'OLD_SHIPPING')
    Version.withdraw([version])


def seed():
    pool = Pool()
    Channel = pool.get('insurance.channel')
    ApiKey = pool.get('insurance.channel.api_key')
    Contract = pool.get('insurance.contract')
    keys = {}
    # The tests burst far above the demo rates: only SLOWMALL is limited
    Channel.write(Channel.search([]), {'rate_limit': UNLIMITED})
    closed, keys['CLOSEDMALL'] = channel_with_contract('CLOSEDMALL')
    Channel.close([closed])
    _, keys['IPMALL'] = channel_with_contract(
        'IPMALL', ip_allowlist='10.0.0.0/8')
    _, keys['LOOPMALL'] = channel_with_contract(
        'LOOPMALL', ip_allowlist='127.0.0.2')
    _, keys['SLOWMALL'] = channel_with_contract('SLOWMALL', rate_limit=1)
    _, keys['RATEMALL'] = channel_with_contract('RATEMALL', rate_limit=10)
    _, keys['FLIPMALL'] = channel_with_contract('FLIPMALL')
    _, keys['PROBEMALL'] = channel_with_contract('PROBEMALL')
    _, keys['QUOTEONLY'] = channel_with_contract(
        'QUOTEONLY', operations=['quote'])
    _, keys['NOQUERY'] = channel_with_contract(
        'NOQUERY', operations=['quote', 'issue'])
    ended, keys['ENDEDMALL'] = channel_with_contract('ENDEDMALL')
    Contract.terminate(list(ended.contracts))
    taomall, = Channel.search([('code', '=', 'TAOMALL')])
    revoked, keys['REVOKED'] = ApiKey.generate(taomall, 'revoked')
    ApiKey.revoke([revoked])
    withdrawn_product_sold_by('TAOMALL')
    return keys


def main(database):
    Pool.start()
    Pool(database).init()
    with Transaction().start(database, 0, context={'language': 'en'}):
        keys = seed()
    print(json.dumps(keys))


if __name__ == '__main__':
    main(sys.argv[1])
