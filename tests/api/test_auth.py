"""Bearer API keys, channel state, IP allowlist and rate limit."""
import pytest

from .applications import error_code, return_shipping


@pytest.mark.parametrize('authorization', [
        None, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz',
        'Bearer ick_unknown_0123456789', 'Bearer ' + 'x' * 5000])
def test_no_valid_key_is_unauthenticated(client_of, authorization):
    client = client_of(None)
    headers = {} if authorization is None else {
        'Authorization': authorization}

    response = client.post('/quotes', return_shipping(), **headers)

    assert response.status_code == 401
    assert error_code(response) == 'UNAUTHENTICATED'


def test_a_revoked_key_is_unauthenticated(client_of):
    response = client_of('REVOKED').get('/policies/P000')

    assert response.status_code == 401
    assert error_code(response) == 'UNAUTHENTICATED'


def test_a_closed_channel_is_refused(client_of):
    response = client_of('CLOSEDMALL').post('/quotes', return_shipping())

    assert response.status_code == 403
    assert error_code(response) == 'CHANNEL_CLOSED'


def test_an_address_off_the_allowlist_is_refused(client_of):
    response = client_of('IPMALL').post('/quotes', return_shipping())

    assert response.status_code == 403
    assert error_code(response) == 'IP_NOT_ALLOWED'


def test_forwarded_for_is_not_trusted_by_default(client_of):
    response = client_of('IPMALL').post('/quotes', return_shipping(),
        **{'X-Forwarded-For': '10.1.2.3'})

    assert error_code(response) == 'IP_NOT_ALLOWED'


def test_exceeding_the_rate_limit_answers_429(client_of):
    slow = client_of('SLOWMALL')

    responses = [slow.get('/policies/P000') for _ in range(6)]

    limited = [r for r in responses if r.status_code == 429]
    assert limited, [r.status_code for r in responses]
    assert error_code(limited[0]) == 'RATE_LIMITED'
    assert int(limited[0].headers['Retry-After']) >= 1
