#!/usr/bin/env python3
"""航班延误险 defined and sold with each staff member's own rights: the
underwriter creates the line of business and the product and publishes it,
the business user opens FLYMALL (callbacks to the URL given) and grants it
the product. Prints FLYMALL's raw API key as JSON."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from tests.factory import flight_delay  # noqa: E402

OPERATIONS = ['quote', 'issue', 'query', 'claim']


def as_user(database, login):
    with Transaction().start(database, 0, readonly=True):
        User = Pool().get('res.user')
        user, = User.search([('login', '=', login)])
        user_id = user.id
    return Transaction().start(database, user_id,
        context={'language': 'zh_CN', '_check_access': True})


def main(database, callback_url):
    Pool.start()
    pool = Pool(database)
    pool.init()
    with as_user(database, 'underwriter') as transaction:
        line = flight_delay.create_line(pool.get('insurance.line'))
        product = flight_delay.create_product(pool.get('insurance.product'),
            pool.get('insurance.product.version'), line)
        version_id = product.current_version.id
        transaction.commit()
    with as_user(database, 'business') as transaction:
        Channel = pool.get('insurance.channel')
        Contract = pool.get('insurance.contract')
        ApiKey = pool.get('insurance.channel.api_key')
        Version = pool.get('insurance.product.version')
        channel, = Channel.create([{
                    'code': 'FLYMALL', 'name': "飞猫商城", 'kind': 'ecommerce',
                    'callback_url': callback_url}])
        version = Version(version_id)
        contract, = Contract.create([{
                    'channel': channel.id, 'product_version': version.id,
                    'plans': [('add', [p.id for p in version.plans])],
                    'operations': OPERATIONS}])
        Contract.activate([contract])
        _, key = ApiKey.generate(channel, 'tests')
        transaction.commit()
    print(json.dumps({'FLYMALL': key}))


if __name__ == '__main__':
    main(*sys.argv[1:3])
