"""nginx in front of gunicorn (issue 11, items 3, 4 and 6): slow clients
starve nothing, nginx's own refusals answer the API's error body, the API
sees the real client address."""
import http.client
import json
import time
import uuid

import pytest
import requests

from ..api.applications import return_shipping
from ..server import running_proxy
from .conftest import CLIENT_CONNECTIONS
from .raw import address_of, connect, exchange, read_answer, request

# nginx's client_header_timeout and client_body_timeout
CLIENT_TIMEOUT = 10
KIB = 1024


def assert_error_body(answer, status, code):
    assert answer.status == status, answer
    assert answer.headers['content-type'] == 'application/json'
    assert answer.headers['x-request-id']
    error = answer.json()['error']
    assert error['code'] == code
    assert error['message'] and error['details'] == []


def health_seconds(base_url):
    started = time.monotonic()
    response = requests.get(base_url + '/api/v1/health', timeout=30)
    assert response.status_code == 200
    return time.monotonic() - started


def test_slow_clients_hold_no_worker(proxy):
    # Ten clients sending one header byte every 3 s, three declaring a body
    # longer than they send: five times the workers gunicorn has.
    slow = [connect(proxy) for _ in range(10)]
    liars = [connect(proxy, source='127.0.0.2') for _ in range(3)]
    for liar in liars:
        liar.sendall(request('POST', '/api/v1/quotes', [
                    'Content-Type: application/json',
                    'Content-Length: 100'], b'{"risk": '))
    header = request('GET', '/api/v1/health')
    started = time.monotonic()
    bytes_sent, seconds = 0, []
    while time.monotonic() - started < CLIENT_TIMEOUT + 2:
        if time.monotonic() - started >= 3 * bytes_sent:
            for sock in slow:
                try:
                    sock.send(header[bytes_sent:bytes_sent + 1])
                except OSError:
                    pass  # nginx has closed it
            bytes_sent += 1
        seconds.append(health_seconds(proxy))
        time.sleep(0.2)

    assert max(seconds) < 1, seconds
    # nginx closed the stalled requests itself, none reached gunicorn
    for sock in slow + liars:
        answer = read_answer(sock, started)
        sock.close()
        assert answer.status is None, answer
        assert answer.seconds < CLIENT_TIMEOUT + 3


@pytest.mark.parametrize('data,status', [
        (request('GET', '/api/v1/policies/' + 'P' * 9 * KIB), 414),
        (request('GET', '/api/v1/health', ['X-Big: ' + 'x' * 9 * KIB]), 431),
        (request('GET', '/api/v1/health', ['Not a header']), 400),
        (b'NONSENSE\r\n\r\n', 400),
        ], ids=['uri-too-long', 'header-too-large', 'bad-header', 'no-http'])
def test_malformed_requests_answer_the_error_body(proxy, data, status):
    answer = exchange(proxy, data)

    assert_error_body(answer, status, 'INVALID_REQUEST')


def test_a_declared_body_over_1_mib_answers_413(proxy):
    answer = exchange(proxy, request('POST', '/api/v1/quotes', [
                'Content-Type: application/json',
                f'Content-Length: {2 * KIB * KIB}'], b'{}'))

    assert_error_body(answer, 413, 'PAYLOAD_TOO_LARGE')


def test_a_10_mib_chunked_body_answers_413(proxy):
    chunk = b'x' * 64 * KIB
    started = time.monotonic()
    with connect(proxy) as sock:
        sock.sendall(request('POST', '/api/v1/quotes', [
                    'Content-Type: application/json',
                    'Transfer-Encoding: chunked']))
        try:
            for _ in range(160):
                sock.sendall(b'%x\r\n%s\r\n' % (len(chunk), chunk))
            sock.sendall(b'0\r\n\r\n')
        except OSError:
            pass  # nginx answered and stopped reading
        answer = read_answer(sock, started)

    assert_error_body(answer, 413, 'PAYLOAD_TOO_LARGE')


def test_one_client_address_gets_429_beyond_its_connections(proxy):
    held = [connect(proxy, source='127.0.0.3')
        for _ in range(CLIENT_CONNECTIONS)]
    for sock in held:
        sock.sendall(request('POST', '/api/v1/quotes', [
                    'Content-Type: application/json',
                    'Content-Length: 10']))
    try:
        for _ in range(50):
            answer = exchange(proxy, request('GET', '/api/v1/health'),
                source='127.0.0.3')
            if answer.status == 429:
                break
        assert_error_body(answer, 429, 'RATE_LIMITED')
        assert int(answer.headers['retry-after']) >= 1
        # other clients are served
        assert health_seconds(proxy) < 1
    finally:
        for sock in held:
            sock.close()


def test_gunicorn_down_answers_503_with_retry_after():
    with running_proxy(['unix:/nonexistent/gunicorn.sock']) as base_url:
        answers = [exchange(base_url, data) for data in [
                request('GET', '/api/v1/health'),
                request('POST', '/api/v1/quotes', [
                        'Content-Type: application/json',
                        'Content-Length: 2'], b'{}')]]

    for answer in answers:
        assert_error_body(answer, 503, 'SERVICE_UNAVAILABLE')
        assert int(answer.headers['retry-after']) >= 1


def test_a_sane_request_id_passes_through(proxy):
    response = requests.get(proxy + '/api/v1/policies/P000',
        headers={'X-Request-Id': 'partner-42'}, timeout=30)

    assert response.status_code == 401
    assert response.headers['X-Request-Id'] == 'partner-42'


def quote_from(base_url, source, key, **headers):
    "POST a quote from the source address; return the status and error code"
    connection = http.client.HTTPConnection(
        *address_of(base_url), timeout=30, source_address=(source, 0))
    try:
        connection.request('POST', '/api/v1/quotes',
            body=json.dumps(return_shipping()), headers={
                'Content-Type': 'application/json',
                'Authorization': f'Bearer {key}',
                'Idempotency-Key': uuid.uuid4().hex, **headers})
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    return response.status, body.get('error', {}).get('code')


def test_the_allowlist_sees_the_client_address_behind_nginx(
        proxy, api_keys):
    # LOOPMALL accepts calls from 127.0.0.2 only
    key = api_keys['LOOPMALL']

    assert quote_from(proxy, '127.0.0.2', key) == (200, None)
    assert quote_from(proxy, '127.0.0.1', key) == (403, 'IP_NOT_ALLOWED')
    # nginx replaces what the client claims
    assert quote_from(proxy, '127.0.0.1', key, **{
            'X-Forwarded-For': '127.0.0.2',
            'X-Real-IP': '127.0.0.2'}) == (403, 'IP_NOT_ALLOWED')


def test_forwarded_headers_are_ignored_from_other_peers(api_server, api_keys):
    # gunicorn reached directly over TCP, not through nginx's unix socket
    key = api_keys['LOOPMALL']

    assert quote_from(api_server, '127.0.0.2', key) == (200, None)
    assert quote_from(api_server, '127.0.0.1', key, **{
            'X-Forwarded-For': '127.0.0.2'}) == (403, 'IP_NOT_ALLOWED')
