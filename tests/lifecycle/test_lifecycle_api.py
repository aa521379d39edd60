"""Endorsement, renewal and cancellation over HTTP, as ZHIFUPAY calls them."""
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from trytond.modules.insurance_base.timezone import china_today

PERSON = {'name': "李四", 'id_type': 'ID_CARD', 'id_no': '310101199001011234',
    'phone': '13900139000'}


@pytest.fixture
def policy(zhifupay, account):
    "A BASIC account-security policy of ZHIFUPAY starting today"
    response = zhifupay.post('/policies', {
            'product_code': 'ACCOUNT_SECURITY', 'plan_code': 'BASIC',
            'effective_date': china_today().isoformat(),
            'policyholder': PERSON,
            'risk': {'account_id': account, 'account_tier': 'standard'},
            })
    assert response.status_code == 201, response.text
    return response.json()


def path(policy, action=''):
    return f"/policies/{policy['policy_no']}" + action


def error_of(response):
    return response.status_code, response.json()['error']['code']


def today(days=0):
    return (china_today() + dt.timedelta(days=days)).isoformat()


def test_free_upgrade_from_basic_to_advanced(zhifupay, policy):
    response = zhifupay.post(path(policy, '/endorsements'),
        {'plan_code': 'ADVANCED', 'effective_date': today()})

    assert response.status_code == 201, response.text
    endorsement = response.json()
    assert endorsement['endorsement_no'].startswith('E')
    assert endorsement['premium_delta'] == '9.00'
    assert endorsement['created_at'].endswith('+08:00')
    assert endorsement['policy']['plan_code'] == 'ADVANCED'
    assert endorsement['policy']['sum_insured'] == '10000.00'
    read = zhifupay.get(path(policy)).json()
    assert [e['endorsement_no'] for e in read['endorsements']] == [
        endorsement['endorsement_no']]


def test_endorsement_refusals(zhifupay, taomall, policy):
    def endorse(client, plan_code='ADVANCED', effective_date=None):
        return error_of(client.post(path(policy, '/endorsements'),
                {'plan_code': plan_code,
                    'effective_date': effective_date or today()}))

    assert endorse(taomall) == (404, 'NOT_FOUND')
    assert endorse(zhifupay, 'GOLD') == (403, 'PLAN_NOT_AUTHORIZED')
    assert endorse(zhifupay, effective_date=today(400)) == (
        422, 'RULE_VIOLATION')
    zhifupay.post(path(policy, '/cancellation'),
        {'reason': "closing", 'effective_date': today()})
    assert endorse(zhifupay) == (409, 'POLICY_NOT_IN_FORCE')


def test_renewal_links_both_ways_once(zhifupay, policy):
    response = zhifupay.post(path(policy, '/renewal'), {})

    assert response.status_code == 201, response.text
    renewal = response.json()
    assert renewal['renewed_from'] == policy['policy_no']
    assert renewal['start'] == policy['end']
    assert renewal['policy_no'] != policy['policy_no']
    assert zhifupay.get(path(policy)).json()['renewed_to'] == (
        renewal['policy_no'])
    again = zhifupay.post(path(policy, '/renewal'), {'plan_code': 'BASIC'})
    assert error_of(again) == (409, 'ALREADY_RENEWED')


def test_cancellation_refunds_once(zhifupay, policy):
    body = {'reason': "客户申请退保", 'effective_date': today()}
    response = zhifupay.post(path(policy, '/cancellation'), body,
        idempotency_key=f"cancel-{policy['policy_no']}")

    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert cancelled['status'] == 'cancelled'
    assert Decimal(cancelled['refund']) == Decimal(policy['premium'])
    replay = zhifupay.post(path(policy, '/cancellation'), body,
        idempotency_key=f"cancel-{policy['policy_no']}")
    assert (replay.status_code, replay.json()) == (200, cancelled)
    assert error_of(zhifupay.post(path(policy, '/cancellation'), body)) == (
        409, 'POLICY_NOT_IN_FORCE')


def test_racing_cancellations_cancel_once(client_of, policy):
    "The policy's row lock (ModelSQL.lock) lets one cancellation through"
    body = {'reason': "客户申请退保", 'effective_date': today()}

    def cancel(_):
        return client_of('ZHIFUPAY').post(path(policy, '/cancellation'), body)
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(r.status_code for r in pool.map(cancel, range(4)))

    assert statuses[0] == 200 and 200 not in statuses[1:], statuses
    # the others find it cancelled, or gave up waiting for the lock
    assert set(statuses[1:]) <= {409, 503}, statuses


def test_a_channel_not_granted_cancellation_is_refused(taomall, zhifupay):
    response = taomall.post('/policies/P000/cancellation',
        {'reason': "x", 'effective_date': today()})

    assert error_of(response) == (404, 'NOT_FOUND')


def test_openapi_documents_the_lifecycle(zhifupay):
    document = zhifupay.get('/openapi.json').json()

    for action, status in [('endorsements', '201'), ('renewal', '201'),
            ('cancellation', '200')]:
        operation = document['paths'][f'/policies/{{policy_no}}/{action}']
        assert status in operation['post']['responses']
    cancellation = document['paths']['/policies/{policy_no}/cancellation']
    assert '409' in cancellation['post']['responses']
