"""Builders of the records the claim tests need.

Policies are created directly (not through the issuance engine) so that a
test can place them anywhere in time.
"""
import datetime as dt
import itertools
from decimal import Decimal

from trytond.modules.insurance_base.timezone import (
    china_midnight,
    china_today,
    utcnow,
)
from trytond.modules.insurance_channel.tests.tools import (  # noqa: F401
    create_channel,
    create_user,
)
from trytond.modules.insurance_product import demo
from trytond.pool import Pool

TRACKING_NO = 'SF1234567890'
_references = itertools.count(1)


def product(code):
    "The demo product of code (RETURN_SHIPPING, ACCOUNT_SECURITY)"
    products = {p.code: p for p in demo.load()}
    return products[code]


def create_contract(channel, product_code='RETURN_SHIPPING',
        operations=('quote', 'issue', 'query', 'claim')):
    Contract = Pool().get('insurance.contract')
    version = product(product_code).current_version
    contract, = Contract.create([{
                'channel': channel.id,
                'product_version': version.id,
                'plans': [('add', [p.id for p in version.plans])],
                'operations': list(operations),
                'start_date': china_today() - dt.timedelta(days=400),
                }])
    Contract.activate([contract])
    return contract


def create_policy(contract, plan_code=None, start=None, days=90,
        state='in_force'):
    "A policy of the contract starting on the date start (today by default)"
    Policy = Pool().get('insurance.policy')
    version = contract.current_version
    plan = next(p for p in version.plans
        if plan_code in {None, p.code})
    start = start or china_today()
    person = {'name': "张三", 'id_type': 'ID_CARD',
        'id_number': '110101199003070011'}
    policy, = Policy.create([{
                'number': Policy.next_number(),
                'channel': contract.channel.id,
                'contract_version': version.id,
                'product': version.product_version.product.id,
                'product_version': version.product_version.id,
                'plan': plan.id,
                **{f'policyholder_{k}': v for k, v in person.items()},
                **{f'insured_{k}': v for k, v in person.items()},
                'external_reference': f'T{next(_references):012d}',
                'premium': Decimal('1.20'),
                'sum_insured': plan.sum_insured,
                'currency': 'CNY',
                'starts_at': china_midnight(start),
                'ends_at': china_midnight(start + dt.timedelta(days=days)),
                'state': state,
                'issued_at': utcnow(),
                }])
    return policy


def file_claim(policy, tracking_no=TRACKING_NO, incident_date=None,
        amount='12.00', source='api', **details):
    Claim = Pool().get('insurance.claim')
    if tracking_no is not None:
        details['return_tracking_no'] = tracking_no
    return Claim.file(policy, incident_date or china_today(),
        Decimal(amount), details, source=source)
