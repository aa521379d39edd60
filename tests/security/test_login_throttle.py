"""Login throttling by client address and login together (issue 11, item 6):
a stranger's wrong passwords lock out only the stranger, who is told when to
retry; parallel attempts are not all evaluated and hold no worker.

The clients connect from several loopback addresses (127.0.0.x) to the demo
server, which sees each as the client address."""
import http.client
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from ..scale.backoffice import BackOffice

PASSWORD = 'Probe-2026-secret'


def login(base_url, database, user, password, source):
    "The JSON-RPC answer to a login from the source address"
    url = urlsplit(base_url)
    connection = http.client.HTTPConnection(
        url.hostname, url.port, source_address=(source, 0), timeout=60)
    try:
        connection.request('POST', f'/{database}/rpc/', json.dumps({
                    'id': 1, 'method': 'common.db.login',
                    'params': [user, {'password': password}, 'en']}),
            {'Content-Type': 'application/json'})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        return response.status
    return json.loads(body)


def throttled(answer):
    "The seconds a throttled login is told to wait, or None"
    error = answer.get('error') if isinstance(answer, dict) else None
    if error and error[0] == 'LoginException':
        message = error[1][1]
        return int(''.join(c for c in message.split('in')[-1] if c.isdigit()))
    return None


def probe_user(base_url, database):
    "A staff login of its own, so that no other test is locked out"
    name = 'probe_' + uuid.uuid4().hex[:8]
    BackOffice(base_url, database).model('res.user', 'create', [{
                'login': name, 'name': name, 'password': PASSWORD}])
    return name


def test_a_stranger_locks_out_only_himself(demo_server, demo_database):
    user = probe_user(demo_server, demo_database)
    started = time.monotonic()
    answers = [login(demo_server, demo_database, user, 'wrong', '127.0.0.3')
        for _ in range(6)]
    assert answers[:5] == [401] * 5
    wait = throttled(answers[5])
    assert wait and 200 < wait <= 300
    assert time.monotonic() - started < 10  # no delay held a worker

    real = login(demo_server, demo_database, user, PASSWORD, '127.0.0.4')
    assert isinstance(real['result'][0], int)
    again = login(demo_server, demo_database, user, PASSWORD, '127.0.0.3')
    assert throttled(again)


def test_parallel_attempts_are_not_all_evaluated(demo_server, demo_database):
    user = probe_user(demo_server, demo_database)
    started = time.monotonic()
    with ThreadPoolExecutor(8) as executor:
        answers = list(executor.map(lambda _: login(demo_server,
                    demo_database, user, 'wrong', '127.0.0.5'), range(8)))
    evaluated = answers.count(401)
    assert 1 <= evaluated <= 5
    assert all(throttled(a) for a in answers if a != 401)
    assert time.monotonic() - started < 15
