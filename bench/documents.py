#!/usr/bin/env python3
"""E-policy documents: the time to make one, and whether partners fetching
them slow issuance down.

1. Rendering: in one process, the e-policy PDF of policies of both products
   (half of them endorsed), one after the other: p50/p95/max per document.
2. Over HTTP: GET /api/v1/policies/{no}/document one after the other.
3. Load: the seed's mix at its peak (bench/locustfile.py, 2 issues/s) for
   --duration seconds, alone, then with a partner fetching documents at
   --rate per second beside it: issuance latency both times, and the
   documents' own latency.

Creates a demo database, serves it with gunicorn as in production, drops it.

    .venv/bin/python bench/documents.py --documents 200 --duration 60
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / 'bench'))
os.environ.setdefault(
    'TRYTOND_DATABASE__URI', 'postgresql://postgres@127.0.0.1:5432/')
os.environ.setdefault('TRYTOND_CONFIG', str(ROOT / 'config' / 'trytond.conf'))

from api_load import lift_rate_limit, run_locust  # noqa: E402

from tests.api.applications import (  # noqa: E402
    account_security,
    return_shipping,
)
from tests.client import DEMO_KEYS, Client  # noqa: E402
from tests.server import (  # noqa: E402
    drop_database,
    install_demo_database,
    running_server,
)

PEAK_ISSUES = 2.0  # the seed's peak: 2 issues a second


def percentiles(seconds):
    "p50, p95 and max in milliseconds"
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return tuple(round(v * 1000, 1)
        for v in (statistics.median(ordered), p95, ordered[-1]))


def issue_policies(base_url, count):
    "Numbers of count new policies, half of them endorsed"
    taomall = Client(base_url, DEMO_KEYS['TAOMALL'])
    zhifupay = Client(base_url, DEMO_KEYS['ZHIFUPAY'])
    numbers = []
    for index in range(count):
        if index % 2:
            number = taomall.post('/policies', return_shipping()).json()[
                'policy_no']
            numbers.append((taomall, number))
        else:
            number = zhifupay.post('/policies', account_security()).json()[
                'policy_no']
            zhifupay.post(f'/policies/{number}/endorsements', {
                    'plan_code': 'ADVANCED',
                    'effective_date': time.strftime('%Y-%m-%d')})
            numbers.append((zhifupay, number))
    return numbers


def render_in_process(database, numbers):
    "Seconds to make each e-policy PDF, in this process"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(database)
    pool.init()
    times = []
    with Transaction().start(database, 0, readonly=True):
        Policy = pool.get('insurance.policy')
        PolicyDocument = pool.get('insurance.policy.document', type='report')
        policies = Policy.search([('number', 'in', [n for _, n in numbers])])
        PolicyDocument.pdf(policies[0])  # fonts are read once per process
        for policy in policies:
            start = time.perf_counter()
            PolicyDocument.pdf(policy)
            times.append(time.perf_counter() - start)
    return times


def fetch(client, number):
    start = time.perf_counter()
    response = client.get(f'/policies/{number}/document')
    assert response.status_code == 200, response.text
    return time.perf_counter() - start


def fetch_over_http(numbers):
    return [fetch(client, number) for client, number in numbers]


class DocumentFetcher(threading.Thread):
    "A partner fetching e-policies at rate per second until stopped"

    def __init__(self, numbers, rate):
        super().__init__(daemon=True)
        self.numbers, self.rate = numbers, rate
        self.times, self.late = [], 0
        self.stopped = threading.Event()

    def run(self):
        period, next_at, index = 1 / self.rate, time.monotonic(), 0
        while not self.stopped.is_set():
            client, number = self.numbers[index % len(self.numbers)]
            self.times.append(fetch(client, number))
            index += 1
            next_at += period
            pause = next_at - time.monotonic()
            if pause > 0:
                self.stopped.wait(pause)
            else:
                self.late += 1


def issuance_row(label, rows):
    for row in rows:
        if row['Name'] == 'POST /policies':
            return (f"| {label} | {row['Request Count']} | "
                f"{row['Failure Count']} | {row['50%']} | {row['95%']} | "
                f"{row['99%']} | {row['Max Response Time']} |")
    return f'| {label} | no issue measured | | | | | |'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--documents', type=int, default=200)
    parser.add_argument('--duration', type=int, default=60,
        help="seconds of each load run (0 leaves the load runs out)")
    parser.add_argument('--rate', type=float, default=10,
        help="documents fetched per second during the second load run")
    parser.add_argument('--workers', type=int, default=4)
    args = parser.parse_args()

    database = f'insurance_bench_documents_{os.getpid()}'
    install_demo_database(database)
    lift_rate_limit(database, 'TAOMALL')
    lift_rate_limit(database, 'ZHIFUPAY')
    try:
        with running_server(database, workers=args.workers) as base_url:
            numbers = issue_policies(base_url, args.documents)
            print("| measure | documents | p50 ms | p95 ms | max ms |")
            print("| --- | --- | --- | --- | --- |")
            for label, times in [
                    ("PDF made in process", render_in_process(
                            database, numbers)),
                    ("GET …/document over HTTP", fetch_over_http(numbers))]:
                print(f"| {label} | {len(times)} | "
                    + ' | '.join(map(str, percentiles(times))) + ' |',
                    flush=True)
            if args.duration:
                load(base_url, numbers, args)
    finally:
        drop_database(database)


def load(base_url, numbers, args):
    table = ["| POST /policies at 2 issues/s | issues | failures | p50 ms "
        "| p95 ms | p99 ms | max ms |", "| --- | --- | --- | --- | --- "
        "| --- | --- |"]
    with tempfile.TemporaryDirectory() as folder:
        alone = run_locust(base_url, PEAK_ISSUES, args.duration, True,
            folder)
        table.append(issuance_row("seed's mix alone", alone))
        fetcher = DocumentFetcher(numbers, args.rate)
        fetcher.start()
        beside = run_locust(base_url, PEAK_ISSUES, args.duration, True,
            folder)
        fetcher.stopped.set()
        fetcher.join()
        table.append(issuance_row(
            f"with {args.rate:g} documents/s beside", beside))
    print('\n'.join(table))
    p50, p95, worst = percentiles(fetcher.times)
    print(f"\nDocuments fetched beside: {len(fetcher.times)} "
        f"({len(fetcher.times) / args.duration:.1f}/s, {fetcher.late} late), "
        f"p50 {p50} ms, p95 {p95} ms, max {worst} ms")


if __name__ == '__main__':
    main()
