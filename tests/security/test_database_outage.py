"""The database away for a while (issue 11, item 5): every request answers
within a bounded wait, 503 SERVICE_UNAVAILABLE with Retry-After; health
says so; service resumes within seconds of the database's return."""
import time

import requests

from ..api.applications import error_code, return_shipping
from ..client import DEMO_KEYS, Client
from ..server import running_server
from .tcp_proxy import TcpProxy

OUTAGE = 15  # seconds
BOUND = 8  # seconds a request may take while the database is away
RECOVERY = 10  # seconds within which service resumes


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_outage_answers_503_quickly_and_recovers(demo_database):
    with TcpProxy() as proxy, running_server(demo_database,
            TRYTOND_DATABASE__URI=f'postgresql://postgres@127.0.0.1:'
            f'{proxy.port}/') as base_url:
        partner = Client(base_url, DEMO_KEYS['TAOMALL'])

        def health():
            return requests.get(base_url + '/api/v1/health', timeout=60)
        assert health().status_code == 200
        assert partner.post('/quotes', return_shipping()).status_code == 200

        proxy.stop()
        answers, slowest = 0, 0
        deadline = time.monotonic() + OUTAGE
        while time.monotonic() < deadline:
            quote, elapsed = timed(
                lambda: partner.post('/quotes', return_shipping()))
            checked, health_elapsed = timed(health)
            slowest = max(slowest, elapsed, health_elapsed)
            assert quote.status_code == 503, quote.text
            assert error_code(quote) == 'SERVICE_UNAVAILABLE'
            assert checked.status_code == 503, checked.text
            assert checked.json()['database'] == 'unreachable'
            for response in [quote, checked]:
                assert int(response.headers['Retry-After']) >= 1
            answers += 2
        assert slowest < BOUND and answers >= 4

        proxy.start()
        back = time.monotonic()
        while partner.post('/quotes', return_shipping()).status_code != 200:
            assert time.monotonic() - back < RECOVERY
            time.sleep(0.2)
        assert health().status_code == 200
        print(f"outage {OUTAGE} s: {answers} answers, slowest "
            f"{slowest:.1f} s; recovered in {time.monotonic() - back:.1f} s")
