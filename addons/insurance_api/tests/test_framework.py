"""The pieces of the API framework that need no database."""
import json

import pytest

from trytond.modules.insurance_api import endpoint, openapi
from trytond.modules.insurance_api.errors import status_error
from trytond.modules.insurance_api.idempotency import fingerprint, valid_key
from trytond.modules.insurance_api.middleware import ApiEnvelope


@pytest.mark.parametrize('key, valid', [
        ('a', True), ('~' * 64, True), ('order 42/retry', True),
        (None, False), ('', False), ('x' * 65, False), ('tab\t', False),
        ('é', False), ('\x7f', False)])
def test_idempotency_keys_are_1_to_64_printable_ascii(key, valid):
    assert valid_key(key) == valid


def test_fingerprint_ignores_key_order_not_values():
    quotes, policies = '/api/v1/quotes', '/api/v1/policies'
    first = fingerprint('POST', quotes, {'a': 1, 'b': [1, 2]})

    assert first == fingerprint('POST', quotes, {'b': [1, 2], 'a': 1})
    assert first != fingerprint('POST', quotes, {'a': 1, 'b': [2, 1]})
    assert first != fingerprint('POST', policies, {'a': 1, 'b': [1, 2]})


def test_status_errors_keep_the_status():
    error = status_error(413)

    assert (error.code, error.status) == ('PAYLOAD_TOO_LARGE', 413)
    assert status_error(418).code == 'INVALID_REQUEST'
    assert status_error(502).code == 'INTERNAL_ERROR'


def call_envelope(status, headers, body=b'', path='/api/v1/x', **environ):
    def app(environ, start_response):
        start_response(status, headers)
        return [body]
    answered = {}

    def start_response(status, headers):
        answered.update(status=status, headers=dict(headers))
    body = b''.join(ApiEnvelope(app)(
            {'PATH_INFO': path, **environ}, start_response))
    return answered['status'], answered['headers'], body


def test_envelope_shapes_foreign_errors_and_keeps_allow():
    status, headers, body = call_envelope(
        '405 METHOD NOT ALLOWED', [('Allow', 'GET, HEAD')],
        b'<html>', HTTP_X_REQUEST_ID='abc')

    assert status.startswith('405')
    assert headers['Allow'] == 'GET, HEAD'
    assert headers['X-Request-Id'] == 'abc'
    assert json.loads(body)['error']['code'] == 'METHOD_NOT_ALLOWED'


def test_envelope_answers_404_where_only_preflight_is_allowed():
    status, _, body = call_envelope(
        '405 METHOD NOT ALLOWED', [('Allow', 'OPTIONS')])

    assert status.startswith('404')
    assert json.loads(body)['error']['code'] == 'NOT_FOUND'


def test_envelope_leaves_json_answers_and_other_paths_alone():
    answer = b'{"ok": true}'
    _, headers, body = call_envelope(
        '200 OK', [('Content-Type', 'application/json')], answer)
    assert body == answer and len(headers['X-Request-Id']) == 32

    _, headers, body = call_envelope('404 NOT FOUND', [], b'<html>', path='/')
    assert body == b'<html>' and 'X-Request-Id' not in headers


def test_openapi_document_ignores_the_order_endpoints_were_declared(
        monkeypatch):
    declared = openapi.build_document()
    monkeypatch.setattr(openapi, 'ENDPOINTS', endpoint.ENDPOINTS[::-1])

    assert json.dumps(openapi.build_document()) == json.dumps(declared)
    assert list(declared['paths']) == sorted(declared['paths'])
