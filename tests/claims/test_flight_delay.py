"""Issue 16's proof over HTTP: 航班延误险, defined as data by the demo
underwriter and granted by the business user (flight_seed.py), is quoted,
issued, claimed and paid automatically by its rules, with the signed
callback of the payment."""
import datetime as dt

from ..api.applications import china_today, error_code, person, unique
from .test_claims_api import (
    callbacks_of,
    signed_by,
    wait_for_status,
    webhook_secret,
)


def flight(flight_no, ticket_price='1200.00', flight_date=None):
    return {
        'product_code': 'FLIGHT_DELAY', 'plan_code': 'STANDARD',
        'effective_date': china_today().isoformat(),
        'policyholder': person(),
        'risk': {
            'flight_no': flight_no,
            'flight_date': (flight_date or china_today()
                + dt.timedelta(days=3)).isoformat(),
            'ticket_price': ticket_price,
            },
        }


def claim(policy_no, **details):
    return {
        'policy_no': policy_no,
        'incident_date': (china_today()).isoformat(),
        'claimed_amount': '150.00', 'details': details,
        }


def test_flight_delay_quoted_issued_and_paid(flymall, receiver,
        api_database):
    # 5.00 x 0.80 (ticket under 500) = 4.00; x 1.50 from 1,500
    quote = flymall.post('/quotes', flight('MU5101', '480.00'))
    assert quote.status_code == 200, quote.text
    assert quote.json()['premium'] == '4.00'
    assert quote.json()['breakdown'][1]['row'] == '[0, 500)'
    assert flymall.post('/quotes', flight('MU5101', '1500')).json()[
        'premium'] == '7.50'

    body = flight(unique('CA'))
    issued = flymall.post('/policies', body)
    assert issued.status_code == 201, issued.text
    policy_no = issued.json()['policy_no']
    assert issued.json()['sum_insured'] == '300.00'
    # one policy per flight, date and insured person
    again = flymall.post('/policies', body)
    assert (again.status_code, error_code(again)) == (
        422, 'DUPLICATE_POLICY')

    missing = flymall.post('/claims', claim(policy_no))
    assert (missing.status_code, error_code(missing)) == (
        422, 'INVALID_CLAIM_DETAILS')
    assert missing.json()['error']['details'][0]['field'] == (
        'details.delay_minutes')
    mistyped = flymall.post('/claims', claim(policy_no, delay_minutes='x'))
    assert (mistyped.status_code, error_code(mistyped)) == (
        422, 'INVALID_CLAIM_DETAILS')

    filed = flymall.post('/claims', claim(policy_no, delay_minutes=100))
    assert filed.status_code == 201, filed.text
    claim_no = filed.json()['claim_no']
    rejected = wait_for_status(flymall, claim_no, 'rejected')
    assert rejected['rejection_reason'] == {
        'code': 'DELAY_TOO_SHORT', 'message': "航班延误不足 2 小时。"}

    updated = flymall.patch(f'/claims/{claim_no}',
        {'details': {'delay_minutes': 185}})
    assert updated.status_code == 200, updated.text
    # 3 full hours x 50
    paid = wait_for_status(flymall, claim_no, 'paid')
    assert paid['paid_amount'] == '150.00'
    assert paid['payment_reference'] == f'FD-{claim_no}'

    callbacks = callbacks_of(receiver, claim_no, 3)
    assert [c.event['data']['status'] for c in callbacks] == [
        'rejected', 'submitted', 'paid']
    assert callbacks[-1].event['data']['paid_amount'] == '150.00'
    secret = webhook_secret(api_database, 'FLYMALL')
    assert all(signed_by(c, secret) for c in callbacks)


def test_flight_outside_the_policy_is_rejected(flymall):
    late = china_today() + dt.timedelta(days=45)
    issued = flymall.post('/policies', flight(unique('CZ'), flight_date=late))
    assert issued.status_code == 201, issued.text
    filed = flymall.post('/claims',
        claim(issued.json()['policy_no'], delay_minutes=300))
    assert filed.status_code == 201, filed.text
    rejected = wait_for_status(flymall, filed.json()['claim_no'], 'rejected')
    assert rejected['rejection_reason']['code'] == 'FLIGHT_NOT_COVERED'
