"""The issuance engine, without HTTP."""
import datetime as dt
import re
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest

from trytond.modules.insurance_base.timezone import china_today
from trytond.modules.insurance_policy.exceptions import IssuanceError
from trytond.modules.insurance_policy.issuance import (
    Application,
    Person,
    issue,
    quote,
)
from trytond.modules.insurance_product import demo as product_demo
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

BUYER = Person("张三", 'ID_CARD', '110101199003071234', '13800138000')


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_policy')


def products():
    return {p.code: p for p in product_demo.load()}


def channel_selling(product, operations=('quote', 'issue', 'query')):
    "A new channel with an active contract on every plan of product"
    pool = Pool()
    Channel = pool.get('insurance.channel')
    Contract = pool.get('insurance.contract')
    code = 'SHOP-' + uuid.uuid4().hex[:8]
    channel, = Channel.create([{
                'code': code, 'name': code, 'kind': 'ecommerce'}])
    version = product.current_version
    contract, = Contract.create([{
                'channel': channel.id,
                'product_version': version.id,
                'plans': [('add', [p.id for p in version.plans])],
                'operations': list(operations),
                'start_date': china_today() - dt.timedelta(days=30),
                }])
    Contract.activate([contract])
    return channel


def application(order_no='T1', effective_date=None, **risk):
    return Application(
        product_code='RETURN_SHIPPING', plan_code='STANDARD',
        effective_date=effective_date or china_today(),
        policyholder=BUYER, insured=BUYER,
        risk={'order_no': order_no, 'order_amount': '199.00',
            'goods_category': 'apparel', 'return_rate_band': 'B', **risk})


def refusal_code(call, *args):
    with pytest.raises(IssuanceError) as refusal:
        call(*args)
    return refusal.value.code


@with_transaction()
def test_quote_prices_from_china_midnight():
    channel = channel_selling(products()['RETURN_SHIPPING'])

    quotation = quote(channel.id, application())

    assert quotation.premium == Decimal('1.20')
    midnight = dt.datetime.combine(china_today(), dt.time())
    assert quotation.starts_at == midnight - dt.timedelta(hours=8)
    assert quotation.ends_at - quotation.starts_at == dt.timedelta(days=90)


@with_transaction()
def test_issue_stores_the_policy_with_its_terms():
    channel = channel_selling(products()['RETURN_SHIPPING'])

    policy = issue(channel.id, application(), 'key-1')

    assert re.fullmatch(r'P\d{18}', policy.number)
    assert policy.state == 'in_force'
    assert policy.external_reference == 'T1'
    assert policy.premium == Decimal('1.20')
    assert policy.sum_insured == Decimal('12.00')
    assert policy.rating['breakdown'][-1]['kind'] == 'rounding'
    assert policy.contract_version.contract.channel == channel
    assert policy.product_version.state == 'published'
    assert policy.plan.code == 'STANDARD'
    assert policy.policyholder_phone == '13800138000'
    assert policy.idempotency_key == 'key-1'


@with_transaction()
def test_numbers_follow_each_other():
    channel = channel_selling(products()['RETURN_SHIPPING'])

    first = issue(channel.id, application('T1'))
    second = issue(channel.id, application('T2'))

    assert int(second.number[9:]) > int(first.number[9:])


@with_transaction()
def test_overlapping_policy_is_refused_and_the_transaction_goes_on():
    Policy = Pool().get('insurance.policy')
    channel = channel_selling(products()['RETURN_SHIPPING'])
    issue(channel.id, application('T1'))
    later = china_today() + dt.timedelta(days=30)

    assert refusal_code(issue, channel.id,
        application('T1', effective_date=later)) == 'DUPLICATE_POLICY'
    issue(channel.id, application('T2'))
    assert Policy.search_count([('channel', '=', channel.id)]) == 2


@with_transaction()
def test_the_next_term_on_the_same_object_is_no_duplicate():
    channel = channel_selling(products()['RETURN_SHIPPING'])
    first = issue(channel.id, application('T1'))
    next_term = china_today() + dt.timedelta(days=90)

    second = issue(channel.id, application('T1', effective_date=next_term))

    assert second.starts_at == first.ends_at


@with_transaction()
def test_a_cancelled_policy_frees_its_object():
    Policy = Pool().get('insurance.policy')
    channel = channel_selling(products()['RETURN_SHIPPING'])
    first = issue(channel.id, application('T1'))
    Policy.write([first], {'state': 'cancelled'})

    assert issue(channel.id, application('T1')).state == 'in_force'


@with_transaction()
def test_every_failing_rule_is_reported():
    channel = channel_selling(products()['RETURN_SHIPPING'])
    yesterday = china_today() - dt.timedelta(days=1)

    with pytest.raises(IssuanceError) as refusal:
        quote(channel.id, application(
                effective_date=yesterday, order_amount='60000'))

    assert refusal.value.code == 'RULE_VIOLATION'
    assert {d['code'] for d in refusal.value.details} == {
        'EFFECTIVE_DATE_IN_PAST', 'ORDER_AMOUNT_OUT_OF_RANGE'}


@with_transaction()
def test_grants_of_the_contract_are_checked():
    channel = channel_selling(
        products()['RETURN_SHIPPING'], operations=['quote'])

    assert quote(channel.id, application()).premium
    assert refusal_code(issue, channel.id, application()) == (
        'OPERATION_NOT_AUTHORIZED')


@with_transaction()
def test_a_plan_outside_the_contract_is_refused():
    channel = channel_selling(products()['RETURN_SHIPPING'])
    unknown_plan = replace(application(), plan_code='GOLDEN')

    assert refusal_code(quote, channel.id, unknown_plan) == (
        'PLAN_NOT_AUTHORIZED')


@with_transaction()
def test_a_closed_channel_sells_nothing():
    Channel = Pool().get('insurance.channel')
    channel = channel_selling(products()['RETURN_SHIPPING'])
    Channel.close([channel])

    assert refusal_code(quote, channel.id, application()) == 'CHANNEL_CLOSED'


@with_transaction()
def test_a_withdrawn_product_offers_the_sellable_ones():
    pool = Pool()
    Version = pool.get('insurance.product.version')
    Contract = pool.get('insurance.contract')
    catalogue = products()
    channel = channel_selling(catalogue['RETURN_SHIPPING'])
    security = catalogue['ACCOUNT_SECURITY'].current_version
    contract, = Contract.create([{
                'channel': channel.id, 'product_version': security.id,
                'plans': [('add', [p.id for p in security.plans])],
                }])
    Contract.activate([contract])
    Version.withdraw([catalogue['RETURN_SHIPPING'].current_version])

    with pytest.raises(IssuanceError) as refusal:
        quote(channel.id, application())

    assert refusal.value.code == 'PRODUCT_WITHDRAWN'
    assert [d['product_code'] for d in refusal.value.details] == [
        'ACCOUNT_SECURITY']
