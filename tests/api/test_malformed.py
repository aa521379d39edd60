"""No input, however malformed, answers 5xx; errors keep the contract's
shape and every answer carries X-Request-Id."""
import json

import pytest
import requests

from .applications import detail_fields, error_code, return_shipping

MIB = 1024 * 1024


def assert_error_shape(response):
    error = response.json()['error']
    assert set(error) == {'code', 'message', 'details'}
    assert isinstance(error['details'], list)
    assert response.headers['X-Request-Id']


@pytest.mark.parametrize('data', [
        b'', b'{', b'[]', b'null', b'"text"', b'42', b'{"a": NaN}',
        b'\xff\xfe\xfd', '{"product_code": "é"}'.encode('latin-1'),
        b'[' * 100000, b'{"risk": ' * 5000,
        b'{"product_code": "RETURN_SHIPPING\\u0000"}',
        ])
def test_invalid_json_is_an_invalid_request(taomall, data):
    response = taomall.post_raw('/quotes', data)

    assert response.status_code == 400
    assert error_code(response) == 'INVALID_REQUEST'
    assert_error_shape(response)


def test_wrong_types_and_unknown_fields_are_named(taomall):
    body = return_shipping()
    body['plan_code'] = 7
    body['effective_date'] = 'tomorrow'
    body['policyholder']['id_type'] = 'BADGE'
    body['colour'] = 'red'
    body['risk']['order_amount'] = float('inf')

    response = taomall.post_raw('/quotes', json.dumps(body).encode())

    assert response.status_code == 400
    assert {'plan_code', 'effective_date', 'policyholder.id_type', 'colour',
        'risk.order_amount'} <= set(detail_fields(response))


@pytest.mark.parametrize('value', [
        None, True, 1e308, -1, 10 ** 40, '', ' ', 'x' * 10000, [], {}])
def test_odd_risk_values_never_fail_the_server(taomall, value):
    body = return_shipping(order_amount=value)

    response = taomall.post('/quotes', body)

    assert response.status_code < 500, response.text
    assert_error_shape(response) if response.status_code >= 400 else None


def test_a_body_over_one_mib_is_too_large(taomall):
    body = return_shipping(padding='x' * MIB)

    response = taomall.post('/quotes', body)

    assert response.status_code == 413
    assert error_code(response) == 'PAYLOAD_TOO_LARGE'
    assert_error_shape(response)


@pytest.mark.parametrize('content_type', [
        'text/plain', 'application/x-www-form-urlencoded', 'application/xml'])
def test_a_body_that_is_not_json_is_unsupported(taomall, content_type):
    response = taomall.post_raw('/quotes',
        json.dumps(return_shipping()).encode(), content_type=content_type)

    assert response.status_code == 415
    assert error_code(response) == 'UNSUPPORTED_MEDIA_TYPE'


@pytest.mark.parametrize('path', [
        '/nothing', '/policies', '/policies/a/b', '/quotes/x', '/%ff',
        '/policies/%00'])
def test_unknown_routes_are_not_found(taomall, path):
    response = taomall.get(path)

    assert response.status_code in {404, 405}
    assert_error_shape(response)


def test_a_wrong_method_is_not_allowed(taomall):
    response = taomall.session.delete(taomall.base_url + '/quotes')

    assert response.status_code == 405
    assert error_code(response) == 'METHOD_NOT_ALLOWED'
    assert 'POST' in response.headers['Allow']


def test_a_cross_site_origin_is_forbidden_in_shape(taomall):
    response = taomall.post('/quotes', return_shipping(),
        Origin='https://evil.example')

    assert response.status_code == 403
    assert_error_shape(response)


def test_a_sane_request_id_is_echoed(taomall):
    response = taomall.get('/health', **{'X-Request-Id': 'abc-123'})

    assert response.headers['X-Request-Id'] == 'abc-123'


@pytest.mark.parametrize('incoming', ['', 'a b', 'x' * 200, '<script>'])
def test_an_odd_request_id_is_replaced(taomall, incoming):
    response = taomall.get('/health', **{'X-Request-Id': incoming})

    assert response.headers['X-Request-Id'] not in {'', incoming}


def test_every_answer_has_a_request_id(api_server):
    for path in ['/api/v1/health', '/api/v1/openapi.json', '/api/v1/docs',
            '/api/v1/nothing']:
        response = requests.get(api_server + path, timeout=10)
        assert response.headers['X-Request-Id'], path
