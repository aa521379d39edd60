"""Demo data: an e-commerce and a payment channel with active contracts.

load() is idempotent: channels are looked up by code, a contract is created
only when the channel has none on the product, and a demo API key only when
no key with its hash exists. It runs after insurance_product's demo, which
publishes RETURN_SHIPPING and ACCOUNT_SECURITY.

Demo API keys are chosen by the caller (scripts/demo_data.py documents them)
so that sandboxes and the README can use fixed keys; only their hashes are
stored, as for any key.
"""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool

CHANNELS = [{
        'code': 'TAOMALL',
        'name': "淘猫商城",
        'kind': 'ecommerce',
        'callback_url': 'https://taomall.example/insurance/callbacks',
        'rate_limit': 100,
        'contacts': [{
                'name': "陈技术", 'role': "技术对接",
                'phone': '+86 571 8888 0001', 'email': 'tech@taomall.example',
                }, {
                'name': "林结算", 'role': "月度结算",
                'phone': '+86 571 8888 0002', 'email': 'bill@taomall.example',
                }],
        'contract': {
            'product': 'RETURN_SHIPPING',
            'operations': ['quote', 'issue', 'query', 'cancel', 'claim'],
            'fee_rate': Decimal('0.15'),
            },
        }, {
        'code': 'ZHIFUPAY',
        'name': "知付宝",
        'kind': 'payment',
        'callback_url': 'https://zhifupay.example/insurance/callbacks',
        'rate_limit': 200,
        'contacts': [{
                'name': "黄对接", 'role': "技术对接",
                'phone': '+86 21 6666 0001', 'email': 'api@zhifupay.example',
                }],
        'contract': {
            'product': 'ACCOUNT_SECURITY',
            'operations': [
                'quote', 'issue', 'query', 'endorse', 'renew', 'cancel',
                'claim'],
            'fee_rate': Decimal('0.10'),
            },
        }]
CONTRACT_START = dt.date(2026, 1, 1)


def load(api_keys=None):
    """Create the demo channels and contracts that are missing; return the
    channels. api_keys maps a channel code to a raw key to register."""
    channels = [_load_channel(data) for data in CHANNELS]
    for channel in channels:
        raw_key = (api_keys or {}).get(channel.code)
        if raw_key:
            _load_api_key(channel, raw_key)
    return channels


def _load_channel(data):
    pool = Pool()
    Channel = pool.get('insurance.channel')
    channels = Channel.search([('code', '=', data['code'])], limit=1)
    if channels:
        channel, = channels
    else:
        values = {k: v for k, v in data.items() if k != 'contract'}
        values['contacts'] = [('create', data['contacts'])]
        channel, = Channel.create([values])
    _load_contract(channel, **data['contract'])
    return channel


def _load_contract(channel, product, operations, fee_rate):
    pool = Pool()
    Contract = pool.get('insurance.contract')
    Version = pool.get('insurance.product.version')
    if Contract.search([
                ('channel', '=', channel.id),
                ('product_version.product.code', '=', product),
                ], limit=1):
        return
    product_version, = Version.search([
            ('product.code', '=', product),
            ('state', '=', 'published'),
            ])
    contract, = Contract.create([{
                'channel': channel.id,
                'product_version': product_version.id,
                'plans': [('add', [p.id for p in product_version.plans])],
                'operations': operations,
                'fee_rate': fee_rate,
                'start_date': CONTRACT_START,
                }])
    Contract.activate([contract])


def _load_api_key(channel, raw_key):
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    if not ApiKey.find(raw_key):
        ApiKey.register(channel, raw_key, name="demo")
