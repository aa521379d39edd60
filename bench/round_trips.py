#!/usr/bin/env python3
"""Count what one partner API request costs inside the server process.

Serves a demo database in this process (trytond's WSGI application, the
API's middleware included, no HTTP), warms the caches, then answers each
hot endpoint several times and prints, per endpoint, the SQL round trips
(exchanges with PostgreSQL: every statement, BEGIN, COMMIT, savepoint) and
the CPU time of one request, as JSON:

    python bench/round_trips.py --database DB [--requests 200]

A round trip is counted each time psycopg reads from the server after
sending to it, so statements sent together in pipeline mode count once.
The demo channel TAOMALL calls with its demo key.
"""
import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_KEY = 'ick_demo_taomall_0123456789abcdefghijklmnopqrstuv'
WARM_UP = 3


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', required=True)
    parser.add_argument('--requests', type=int, default=50,
        help="requests per endpoint measured, after the warm-up")
    parser.add_argument('--key', default=DEMO_KEY)
    parser.add_argument('--count', action='store_true',
        help="only count the round trips (needs PSYCOPG_IMPL=python)")
    return parser.parse_args()


def serve(database):
    "The WSGI application serving database, loaded as gunicorn loads it"
    os.environ.setdefault(
        'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')
    os.environ.setdefault(
        'TRYTOND_CONFIG', str(ROOT / 'config' / 'trytond.conf'))
    os.environ['TRYTOND_DATABASE_NAMES'] = os.environ[
        'INSURANCE_DATABASE'] = database
    for name in ['DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    from trytond.application import app
    return app


class RoundTrips:
    """Counts the exchanges with PostgreSQL: each time psycopg waits to read
    the server's answer to something sent since its last wait (a
    statement, BEGIN, COMMIT, a pipeline flush)

    It watches libpq's sends, which only psycopg's Python implementation
    makes from Python: counting runs in a process of its own, with
    PSYCOPG_IMPL=python (the conversation is the same as the C one's)."""
    SENDS = ['send_query', 'send_query_params', 'send_prepare',
        'send_query_prepared', 'send_describe_prepared',
        'send_describe_portal', 'send_close_prepared', 'send_close_portal',
        'pipeline_sync', 'send_flush_request']

    def __init__(self):
        from psycopg import pq, waiting
        assert pq.__impl__ == 'python', "set PSYCOPG_IMPL=python"
        self.count = 0
        self.sent = False
        for name in self.SENDS:
            original = getattr(pq.PGconn, name)
            setattr(pq.PGconn, name, self._sending(original))
        wait = waiting.wait

        def watched_wait(generator, *args, **kwargs):
            return wait(self._watched(generator), *args, **kwargs)
        waiting.wait = watched_wait

    def _sending(self, send):
        def watched(pgconn, *args, **kwargs):
            self.sent = True
            return send(pgconn, *args, **kwargs)
        return watched

    def _watched(self, generator):
        "generator, counting its waits to read after a send"
        from psycopg.waiting import Wait
        try:
            state = next(generator)
            while True:
                if state == Wait.R and self.sent:
                    self.count += 1
                    self.sent = False
                state = generator.send((yield state))
        except StopIteration as stop:
            return stop.value


def request_body():
    order_no = f'RT{uuid.uuid4().hex[:20]}'
    return {
        'product_code': 'RETURN_SHIPPING', 'plan_code': 'STANDARD',
        'effective_date': dt.date.today().isoformat(),
        'policyholder': {
            'name': '张三', 'id_type': 'ID_CARD',
            'id_no': '110101199003077777', 'phone': '13800138000'},
        'risk': {
            'order_no': order_no, 'order_amount': '199.00',
            'goods_category': 'apparel', 'return_rate_band': 'A',
            'buyer_id': 'b-1', 'seller_id': 's-9',
            'shipping_tracking_no': 'SF' + order_no},
        }


class Partner:
    "TAOMALL calling the application in process"

    def __init__(self, app, key):
        from werkzeug.test import Client
        self.client = Client(app)
        self.key = key
        self.issued = []

    def headers(self, idempotent):
        headers = {'Authorization': f'Bearer {self.key}'}
        if idempotent:
            headers['Idempotency-Key'] = uuid.uuid4().hex
        return headers

    def post(self, path, status):
        response = self.client.post('/api/v1' + path, json=request_body(),
            headers=self.headers(True))
        assert response.status_code == status, (path, response.get_data())
        return response.get_json()

    def quote(self):
        self.post('/quotes', 200)

    def issue(self):
        self.issued.append(self.post('/policies', 201)['policy_no'])

    def read(self):
        number = self.issued[len(self.issued) // 2]
        response = self.client.get(f'/api/v1/policies/{number}',
            headers=self.headers(False))
        assert response.status_code == 200, response.get_data()


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(partner, requests, counter=None):
    """Per endpoint, the round trips (with a counter) or the CPU µs of one
    request"""
    endpoints = {'POST /quotes': partner.quote,
        'POST /policies': partner.issue,
        'GET /policies/{no}': partner.read}
    for call in endpoints.values():
        for _ in range(WARM_UP):
            call()
    figures = {}
    for name, call in endpoints.items():
        if counter:
            counter.count = 0
        started = cpu_seconds()
        for _ in range(requests):
            call()
        figures[name] = (counter.count / requests if counter
            else round((cpu_seconds() - started) / requests * 1e6))
    return figures


def counted_round_trips(arguments):
    "The round trips per endpoint, counted in a process of its own"
    env = dict(os.environ, PSYCOPG_IMPL='python',
        INSURANCE_ALLOW_PYTHON_PSYCOPG='1')
    child = subprocess.run([sys.executable, __file__,
            '--database', arguments.database, '--key', arguments.key,
            '--requests', str(min(arguments.requests, 20)), '--count'],
        env=env, capture_output=True, text=True)
    if child.returncode:
        sys.exit(child.stderr)
    return json.loads(child.stdout.splitlines()[-1])


def main():
    arguments = parse_arguments()
    if arguments.count:
        counter = RoundTrips()
        partner = Partner(serve(arguments.database), arguments.key)
        print(json.dumps(measure(partner, arguments.requests, counter)))
        return
    round_trips = counted_round_trips(arguments)
    partner = Partner(serve(arguments.database), arguments.key)
    cpu = measure(partner, arguments.requests)
    print(json.dumps({name: {'round_trips': round_trips[name],
                    'cpu_us': cpu[name]} for name in cpu}))


if __name__ == '__main__':
    sys.exit(main())
