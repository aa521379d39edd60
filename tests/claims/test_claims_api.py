"""The claims endpoints over HTTP, adjudicated by a real trytond-worker and
calling back a real receiver."""
import datetime as dt
import hashlib
import hmac
import os
import time
import uuid

import psycopg
import requests

from ..api.applications import china_today, error_code, return_shipping

GOOD_TRACKING_NO = 'SF1234567890'
DECISION_SECONDS = 30


def issue(client):
    response = client.post('/policies', return_shipping())
    assert response.status_code == 201, response.text
    return response.json()['policy_no']


def claim_body(policy_no, tracking_no=GOOD_TRACKING_NO, incident_date=None):
    return {
        'policy_no': policy_no,
        'incident_date': (incident_date or china_today()).isoformat(),
        'claimed_amount': '12.00',
        'details': {'return_tracking_no': tracking_no},
        }


def file(client, policy_no, **body):
    response = client.post('/claims', claim_body(policy_no, **body))
    assert response.status_code == 201, response.text
    return response.json()


def wait_for_status(client, claim_no, status):
    "The claim once in status, polled as a partner would"
    deadline = time.monotonic() + DECISION_SECONDS
    while time.monotonic() < deadline:
        claim = client.get(f'/claims/{claim_no}').json()
        if claim['status'] == status:
            return claim
        time.sleep(0.2)
    raise AssertionError(f"{claim_no} still {claim['status']}")


def callbacks_of(receiver, claim_no, count):
    deadline = time.monotonic() + DECISION_SECONDS
    while time.monotonic() < deadline:
        received = [r for r in receiver.received
            if r.event['data']['claim_no'] == claim_no]
        if len(received) >= count:
            return received
        time.sleep(0.2)
    raise AssertionError(f"{len(received)} callbacks for {claim_no}")


def webhook_secret(database, channel_code):
    uri = os.environ['TRYTOND_DATABASE__URI'] + database
    with psycopg.connect(uri) as connection:
        secret, = connection.execute(
            'SELECT webhook_secret FROM insurance_channel WHERE code = %s',
            (channel_code,)).fetchone()
    return secret


def signed_by(received, secret):
    signed = received.headers['X-Timestamp'].encode() + b'.' + received.body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return received.headers['X-Signature'] == f'sha256={digest}'


def test_wrong_tracking_number_story(claimmall, receiver, api_database):
    """Seed 2.1 scenario 8: filed with a wrong tracking number, rejected,
    updated with the right one, paid; three callbacks."""
    filed = file(claimmall, issue(claimmall), tracking_no='SF123')
    claim_no = filed['claim_no']
    assert filed['status'] == 'submitted'

    rejected = wait_for_status(claimmall, claim_no, 'rejected')
    assert rejected['rejection_reason']['code'] == 'INVALID_TRACKING_NO'

    updated = claimmall.patch(f'/claims/{claim_no}',
        {'details': {'return_tracking_no': GOOD_TRACKING_NO}})
    assert updated.status_code == 200, updated.text
    assert updated.json()['status'] == 'submitted'
    assert updated.json()['rejection_reason'] is None

    paid = wait_for_status(claimmall, claim_no, 'paid')
    assert paid['paid_amount'] == '12.00'
    assert paid['payment_reference'] == f'RS-{claim_no}'
    assert paid['details'] == {'return_tracking_no': GOOD_TRACKING_NO}
    history = [(h['field'], h['old_value'], h['new_value'])
        for h in paid['history']]
    assert [h for h in history if h[0] == 'status'] == [
        ('status', None, 'submitted'),
        ('status', 'submitted', 'rejected'),
        ('status', 'rejected', 'submitted'),
        ('status', 'submitted', 'paid')]
    assert ('details.return_tracking_no', 'SF123', GOOD_TRACKING_NO) in (
        history)
    assert {h['actor'] for h in paid['history']} == {
        'channel CLAIMMALL', 'adjudication'}

    callbacks = callbacks_of(receiver, claim_no, 3)
    assert [(c.event['data']['previous_status'], c.event['data']['status'])
        for c in callbacks] == [
        ('submitted', 'rejected'), ('rejected', 'submitted'),
        ('submitted', 'paid')]
    assert callbacks[-1].event['data']['paid_amount'] == '12.00'
    secret = webhook_secret(api_database, 'CLAIMMALL')
    assert all(signed_by(c, secret) for c in callbacks)
    assert len({c.headers['X-Event-Id'] for c in callbacks}) == 3


def test_paid_claim_is_final(claimmall):
    claim_no = file(claimmall, issue(claimmall))['claim_no']
    wait_for_status(claimmall, claim_no, 'paid')
    response = claimmall.patch(
        f'/claims/{claim_no}', {'claimed_amount': '10.00'})
    assert (response.status_code, error_code(response)) == (
        409, 'CLAIM_FINAL')


def test_policy_not_covering_the_incident_date(claimmall):
    yesterday = china_today() - dt.timedelta(days=1)
    response = claimmall.post('/claims',
        claim_body(issue(claimmall), incident_date=yesterday))
    assert (response.status_code, error_code(response)) == (
        422, 'NOT_COVERED')


def test_other_channels_see_nothing(claimmall, channel_client):
    taomall = channel_client('TAOMALL')
    response = claimmall.post('/claims', claim_body(issue(taomall)))
    assert (response.status_code, error_code(response)) == (404, 'NOT_FOUND')

    claim_no = file(claimmall, issue(claimmall))['claim_no']
    for answer in [taomall.get(f'/claims/{claim_no}'),
            taomall.patch(f'/claims/{claim_no}', {'claimed_amount': '1.00'})]:
        assert (answer.status_code, error_code(answer)) == (404, 'NOT_FOUND')


def test_contract_must_grant_claims(channel_client):
    no_claims = channel_client('NOQUERY')  # quote and issue only
    response = no_claims.post('/claims', claim_body(issue(no_claims)))
    assert (response.status_code, error_code(response)) == (
        403, 'OPERATION_NOT_AUTHORIZED')


def test_filing_is_idempotent(claimmall):
    body, key = claim_body(issue(claimmall)), uuid.uuid4().hex
    first = claimmall.post('/claims', body, idempotency_key=key)
    again = claimmall.post('/claims', body, idempotency_key=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = claimmall.post('/claims', {**body, 'claimed_amount': '1.00'},
        idempotency_key=key)
    assert (other.status_code, error_code(other)) == (
        409, 'IDEMPOTENCY_KEY_REUSED')


def test_bad_input_names_the_fields(claimmall):
    response = claimmall.post('/claims', {
            'policy_no': 'P1', 'incident_date': '2026-13-01',
            'claimed_amount': 12})
    assert (response.status_code, error_code(response)) == (
        400, 'INVALID_REQUEST')
    fields = {d['field'] for d in response.json()['error']['details']}
    assert {'incident_date', 'claimed_amount'} <= fields


def test_openapi_documents_the_claims(api_server):
    document = requests.get(
        api_server + '/api/v1/openapi.json', timeout=10).json()
    paths = document['paths']
    assert set(paths['/claims']) == {'post'}
    assert set(paths['/claims/{claim_no}']) == {'get', 'patch'}
    assert '422' in paths['/claims']['post']['responses']
    assert '409' in paths['/claims/{claim_no}']['patch']['responses']
